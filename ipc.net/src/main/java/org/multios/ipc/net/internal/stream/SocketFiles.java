package org.multios.ipc.net.internal.stream;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.net.Endpoint;

/**
 * The Unix socket files the mechanism's listeners bound, by identity (device and inode), with
 * what each listens on: its endpoint and (for an absolute path) its file's real path. A file renamed keeps one name, which no
 * rule names ({@code mv <root>/endpoint/admin <root>/endpoint/alias}): a client whose target file
 * is one of these is decided on the listener's texts too ({@link Reach#unixPath}), whatever the
 * file is called now. Listeners of other processes are not known here. Thread-safe.
 */
public final class SocketFiles {
    /** A file's identity: its device and inode. */
    public record Id(long device, long inode) {
    }

    private final Map<Id, List<Endpoint>> bound = new ConcurrentHashMap<>();

    /** A listener on {@code endpoint} bound the socket file {@code file}, of identity {@code id}. */
    void add(Id id, Endpoint endpoint, Path file) {
        Endpoint path = Endpoint.unix(file.toString());
        bound.put(id, endpoint.isNamedInIpcRoot() || path.equals(endpoint) ? List.of(endpoint)
                : List.of(endpoint, path));
    }

    /** The listener on {@code endpoint} closed (or did not bind) its file. */
    void remove(Id id, Endpoint endpoint) {
        bound.computeIfPresent(id, (k, v) -> v.get(0).equals(endpoint) ? null : v);
    }

    /** What a listener of the mechanism listens on through the file {@code id}: none if no listener bound it. */
    List<Endpoint> boundTo(Id id) {
        return id == null ? List.of() : bound.getOrDefault(id, List.of());
    }
}
