package org.multios.ipc.mqtt.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * Recognises the broker sending again a QoS 2 message the bridge already took over and recorded.
 * The client answers PUBREC only after the bridge recorded a message; when a connection ends
 * before that PUBREC left (the bridge stopping, a broken network), the broker sends the message
 * again on the next connection, with the DUP flag and the same packet id (it cannot give that id
 * to another message before the first one's flow is complete), after messages that followed it.
 * The journal already holds it, in its place: the copy is to be answered and dropped. A copy is
 * recognised by its DUP flag, its packet id and a digest of its topic, payload and user
 * properties, among the last {@link #CAPACITY} messages recorded (more than a broker keeps in
 * flight for one client). The list outlives a stop in the journal ({@link #write}, {@link #read}):
 * a message delivered just before the stop may have lost its PUBREC too. Not thread-safe: the held
 * line's lock guards it.
 */
final class Resends {
    /** Packet ids remembered, the most recent ones. */
    static final int CAPACITY = 1024;
    private static final int DIGEST_LENGTH = 32;
    private static final int ENTRY_LENGTH = 2 + DIGEST_LENGTH;
    /** The longest {@link #write}: a count, then packet id and digest per message remembered. */
    static final int MAX_WRITTEN = 2 + CAPACITY * ENTRY_LENGTH;

    private final Map<Integer, byte[]> recorded = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, byte[]> eldest) {
            return size() > CAPACITY;
        }
    };
    private final MessageDigest digest;

    Resends() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Remembers a message recorded under {@code packetId}, replacing what that id named before. */
    void recorded(int packetId, String topic, MqttMessage message) {
        recorded.remove(packetId);  // to the end of the order
        recorded.put(packetId, digest(topic, message));
    }

    /** Whether a message arriving now is the broker's copy of the one recorded under its packet id. */
    boolean isResend(int packetId, boolean duplicate, String topic, MqttMessage message) {
        byte[] known = duplicate ? recorded.get(packetId) : null;
        return known != null && Arrays.equals(known, digest(topic, message));
    }

    /**
     * Writes what is remembered, oldest first, into {@code dst} (at least {@link #MAX_WRITTEN} bytes):
     * a count, then per message its packet id and digest; returns the length.
     */
    int write(byte[] dst) {
        ByteBuffer b = ByteBuffer.wrap(dst);
        b.putShort((short) recorded.size());
        recorded.forEach((id, d) -> b.putShort(id.shortValue()).put(d));
        return b.position();
    }

    /** Remembers what {@link #write} wrote; returns false, remembering nothing, if it is not that. */
    boolean read(byte[] src, int length) {
        ByteBuffer b = ByteBuffer.wrap(src, 0, length);
        int n = length >= 2 ? Short.toUnsignedInt(b.getShort()) : -1;
        if (n < 0 || n > CAPACITY || length != 2 + n * ENTRY_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int id = Short.toUnsignedInt(b.getShort());
            byte[] d = new byte[DIGEST_LENGTH];
            b.get(d);
            recorded.remove(id);
            recorded.put(id, d);
        }
        return true;
    }

    private byte[] digest(String topic, MqttMessage message) {
        digest.reset();
        text(topic);
        byte[] payload = message.getPayload();
        digest.update(ByteBuffer.allocate(4).putInt(payload.length).array());
        digest.update(payload);
        MqttProperties p = message.getProperties();
        for (UserProperty u : p == null ? List.<UserProperty>of() : p.getUserProperties()) {
            text(u.getKey());
            text(u.getValue());
        }
        return digest.digest();
    }

    private void text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(b.length).array());
        digest.update(b);
    }
}
