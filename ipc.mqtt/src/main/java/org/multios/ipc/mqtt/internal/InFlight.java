package org.multios.ipc.mqtt.internal;

import static org.multios.ipc.mqtt.internal.StoreRecordDescriptor.ORIGIN_OFFSET;
import static org.multios.ipc.mqtt.internal.StoreRecordDescriptor.SEQUENCE_OFFSET;

import java.util.ArrayList;
import java.util.List;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageBuffer;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;

/**
 * Outbound messages taken from the store queue and handed to the MQTT client, not yet
 * acknowledged. Each is copied into the bridge's in-flight queue ({@code <store>.in-flight}, kept
 * like the store queue) while the store's receive still holds it, and leaves that queue only once
 * the broker acknowledged it: a gateway killed with messages in flight publishes them again, first,
 * after its restart (the receiving side drops the copies it already had by their id). A kill while
 * the store's receive holds a record (inside {@link #add}) loses nothing when the store queue is
 * durable: its ring publishes a record whose receiver died again (its checksum shows it whole), so
 * the record is in the store, in the in-flight queue, or in both (published twice, dropped once by
 * its id). A store queue in memory ({@code store.durability=none}) loses that record.
 *
 * <p>The in-flight queue is first in, first out: every record is sent to it at one priority,
 * {@link #QUEUE_PRIORITY}, followed by one byte of the message's own priority, so that it hands
 * records out in the order they were published and {@link #recover}'s round (take one, send it
 * again) visits each exactly once whatever their priorities. This class keeps the same order in
 * memory, so an acknowledgement takes messages off the head of the queue as far as they are all
 * acknowledged. It holds one record more than the publisher's window allows, so that
 * {@link #recover} can copy each record back before its original goes. Thread-safe.
 */
final class InFlight implements AutoCloseable {
    /** What the name of the store queue is followed by in the name of its in-flight queue. */
    static final String SUFFIX = ".in-flight";
    /** The one priority records are sent to the in-flight queue at. */
    static final int QUEUE_PRIORITY = 0;

    private final MessageQueue queue;
    /** The records in the queue, in its receive order. */
    private final List<Entry> entries = new ArrayList<>();
    private final byte[] record;
    private final MessageInfo info = new MessageInfo();

    private InFlight(MessageQueue queue) {
        this.queue = queue;
        this.record = new byte[queue.attributes().maxMessageSize()];
    }

