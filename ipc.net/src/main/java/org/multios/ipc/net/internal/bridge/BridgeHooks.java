package org.multios.ipc.net.internal.bridge;

/**
 * Points inside a bridge's request handling where a test pauses a thread to widen a race
 * window; the default does nothing. Set with {@link BridgeServer#hooks}.
 */
public interface BridgeHooks {
    /** Does nothing. */
    BridgeHooks NONE = new BridgeHooks() {
    };

    /** A worker is about to run request {@code id} of operation {@code op}. */
    default void beforeOperation(int op, int id) {
    }

    /** Request {@code id} of operation {@code op} ran; its reply is about to be sent. */
    default void beforeReply(int op, int id) {
    }

    /** The reply to request {@code id} of operation {@code op} was handed to the connection (or failed). */
    default void replied(int op, int id) {
    }

    /** The peer's CANCEL of request {@code id} came and is about to take effect (reactor thread). */
    default void cancelling(int id) {
    }

    /** The peer cancelled request {@code id} (reactor thread). */
    default void cancelled(int id) {
    }

    /** A reply whose message is in a session's custody, to RECEIVE {@code id}, was written whole to the socket (reactor thread). */
    default void heldReplyWritten(int id) {
    }

    /** The peer said BYE (reactor thread). */
    default void peerBye() {
    }
}
