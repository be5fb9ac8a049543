package org.multios.ipc;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives messages in place, without copying (see {@link MessagePort#drain}). The message and
 * the info are views that the port reuses: valid only during the call, so copy what must be
 * kept. A handler that throws has still consumed its message; the exception ends the drain and
 * reaches its caller.
 */
@ConsumerType
@FunctionalInterface
public interface MessageHandler {
    /**
     * Called once per message received.
     *
     * @param message the message's bytes, read-only
     * @param info    its length, priority and sender
     */
    void onMessage(MessageBuffer message, MessageInfo info);
}