    /**
     * Opens (or makes) the in-flight queue of a store queue, for a window of {@code window}
     * unacknowledged messages, and reads back what a previous run left in it.
     */
    static InFlight open(MessageQueueService queues, String storeName, int maxRecordSize, int window,
            QueueDurability durability) {
        InFlight f = new InFlight(StoreQueue.create(queues, storeName + SUFFIX, maxRecordSize + 1, window + 1,
                durability));
        try {
            f.recover();
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    /**
     * Reads what the queue holds into memory: each record is taken and, while the take still holds
     * it, sent again (to the tail of its priority), so after one round the queue holds what it held,
     * in the same order, and a kill in between leaves a copy of every record.
     */
    private synchronized void recover() {
        int n = queue.attributes().currentMessages();
        for (int i = 0; i < n; i++) {
            if (!queue.tryReceive(this::copyBack)) {
                break;
            }
        }
    }

    private void copyBack(MessageBuffer message, MessageInfo from) {
        int n = message.length();
        if (n < 1 || n > record.length) {
            throw new IpcException(IpcError.CORRUPTED, "in-flight queue '" + queue.name().orElse("?")
                    + "' holds a record of " + n + " bytes, not one of this bridge's");
        }
        message.getBytes(0, record, 0, n);
        StoredMessage m = StoredMessage.decode(record, n - 1, Byte.toUnsignedInt(record[n - 1]));
        if (!queue.trySend(record, 0, n, QUEUE_PRIORITY)) {
            throw new IpcException(IpcError.LIMIT_EXCEEDED, "in-flight queue '" + queue.name().orElse("?")
                    + "' has no room to keep a record it holds");
        }
        insert(m);
    }

    /**
     * Copies a record the store queue's receive hands over into the in-flight queue and returns
     * it; the caller publishes it. {@code kept} runs once the in-flight queue holds the record (it
     * holds the caller's window permit from then on), also when a late fault of a mapping (on Java
     * 17, delivered at the thread's next call into the VM) comes out of the send after it.
     *
     * @throws IpcException CORRUPTED if it is not a bridge's record (it is dropped); LIMIT_EXCEEDED
     *         if the in-flight queue is full (the caller's window keeps it from being); UNAVAILABLE
     *         if the in-flight queue failed
     */
    synchronized StoredMessage add(MessageBuffer message, MessageInfo from, Runnable kept) {
        StoredMessage m = copy(message, from);
        insert(m); // first, so that a fault after the send finds the record's entry
        boolean sent = false;
        try {
            sent = queue.trySend(record, 0, message.length() + 1, QUEUE_PRIORITY);
        } catch (IpcException e) { // the queue failed (closed at a fault of its file, say): not the record
            throw new IpcException(IpcError.UNAVAILABLE, "in-flight queue '" + queue.name().orElse("?")
                    + "' cannot keep a message: " + e.getMessage(), e);
        } catch (InternalError late) { // delivered in the call, which may have sent the record or not
            sent = queue.attributes().currentMessages() == entries.size();
            throw late;
        } finally {
            if (sent) {
                kept.run();
            } else {
                entries.remove(entries.size() - 1);
            }
        }
        if (!sent) {
            throw new IpcException(IpcError.LIMIT_EXCEEDED, "in-flight queue '" + queue.name().orElse("?")
                    + "' is full: more than " + (queue.attributes().maxMessages() - 1) + " messages in flight");
        }
        return m;
    }

    private StoredMessage copy(MessageBuffer message, MessageInfo from) {
        int n = message.length();
        if (n > record.length - 1) {
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, "store record of " + n
                    + " bytes is larger than the in-flight queue's messages (" + (record.length - 1) + " bytes)");
        }
        message.getBytes(0, record, 0, n);
        StoredMessage m = StoredMessage.decode(record, n, from.priority());
        record[n] = (byte) from.priority(); // the message's own priority, after the store record
        return m;
    }

    /** Adds an entry where the queue hands it out: last. */
    private void insert(StoredMessage m) {
        entries.add(new Entry(m));
    }

    /**
     * Marks a message acknowledged and takes the acknowledged messages at the head of the queue
     * out of it.
     *
     * @return how many left the queue, or -1 if the message was not in flight (acknowledged before)
     */
    synchronized int acknowledged(StoredMessage m) {
        Entry e = find(m);
        if (e == null) {
            return -1;
        }
        e.acknowledged = true;
        int removed = 0;
        while (!entries.isEmpty() && entries.get(0).acknowledged) {
            Entry head = entries.remove(0);
            int n = queue.tryReceive(record, 0, record.length, info);
            if (n < StoreRecordDescriptor.HEADER_LENGTH || readLong(ORIGIN_OFFSET) != head.message.origin()
                    || readLong(SEQUENCE_OFFSET) != head.message.sequence()) {
                throw new IpcException(IpcError.CORRUPTED, "in-flight queue '" + queue.name().orElse("?")
                        + "' does not hold message " + head.message.id() + " at its head: another process uses it");
            }
            removed++;
        }
        return removed;
    }

    private long readLong(int offset) {
        return java.nio.ByteBuffer.wrap(record).getLong(offset);
    }

    private Entry find(StoredMessage m) {
        for (Entry e : entries) {
            if (e.message == m) {
                return e.acknowledged ? null : e;
            }
        }
        return null;
    }

    /** The messages not yet acknowledged, in the queue's order. */
    synchronized List<StoredMessage> unacknowledged() {
        List<StoredMessage> all = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            if (!e.acknowledged) {
                all.add(e.message);
            }
        }
        return all;
    }

    /** Records in the queue (acknowledged ones behind an unacknowledged head included). */
    synchronized int size() {
        return entries.size();
    }

    /** Messages the queue can take beyond what it holds, keeping the one {@link #recover} needs. */
    synchronized int room() {
        return queue.attributes().maxMessages() - 1 - entries.size();
    }

    /** Closes the queue; what it holds is published first after the next start. */
    @Override
    public void close() {
        queue.close();
    }

    /** One record of the queue. */
    private static final class Entry {
        final StoredMessage message;
        boolean acknowledged;

        Entry(StoredMessage message) {
            this.message = message;
        }
    }
}
