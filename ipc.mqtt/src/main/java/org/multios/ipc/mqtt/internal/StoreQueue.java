package org.multios.ipc.mqtt.internal;

import java.time.Duration;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueOptions;

/**
 * The named IPC queue a bridge's outbound messages wait in until the broker has them
 * ({@link StoreRecordDescriptor} records, at their own priority), so that they are published in
 * order per priority whenever the broker is reachable again. When it is full, the configured
 * {@link Overflow} decides.
 */
final class StoreQueue implements AutoCloseable {
    /** What {@link #offer} did with a record. */
    enum Offer { STORED, DROPPED_OLDEST, REJECTED, STOPPED }

    private final MessageQueue queue;
    private final Overflow overflow;
    private final byte[] discard;

    StoreQueue(MessageQueueService queues, String name, int maxRecordSize, int maxMessages,
            QueueDurability durability, Overflow overflow) {
        this.queue = queues.create(name, options(maxRecordSize, maxMessages, durability));
        this.overflow = overflow;
        this.discard = new byte[queue.attributes().maxMessageSize()];
    }

    /**
     * The store queue's options: the one place that decides how outbound messages are kept. A
     * durable store (by default GROUP) keeps them over a reboot in the durable root.
     */
    static QueueOptions options(int maxRecordSize, int maxMessages, QueueDurability durability) {
        return QueueOptions.of(maxRecordSize, maxMessages).withMode(0600).withDurability(durability);
    }

    /**
     * Stores a record; when the queue is full, blocks (checking {@code running} every
     * {@code pollInterval}), drops the oldest or rejects it, as configured.
     */
    Offer offer(byte[] record, int length, int priority, Duration pollInterval, java.util.function.BooleanSupplier running) {
        if (queue.trySend(record, 0, length, priority)) {
            return Offer.STORED;
        }
        switch (overflow) {
            case REJECT:
                return Offer.REJECTED;
            case DROP_OLDEST:
                while (!queue.trySend(record, 0, length, priority)) {
                    queue.tryReceive(discard, 0, discard.length, null);
                }
                return Offer.DROPPED_OLDEST;
            default:
                while (running.getAsBoolean()) {
                    try {
                        queue.send(record, 0, length, priority, pollInterval);
                        return Offer.STORED;
                    } catch (IpcException e) {
                        if (e.error() != IpcError.TIMEOUT) {
                            throw e;
                        }
                    }
                }
                return Offer.STOPPED;
        }
    }

    /** The next record by priority, or -1 if none came within {@code timeout}. */
    int take(byte[] buf, MessageInfo info, Duration timeout) {
        try {
            return queue.receive(buf, 0, buf.length, info, timeout);
        } catch (IpcException e) {
            if (e.error() == IpcError.TIMEOUT) {
                return -1;
            }
            throw e;
        }
    }

    /** Records waiting. */
    int depth() {
        return queue.attributes().currentMessages();
    }

    /** The largest record. */
    int maxRecordSize() {
        return discard.length;
    }

    @Override
    public void close() {
        queue.close();
    }
}
