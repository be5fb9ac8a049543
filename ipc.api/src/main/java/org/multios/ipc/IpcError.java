package org.multios.ipc;


/**
 * Error codes carried by {@link IpcException}. Each code has a stable number so that it can
 * cross process and network boundaries (it is what the wire formats and shared headers store).
 */
public enum IpcError {
    /** An argument is malformed or out of range: a bad name, size, offset or priority. */
    INVALID_ARGUMENT(1),
    /** The named object does not exist. */
    NOT_FOUND(2),
    /** An exclusive create found an object with that name. */
    ALREADY_EXISTS(3),
    /** The caller's rights do not allow the operation. */
    PERMISSION_DENIED(4),
    /** A configured limit or quota would be exceeded; nothing was taken. */
    LIMIT_EXCEEDED(5),
    /** A non-blocking operation could not complete at once. */
    WOULD_BLOCK(6),
    /** A timed operation's deadline passed before it could complete. */
    TIMEOUT(7),
    /** The waiting thread was interrupted; its interrupt flag is kept set. */
    INTERRUPTED(8),
    /** The object, handle or mechanism was closed. */
    CLOSED(9),
    /** Writing to a pipe or connection that has no reader left. */
    BROKEN_PIPE(10),
    /** The previous owner of a robust mutex died holding it; the caller now owns it. */
    OWNER_DEAD(11),
    /** A robust mutex was left inconsistent by a dead owner and can no longer be locked. */
    NOT_RECOVERABLE(12),
    /** A message is larger than the object's maximum message size. */
    MESSAGE_TOO_LARGE(13),
    /** Unlock or release by a process or thread that does not own the object. */
    NOT_OWNER(14),
    /** A mapped file or frame is not of our format: bad magic, version or truncated. */
    CORRUPTED(15),
    /** A peer spoke a different protocol version or broke the protocol. */
    PROTOCOL_ERROR(16),
    /** The operation is not supported by this object, mechanism or platform. */
    UNSUPPORTED(17),
    /** The operating system refused an operation (file system full, I/O error). */
    IO_ERROR(18),
    /** No mechanism provides the requested service (not installed, or stopped). */
    UNAVAILABLE(19),
    /** The object is in use in a way that excludes the request (POSIX EBUSY). */
    BUSY(20),
    /** The request would deadlock: relocking a non-recursive mutex the caller holds (EDEADLK). */
    DEADLOCK(21),
    /**
     * A request crossed a network bridge and its outcome could not be learnt: the connection
     * ended or stopped answering after the request left. A send may or may not have queued its
     * message; repeating it may queue it twice.
     */
    OUTCOME_UNKNOWN(22);

    private final int code;

    IpcError(int code) {
        this.code = code;
    }

    /** The stable number of this code. */
    public int code() {
        return code;
    }

    /**
     * The error with the given number.
     *
     * @throws IpcException INVALID_ARGUMENT if no error has that number
     */
    public static IpcError ofCode(int code) {
        for (IpcError e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        throw new IpcException(INVALID_ARGUMENT, "unknown IPC error code " + code);
    }
}
