package org.multios.ipc.mqtt.internal;

import static org.multios.ipc.mqtt.internal.HeldRecordDescriptor.HEADER_LENGTH;
import static org.multios.ipc.mqtt.internal.HeldRecordDescriptor.PACKET_ID_OFFSET;
import static org.multios.ipc.mqtt.internal.HeldRecordDescriptor.PROPERTIES_LENGTH_OFFSET;
import static org.multios.ipc.mqtt.internal.HeldRecordDescriptor.SEQUENCE_OFFSET;
import static org.multios.ipc.mqtt.internal.HeldRecordDescriptor.TOPIC_AND_PROPERTIES;
import static org.multios.ipc.mqtt.internal.HeldRecordDescriptor.TOPIC_LENGTH_OFFSET;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageBuffer;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;

/**
 * The write-ahead record of the inbound QoS 2 messages a bridge took over from the broker: the IPC
 * queue {@code <store>.held} ({@link HeldRecordDescriptor} records), kept like the store queue. The
 * client's reader appends each message before the client answers PUBREC (from then on the broker
 * never sends it again), and the held line takes it out once every object that should have it
 * took it. A bridge stopped, or a gateway killed, with messages still held finds them here at its
 * next start, in arrival order, and delivers them first; one killed between a delivery and the
 * record's removal delivers that message again (the objects that took it recognise a bridge's
 * message by its id). A message whose topic and properties take more than
 * {@link HeldRecordDescriptor#TOPIC_AND_PROPERTIES} bytes, or that finds the journal full, is not
 * recorded ({@link #NOT_RECORDED}): it is held in memory only.
 * <p>
 * First in, first out (one priority): records leave in the order they came, as the held line
 * delivers them. Thread-safe.
 */
final class HeldJournal implements AutoCloseable {
    /** What the name of the store queue is followed by in the name of its journal. */
    static final String SUFFIX = ".held";
    /** What the name of the journal is followed by in the name of the queue its {@link Resends} outlive a stop in. */
    static final String RESENDS_SUFFIX = ".resends";
    /**
     * Records the journal holds: every message the held line may keep ({@link HeldMessages#LIMIT}),
     * within the platform's default limit of messages per queue.
     */
    static final int CAPACITY = HeldMessages.LIMIT;
    /** What {@link #append} returns for a message it did not record. */
    static final long NOT_RECORDED = -1;
    private static final int PRIORITY = 0;

    /** A message read back from the journal, with the packet id the broker gave it. */
    record Entry(long sequence, int packetId, String topic, MqttMessage message) {
    }

    private final MessageQueue queue;
    private final MessageQueue resends;
    private final byte[] record;
    private final MessageInfo info = new MessageInfo();
    private long next;

    private HeldJournal(MessageQueue queue, MessageQueue resends) {
        this.queue = queue;
        this.resends = resends;
        this.record = new byte[Math.max(queue.attributes().maxMessageSize(), Resends.MAX_WRITTEN)];
    }

    /**
     * Opens (or makes) the journal of a store queue, for payloads of up to {@code maxMessageSize}
     * bytes.
     *
     * @throws IpcException as {@link StoreQueue#create}
     */
    static HeldJournal open(MessageQueueService queues, String storeName, int maxMessageSize,
            QueueDurability durability) {
        MessageQueue q = StoreQueue.create(queues, storeName + SUFFIX,
                HeldRecordDescriptor.maxRecordSize(maxMessageSize), CAPACITY, durability);
        try {
            // room for the list and its copy while a recall holds it
            return new HeldJournal(q, StoreQueue.create(queues, storeName + SUFFIX + RESENDS_SUFFIX,
                    Resends.MAX_WRITTEN, 2, durability));
        } catch (RuntimeException e) {
            q.close();
            throw e;
        }
    }

