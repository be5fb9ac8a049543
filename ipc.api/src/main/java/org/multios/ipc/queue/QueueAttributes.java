package org.multios.ipc.queue;

import java.util.Set;

import org.multios.ipc.IpcException;

/**
 * A snapshot of a queue's attributes as seen through one handle, as POSIX {@code mq_getattr}
 * gives them. Immutable; checked when made.
 *
 * @param maxMessageSize  bytes of the largest message, at least 1
 * @param maxMessages     messages the queue holds, at least 1
 * @param currentMessages messages queued now, 0 to {@code maxMessages}
 * @param flags           the handle's flags: {@link QueueFlag#NON_BLOCKING} or none
 *                        ({@link QueueFlag#EXCLUSIVE} belongs to create only); an unmodifiable copy
 */
public record QueueAttributes(int maxMessageSize, int maxMessages, int currentMessages, Set<QueueFlag> flags) {

    /**
     * Checks the attributes and copies the flags.
     *
     * @throws IpcException INVALID_ARGUMENT if a size is less than 1, {@code currentMessages}
     *                      is outside 0..maxMessages, or {@code flags} is or holds null or
     *                      holds {@link QueueFlag#EXCLUSIVE}
     */
    public QueueAttributes {
        if (maxMessageSize < 1) {
            throw IpcException.invalidArgument("queue maxMessageSize " + maxMessageSize + " must be at least 1 byte");
        }
        if (maxMessages < 1) {
            throw IpcException.invalidArgument("queue maxMessages " + maxMessages + " must be at least 1");
        }
        if (currentMessages < 0 || currentMessages > maxMessages) {
            throw IpcException.invalidArgument("queue currentMessages " + currentMessages + " is outside 0..maxMessages ("
                    + maxMessages + ")");
        }
        flags = QueueOptions.copy(flags);
        if (flags.contains(QueueFlag.EXCLUSIVE)) {
            throw IpcException.invalidArgument("queue attributes cannot hold the create-only flag EXCLUSIVE");
        }
    }

    /** Whether the handle is non-blocking. */
    public boolean nonBlocking() {
        return flags.contains(QueueFlag.NON_BLOCKING);
    }

    /** Whether the queue is empty. */
    public boolean isEmpty() {
        return currentMessages == 0;
    }

    /** Whether the queue is full. */
    public boolean isFull() {
        return currentMessages == maxMessages;
    }
}
