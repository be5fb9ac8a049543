package org.multios.ipc.spi;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Quota;
import org.multios.ipc.local.PosixCaller;
import org.multios.ipc.local.QuotaLedger;

/**
 * A caller context for mechanism tests: access by owner, group and mode as {@link PosixCaller}
 * decides it, with every grant it hands out or is given to register and every denial a mechanism reports kept, so that a
 * test can revoke a handle's grant as the security bundle does and see the audit.
 */
public final class RecordingCaller implements CallerContext {
    private final PosixCaller posix;
    private final List<Grant> grants = new CopyOnWriteArrayList<>();
    private final List<String> denials = new CopyOnWriteArrayList<>();

    /** A process of id {@code id} acting as {@code user}, with the given quota maxima. */
    public RecordingCaller(long id, String user, Map<Quota, Long> quotas) {
        IpcProcess process = new IpcProcess(ProcessKind.BUNDLE, id, "test process " + id, ProcessHandle.current().pid(),
                0, user, Set.of(user));
        this.posix = new PosixCaller(process, new QuotaLedger(process.toString(), quotas));
    }

    /** A process acting as the OS user running the tests, without quotas. */
    public static RecordingCaller osUser(long id) {
        return new RecordingCaller(id, System.getProperty("user.name"), Map.of());
    }

    @Override
    public IpcProcess process() {
        return posix.process();
    }

    @Override
    public Grant authorize(ObjectType type, String name, Permissions permissions, int requested) {
        Grant g = posix.authorize(type, name, permissions, requested);
        grants.add(g);
        return g;
    }

    @Override
    public Grant register(ObjectType type, String name, Grant grant) {
        grants.add(grant);
        return grant;
    }

    /** Revokes every grant handed out so far, as an operator's revoke of each object does. */
    public void revokeAll() {
        grants.forEach(Grant::revoke);
    }

    /** The grants handed out, oldest first. */
    public List<Grant> grants() {
        return List.copyOf(grants);
    }

    /** The denials reported, each as {@code "<operation> <type> '<name>'"}. */
    public List<String> denials() {
        return List.copyOf(denials);
    }

    @Override
    public void denied(ObjectType type, String name, String operation) {
        denials.add(operation + " " + type.label() + " '" + name + "'");
    }

    @Override
    public void reserve(Quota quota, long amount) {
        posix.reserve(quota, amount);
    }

    @Override
    public void release(Quota quota, long amount) {
        posix.release(quota, amount);
    }

    /** What is reserved now of a quota. */
    public long used(Quota quota) {
        return posix.quotas().used(quota);
    }
}
