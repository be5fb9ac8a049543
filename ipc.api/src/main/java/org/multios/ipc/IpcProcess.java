package org.multios.ipc;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;


/**
 * The identity of an IPC process: whoever calls. A bundle, an OS process attached to named
 * objects, or a remote peer.
 *
 * <p>Anyone can construct an instance, and holding one proves nothing: the platform never takes
 * an {@code IpcProcess} from a caller as the caller's identity. Who calls is always the process
 * the platform bound to the caller's service (ipc.security for a bundle, keyed on its location;
 * the plain-Java bootstrap; the network transport for a peer), and access is decided on that.
 * Where the API takes an {@code IpcProcess} as an argument (the target of a signal), it only
 * names a live process by kind and id (and pid and start time); the platform acts on its own
 * record of that process, whose user and groups decide, never on those of the argument.
 *
 * <p>An OS process is identified by its pid together with its start time, so that a reused
 * pid is not mistaken for a live owner. Instances are immutable; two are equal when kind, id,
 * pid and start time are equal.
 */
public final class IpcProcess {
    private final ProcessKind kind;
    private final long id;
    private final String name;
    private final long pid;
    private final long startTimeMillis;
    private final String user;
    private final Set<String> groups;

    /**
     * @param kind            what the process is
     * @param id              bundle id for bundles, pid for OS processes, a connection number for
     *                        remote peers
     * @param name            a readable name: bundle symbolic name, command, remote address
     * @param pid             the OS process that hosts it (the JVM's pid for bundles)
     * @param startTimeMillis the start time of that OS process, epoch milliseconds, or 0 if unknown
     * @param user            the user the process acts as
     * @param groups          the groups the process belongs to; the first is its primary group
     */
    public IpcProcess(ProcessKind kind, long id, String name, long pid, long startTimeMillis, String user,
            Set<String> groups) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.id = id;
        this.name = Objects.requireNonNull(name, "name");
        this.pid = pid;
        this.startTimeMillis = startTimeMillis;
        this.user = Objects.requireNonNull(user, "user");
        this.groups = Collections.unmodifiableSet(new LinkedHashSet<>(groups));
    }

    /** What the process is. */
    public ProcessKind kind() {
        return kind;
    }

    /** Bundle id for bundles, pid for OS processes, a connection number for remote peers. */
    public long id() {
        return id;
    }

    /** A readable name. */
    public String name() {
        return name;
    }

    /** The OS process that hosts this IPC process. */
    public long pid() {
        return pid;
    }

    /** Start time of the hosting OS process in epoch milliseconds, 0 if unknown. */
    public long startTimeMillis() {
        return startTimeMillis;
    }

    /** The user the process acts as. */
    public String user() {
        return user;
    }

    /** The groups of the process, in order: the first is the primary group. */
    public Set<String> groups() {
        return groups;
    }

    /** Whether the process belongs to the given group. */
    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpcProcess p && p.kind == kind && p.id == id && p.pid == pid
                && p.startTimeMillis == startTimeMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, id, pid, startTimeMillis);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case BUNDLE -> "bundle " + id + " (" + name + ")";
            case OS_PROCESS -> "process " + pid + " (" + name + ")";
            case REMOTE -> "peer " + id + " (" + name + ")";
        };
    }
}
