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

    /** The object's owner, group and mode now. */
    default Permissions permissions() {
        return info().permissions();
    }

    /**
     * Changes the object's owner, group and mode (chmod and chown in one). For a named object the
     * file under the IPC root changes too, so other processes see the new mode at their next
     * open. Handles already open keep the rights they were granted, as in POSIX.
     *
     * @throws IpcException PERMISSION_DENIED without {@link Rights#ADMIN}; IO_ERROR if the
     *                      operating system refuses (for example an owner that is not a user of
     *                      the machine); UNSUPPORTED where the object has no permissions of its
     *                      own (network connections, signal registrations); CLOSED if this
     *                      handle is closed
     */
    void setPermissions(Permissions permissions);

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
