package org.multios.ipc.mqtt.internal;

import static org.multios.ipc.mqtt.internal.StoreRecordDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageBuffer;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;

/**
 * An outbound message as it waits in the store queue ({@link StoreRecordDescriptor}) and travels
 * to the broker: topic, QoS, priority, sender, message id and payload.
 */
record StoredMessage(long origin, long sequence, String topic, int qos, int priority, ProcessKind senderKind,
        long senderId, long senderPid, byte[] payload) {

    /** The message id carried in the {@link UserProperties#ID} property. */
    String id() {
        return Long.toHexString(origin) + "-" + Long.toHexString(sequence);
    }

    /** The sender carried in the {@link UserProperties#SENDER} property, e.g. {@code bundle 42 pid 1234}. */
    String sender() {
        return senderKind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " " + senderId + " pid "
                + senderPid;
    }

    /** Writes a record of a message just received from a bridged object ({@code info}) into {@code dst}. */
    static int encode(byte[] dst, long origin, long sequence, byte[] topic, int qos, MessageInfo info,
            byte[] payload, int length) {
        int at = encodeHeader(dst, origin, sequence, topic, qos, info, length);
        System.arraycopy(payload, 0, dst, at, length);
        return at + length;
    }

    /** Writes a record of a message a bridged object hands over in place ({@code info}) into {@code dst}. */
    static int encode(byte[] dst, long origin, long sequence, byte[] topic, int qos, MessageInfo info,
            MessageBuffer payload) {
        int length = payload.length();
        int at = encodeHeader(dst, origin, sequence, topic, qos, info, length);
        payload.getBytes(0, dst, at, length);
        return at + length;
    }

    /** Writes the header and topic of a record; returns where the payload goes. */
    private static int encodeHeader(byte[] dst, long origin, long sequence, byte[] topic, int qos, MessageInfo info,
            int length) {
        int total = HEADER_LENGTH + topic.length + length;
        if (total > dst.length) {
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, "store record of " + total
                    + " bytes is larger than the store queue's messages (" + dst.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(dst);
        b.putLong(ORIGIN_OFFSET, origin).putLong(SEQUENCE_OFFSET, sequence)
                .put(SENDER_KIND_OFFSET, (byte) info.senderKind().ordinal()).put(QOS_OFFSET, (byte) qos)
                .putShort(TOPIC_LENGTH_OFFSET, (short) topic.length).putLong(SENDER_ID_OFFSET, info.senderId())
                .putLong(SENDER_PID_OFFSET, info.senderPid());
        System.arraycopy(topic, 0, dst, HEADER_LENGTH, topic.length);
        return HEADER_LENGTH + topic.length;
    }

    /**
     * Reads a record taken from the store queue.
     *
     * @throws IpcException CORRUPTED if the record is not one this bridge wrote
     */
    static StoredMessage decode(byte[] src, int length, int priority) {
        ByteBuffer b = ByteBuffer.wrap(src, 0, length);
        int kind = length >= HEADER_LENGTH ? b.get(SENDER_KIND_OFFSET) : -1;
        int qos = length >= HEADER_LENGTH ? b.get(QOS_OFFSET) : -1;
        int topicLength = length >= HEADER_LENGTH ? Short.toUnsignedInt(b.getShort(TOPIC_LENGTH_OFFSET)) : -1;
        if (kind < 0 || kind >= ProcessKind.values().length || qos < 0 || qos > 2 || topicLength < 1
                || HEADER_LENGTH + topicLength > length) {
            throw new IpcException(IpcError.CORRUPTED, "store record of " + length + " bytes is not a bridge's record");
        }
        String topic = new String(src, HEADER_LENGTH, topicLength, StandardCharsets.UTF_8);
        byte[] payload = Arrays.copyOfRange(src, HEADER_LENGTH + topicLength, length);
        return new StoredMessage(b.getLong(ORIGIN_OFFSET), b.getLong(SEQUENCE_OFFSET), topic, qos, priority,
                ProcessKind.values()[kind], b.getLong(SENDER_ID_OFFSET), b.getLong(SENDER_PID_OFFSET), payload);
    }
}