    /**
     * Keeps what {@code r} remembers for the next start, in place of what an earlier stop kept.
     *
     * @throws IpcException as the queue's send
     */
    synchronized void keep(Resends r) {
        while (resends.tryReceive(record, 0, record.length, info) >= 0) {
            // the earlier stop's list: replaced
        }
        resends.trySend(record, 0, r.write(record), PRIORITY);
    }

    /**
     * Gives {@code r} what the last stop kept (it stays kept: a start killed after reading it leaves
     * it to the next); false if what is there is not a list of them. The list is sent again while
     * the take still holds it; a queue a previous version made for one record has no room for that
     * copy, which then goes back once the take has let the record go.
     */
    synchronized boolean recall(Resends r) {
        boolean[] read = {true};
        int n = resends.attributes().currentMessages();
        for (int i = 0; i < n; i++) {
            int[] left = {-1};  // the length of a record whose copy found no room while it was held
            resends.tryReceive((message, from) -> {
                int length = Math.min(message.length(), record.length);
                message.getBytes(0, record, 0, length);
                read[0] &= message.length() <= record.length && r.read(record, length);
                if (!resends.trySend(record, 0, length, PRIORITY)) {
                    left[0] = length;
                }
            });
            if (left[0] >= 0) {
                resends.trySend(record, 0, left[0], PRIORITY);
            }
        }
        return read[0];
    }

    /**
     * Reads back what a previous run left, in order, and leaves it in the journal: each record is
     * taken and, while the take still holds it, sent again, so a kill in between leaves a copy of
     * every record. A record that is not a bridge's is dropped and counted in the result's
     * {@code dropped}. A journal filled to its capacity (by another process: the bridge keeps fewer)
     * has no room for the copy of its head: that message leaves the journal and comes back with
     * the sequence {@link #NOT_RECORDED}, to be held in memory only.
     */
    synchronized Recovered recover() {
        List<Entry> entries = new ArrayList<>();
        int[] dropped = {0};
        int n = queue.attributes().currentMessages();
        for (int i = 0; i < n; i++) {
            if (!queue.tryReceive((message, from) -> copyBack(message, entries, dropped))) {
                break;
            }
        }
        next = entries.stream().mapToLong(Entry::sequence).max().orElse(-1) + 1;
        return new Recovered(List.copyOf(entries), dropped[0]);
    }

    /** What {@link #recover} read: the messages in order, and how many records were not a bridge's. */
    record Recovered(List<Entry> entries, int dropped) {
    }

    private void copyBack(MessageBuffer message, List<Entry> entries, int[] dropped) {
        int n = message.length();
        Entry e = n <= record.length ? decode(message, n) : null;
        if (e == null) {
            dropped[0]++;
            return;
        }
        entries.add(queue.trySend(record, 0, n, PRIORITY) ? e : new Entry(NOT_RECORDED, e.packetId(), e.topic(), e.message()));
    }

    /**
     * Records a message before the client takes it over; {@code packetId} is the broker's.
     *
     * @return its sequence, or {@link #NOT_RECORDED} if its topic and properties are too long or the
     *         journal is full
     * @throws IpcException as the queue's send, if the journal failed (closed at a fault of its file)
     */
    synchronized long append(String topic, MqttMessage message, int packetId) {
        int length = encode(topic, message, packetId);
        if (length < 0 || !queue.trySend(record, 0, length, PRIORITY)) {
            return NOT_RECORDED;
        }
        return next++;
    }

    /**
     * Takes the journal's head, which must be record {@code sequence}, once its message was delivered.
     *
     * @throws IpcException CORRUPTED if the head is another record (another process writes the
     *         journal), as the queue's receive otherwise
     */
    synchronized void remove(long sequence) {
        int n = queue.tryReceive(record, 0, record.length, info);
        if (n < HEADER_LENGTH || ByteBuffer.wrap(record).getLong(SEQUENCE_OFFSET) != sequence) {
            throw new IpcException(IpcError.CORRUPTED, "held journal '" + name() + "' does not hold record "
                    + sequence + " at its head" + (n < 0 ? " (it is empty)" : "") + ": another process writes it");
        }
    }

