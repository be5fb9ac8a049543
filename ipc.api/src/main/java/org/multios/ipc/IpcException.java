package org.multios.ipc;

import java.util.Objects;


/**
 * The one exception of the IPC API. It carries an {@link IpcError} code and a message that
 * names the object and, for limits, the limit. It is unchecked: misuse and failures throw it,
 * while hot paths that may legitimately not complete ({@code trySend}, {@code tryReceive},
 * ...) return a status value instead.
 */
public class IpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final IpcError error;

    /** An exception with the given code and message. */
    public IpcException(IpcError error, String message) {
        super(message(error, message));
        this.error = Objects.requireNonNull(error, "error");
    }

    /** An exception with the given code, message and cause. */
    public IpcException(IpcError error, String message, Throwable cause) {
        super(message(error, message), cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** The error code. */
    public IpcError error() {
        return error;
    }

    private static String message(IpcError error, String message) {
        return error + ": " + message;
    }

    /** INVALID_ARGUMENT with the given message. */
    public static IpcException invalidArgument(String message) {
        return new IpcException(IpcError.INVALID_ARGUMENT, message);
    }

    /** NOT_FOUND for the object of the given type and name. */
    public static IpcException notFound(ObjectType type, String name) {
        return new IpcException(IpcError.NOT_FOUND, type.label() + " '" + name + "' does not exist");
    }

    /** ALREADY_EXISTS for the object of the given type and name. */
    public static IpcException alreadyExists(ObjectType type, String name) {
        return new IpcException(IpcError.ALREADY_EXISTS, type.label() + " '" + name + "' already exists");
    }

    /** CLOSED for the given object description. */
    public static IpcException closed(String object) {
        return new IpcException(IpcError.CLOSED, object + " is closed");
    }

    /** TIMEOUT for an operation on the given object. */
    public static IpcException timeout(String operation, String object) {
        return new IpcException(IpcError.TIMEOUT, operation + " on " + object + " timed out");
    }

    /**
     * INTERRUPTED for a wait on the given object. The caller's interrupt flag is set again, so
     * the interruption is not lost.
     */
    public static IpcException interrupted(String operation, String object) {
        Thread.currentThread().interrupt();
        return new IpcException(IpcError.INTERRUPTED, operation + " on " + object + " was interrupted");
    }

    /** PERMISSION_DENIED for an operation on the given object. */
    public static IpcException permissionDenied(String operation, String object, String who) {
        return new IpcException(IpcError.PERMISSION_DENIED, who + " may not " + operation + " " + object);
    }
}
