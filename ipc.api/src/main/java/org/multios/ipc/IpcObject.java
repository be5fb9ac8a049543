package org.multios.ipc;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on an IPC object. A handle belongs to the process that opened it and carries the
 * rights granted at open; closing the handle releases it (and, for anonymous objects whose last
 * handle closes, the object). Closing is idempotent. Operations on a closed handle fail with
 * {@link IpcError#CLOSED}; operations the handle's rights do not cover fail with
 * {@link IpcError#PERMISSION_DENIED}.
 */
@ProviderType
public interface IpcObject extends AutoCloseable {
    /** The kind of object. */
    ObjectType type();

    /** The object's id, unique within its mechanism while it lives. */
    long id();

    /** The name of a named object; empty for an anonymous one. */
    Optional<String> name();

    /** The rights this handle was granted, as {@link Rights} bits. */
    int rights();

    /** A snapshot of the object's identity, permissions and statistics. */
    ObjectInfo info();

    /** A snapshot of the object's statistics. */
    default Statistics statistics() {
        return info().statistics();
    }

    /** Whether this handle is closed. */
    boolean isClosed();

    /** Closes this handle. Waiters blocked through it wake with {@link IpcError#CLOSED}. */
    @Override
    void close();
}
