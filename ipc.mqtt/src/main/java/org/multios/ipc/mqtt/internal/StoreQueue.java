package org.multios.ipc.mqtt.internal;

import java.time.Duration;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageBuffer;
import org.multios.ipc.MessageHandler;
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
    private final int capacity;
    private final MessageInfo waitInfo = new MessageInfo();
    private final Taker taker = new Taker();

    StoreQueue(MessageQueueService queues, String name, int maxRecordSize, int maxMessages,
            QueueDurability durability, Overflow overflow) {
        this.queue = create(queues, name, maxRecordSize, maxMessages, durability);
        this.overflow = overflow;
        this.discard = new byte[queue.attributes().maxMessageSize()];
        this.capacity = queue.attributes().maxMessages();
    }

    /**
     * Makes a queue of the bridge's records, or opens the one a previous start made, which must
     * hold records as large as this configuration writes.
     *
     * @throws IpcException INVALID_ARGUMENT if the queue there holds smaller records, naming it and
     *         both sizes; as {@link MessageQueueService#create}
     */
    static MessageQueue create(MessageQueueService queues, String name, int maxRecordSize, int maxMessages,
            QueueDurability durability) {
        MessageQueue q = openOrCreate(queues, name, options(maxRecordSize, maxMessages, durability));
        int held = q.attributes().maxMessageSize();
        if (held < maxRecordSize) {
            q.close();
            throw IpcException.invalidArgument("queue '" + name + "' holds records of up to " + held
                    + " bytes; this bridge writes up to " + maxRecordSize + " (max.message.size and the longest topic): "
                    + "remove the queue once it is empty, or lower max.message.size");
        }
        return q;
    }

    /**
     * The queue a previous start left, whatever its count and durability (its messages are kept:
     * a create would refuse a queue of another shape), else a new one of these options.
     */
    private static MessageQueue openOrCreate(MessageQueueService queues, String name, QueueOptions options) {
        for (int attempt = 1; ; attempt++) {
            try {
                return queues.open(name);
            } catch (IpcException e) {
                if (e.error() != IpcError.NOT_FOUND) {
                    throw e;
                }
            }
            try {
                return queues.create(name, options);
            } catch (IpcException e) {
                if (e.error() != IpcError.ALREADY_EXISTS || attempt >= 3) {
                    throw e;
                }
                // made by another start meanwhile: open it
            }
        }
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

    /** Reads a record in place, while the store queue's receive holds it. */
    @FunctionalInterface
    interface RecordReader<T> {
        T read(MessageBuffer record, MessageInfo info);
    }

    /**
     * Hands the next record by priority to {@code reader} in place and returns what it made of it,
     * or null if none came within {@code timeout}. The record leaves the queue when {@code reader}
     * returns (or throws). For one thread at a time.
     *
     * @throws IpcException as {@code reader}, or as the queue's receive
     */
    <T> T take(RecordReader<T> reader, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            taker.reader = reader;
            if (queue.tryReceive(taker)) {
                @SuppressWarnings("unchecked")
                T result = (T) taker.take();
                return result;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || !awaitRecord(Duration.ofNanos(remaining))) {
                return null;
            }
        }
    }

    /**
     * Waits until a record is there without taking it: a receive into no room waits for a message
     * and leaves it at the head (MESSAGE_TOO_LARGE), as the queue API documents.
     */
    private boolean awaitRecord(Duration timeout) {
        try {
            queue.receive(discard, 0, 0, waitInfo, timeout);
            return true;  // an empty message, which no bridge writes: it is gone, the next is looked at
        } catch (IpcException e) {
            if (e.error() == IpcError.MESSAGE_TOO_LARGE) {
                return true;
            }
            if (e.error() == IpcError.TIMEOUT) {
                return false;
            }
            throw e;
        }
    }

    /** Records waiting. */
    int depth() {
        return queue.attributes().currentMessages();
    }

    /** Records that fit now. */
    int room() {
        return capacity - depth();
    }

    /** How many records the queue holds at most. */
    int capacity() {
        return capacity;
    }

    /** Whether a full queue makes {@link #offer} wait for room (overflow {@code block}). */
    boolean blocksWhenFull() {
        return overflow == Overflow.BLOCK;
    }

    /** The largest record. */
    int maxRecordSize() {
        return discard.length;
    }

    @Override
    public void close() {
        queue.close();
    }

    /**
     * Sends a record a take failed to pass on back into the queue, to the tail of its priority
     * (a failure path: it allocates). Lost only if the queue has no other free slot then, which
     * the error says.
     */
    private void putBack(MessageBuffer message, MessageInfo info) {
        byte[] copy = new byte[message.length()];
        message.getBytes(0, copy, 0, copy.length);
        if (!queue.trySend(copy, 0, copy.length, info.priority())) {
            throw new IpcException(IpcError.LIMIT_EXCEEDED, "queue '" + queue.name().orElse("?")
                    + "' had no room to keep a record its reader could not take: the record is lost");
        }
    }

    /** The handler {@link #take} receives through, holding the reader of the current take. */
    private final class Taker implements MessageHandler {
        RecordReader<?> reader;
        Object result;

        @Override
        public void onMessage(MessageBuffer message, MessageInfo info) {
            try {
                result = reader.read(message, info);
            } catch (RuntimeException e) {
                if (!(e instanceof IpcException ipc && ipc.error() == IpcError.CORRUPTED)) {
                    putBack(message, info); // the record was good, what it went to failed: keep it
                }
                throw e;
            }
        }

        Object take() {
            Object r = result;
            result = null;
            return r;
        }
    }
}
