package org.multios.ipc.queue;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when a queue becomes non-empty: the counterpart of POSIX {@code mq_notify}. Implemented
 * by clients and registered with {@link MessageQueue#register(QueueListener)}.
 *
 * <p>The call comes on a thread of the mechanism, never on the thread that sent the message.
 * It should return promptly: take messages with {@link MessageQueue#tryReceive} or hand the
 * work to an executor. Another receiver may have taken the message first, so the queue may be
 * empty again when the call runs. An exception thrown by the listener is logged and otherwise
 * ignored; the registration stays.
 */
@ConsumerType
@FunctionalInterface
public interface QueueListener {
    /**
     * The queue went from empty to non-empty while no receiver was waiting for a message.
     *
     * @param queue the handle the listener was registered through
     */
    void messageAvailable(MessageQueue queue);
}