    /** Records held. */
    int size() {
        return queue.attributes().currentMessages();
    }

    @Override
    public void close() {
        queue.close();
        resends.close();
    }

    private String name() {
        return queue.name().orElse("?");
    }

    /** Writes a record of the message into {@link #record}; returns its length, or -1 if it does not fit. */
    private int encode(String topic, MqttMessage message, int packetId) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] payload = message.getPayload();
        MqttProperties properties = message.getProperties();
        List<UserProperty> user = properties == null ? List.of() : properties.getUserProperties();
        int at = HEADER_LENGTH + t.length;
        if (at + payload.length > record.length || t.length > TOPIC_AND_PROPERTIES) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(record);
        System.arraycopy(t, 0, record, HEADER_LENGTH, t.length);
        for (UserProperty p : user) {
            at = putText(b, at, p.getKey(), HEADER_LENGTH + TOPIC_AND_PROPERTIES);
            at = at < 0 ? at : putText(b, at, p.getValue(), HEADER_LENGTH + TOPIC_AND_PROPERTIES);
            if (at < 0) {
                return -1;
            }
        }
        if (at + payload.length > record.length) {
            return -1;
        }
        b.putLong(SEQUENCE_OFFSET, next).putShort(PACKET_ID_OFFSET, (short) packetId)
                .putShort(TOPIC_LENGTH_OFFSET, (short) t.length)
                .putShort(PROPERTIES_LENGTH_OFFSET, (short) (at - HEADER_LENGTH - t.length));
        System.arraycopy(payload, 0, record, at, payload.length);
        return at + payload.length;
    }

    /** Writes a length and a text at {@code at}; returns where the next goes, or -1 past {@code end}. */
    private int putText(ByteBuffer b, int at, String text, int end) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (at + 2 + bytes.length > end) {
            return -1;
        }
        b.putShort(at, (short) bytes.length);
        System.arraycopy(bytes, 0, record, at + 2, bytes.length);
        return at + 2 + bytes.length;
    }

    /** Reads a record into {@link #record} and back into a message; null if it is not a bridge's record. */
    private Entry decode(MessageBuffer message, int n) {
        message.getBytes(0, record, 0, n);
        if (n < HEADER_LENGTH) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(record, 0, n);
        int topicLength = Short.toUnsignedInt(b.getShort(TOPIC_LENGTH_OFFSET));
        int propertiesLength = Short.toUnsignedInt(b.getShort(PROPERTIES_LENGTH_OFFSET));
        int payloadAt = HEADER_LENGTH + topicLength + propertiesLength;
        if (topicLength < 1 || topicLength + propertiesLength > TOPIC_AND_PROPERTIES || payloadAt > n) {
            return null;
        }
        List<UserProperty> user = new ArrayList<>();
        for (int at = HEADER_LENGTH + topicLength; at < payloadAt; ) {
            String[] pair = new String[2];
            for (int i = 0; i < 2; i++) {
                int length = at + 2 <= payloadAt ? Short.toUnsignedInt(b.getShort(at)) : -1;
                if (length < 0 || at + 2 + length > payloadAt) {
                    return null;
                }
                pair[i] = new String(record, at + 2, length, StandardCharsets.UTF_8);
                at += 2 + length;
            }
            user.add(new UserProperty(pair[0], pair[1]));
        }
        MqttProperties properties = new MqttProperties();
        properties.setUserProperties(user);
        MqttMessage m = new MqttMessage(Arrays.copyOfRange(record, payloadAt, n), 2, false, properties);
        return new Entry(b.getLong(SEQUENCE_OFFSET), Short.toUnsignedInt(b.getShort(PACKET_ID_OFFSET)),
                new String(record, HEADER_LENGTH, topicLength, StandardCharsets.UTF_8), m);
    }
}
