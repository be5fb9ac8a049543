package org.multios.ipc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a collection of stale named objects ({@link IpcRuntime#collectStaleObjects()}) did: the
 * objects it removed, and those it would have removed (their creator is dead for certain, no
 * process it could read holds them) but kept because some process might hold them: one whose
 * maps or open files it could not read (another user's, a container's init), which never counts
 * as not holding an object.
 *
 * @param removed    the objects removed
 * @param kept       the objects kept only because a process could not be read
 * @param unreadable the processes that could not be read while judging {@code kept}, by pid (none
 *                   if {@code /proc} itself could not be listed)
 */
public record StaleCollection(List<ObjectInfo> removed, List<ObjectInfo> kept, List<UnreadableProcess> unreadable) {
    /** Nothing removed, nothing kept. */
    public static final StaleCollection NONE = new StaleCollection(List.of(), List.of(), List.of());

    /** A process whose maps or open files could not be read. */
    public record UnreadableProcess(long pid, String command) {
        public UnreadableProcess {
            Objects.requireNonNull(command, "command");
        }

        /** {@code pid 1 systemd}. */
        @Override
        public String toString() {
            return "pid " + pid + (command.isEmpty() ? "" : " " + command);
        }
    }

    public StaleCollection {
        removed = List.copyOf(removed);
        kept = List.copyOf(kept);
        unreadable = List.copyOf(unreadable);
    }

    /** A collection that removed these and kept nothing for want of reading a process. */
    public static StaleCollection removing(List<ObjectInfo> removed) {
        return new StaleCollection(removed, List.of(), List.of());
    }

    /** Both collections together (of two mechanisms): their objects, and each unreadable process once. */
    public StaleCollection and(StaleCollection other) {
        List<ObjectInfo> r = new ArrayList<>(removed);
        r.addAll(other.removed);
        List<ObjectInfo> k = new ArrayList<>(kept);
        k.addAll(other.kept);
        Map<Long, UnreadableProcess> u = new LinkedHashMap<>();
        for (UnreadableProcess p : unreadable) {
            u.putIfAbsent(p.pid(), p);
        }
        for (UnreadableProcess p : other.unreadable) {
            u.putIfAbsent(p.pid(), p);
        }
        return new StaleCollection(r, k, new ArrayList<>(u.values()));
    }
}
