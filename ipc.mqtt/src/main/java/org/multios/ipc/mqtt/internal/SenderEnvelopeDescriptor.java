package org.multios.ipc.mqtt.internal;

import java.nio.charset.StandardCharsets;

/**
 * Layout of a message an inbound mapping with the word {@code sender} delivers into its object
 * (big-endian): the original sender ahead of the payload.
 *
 * <pre>
 *   0           1                      1 + n
 *   +-----------+----------------------+------------------------+
 *   | n (u8)    | origin (UTF-8)       | payload (as published) |
 *   +-----------+----------------------+------------------------+
 * </pre>
 *
 * {@code origin} is what the publishing side claims: {@code <ipc-bridge>: <ipc-sender>}, for
 * example {@code gw-a: bundle 42 pid 1234} (either part alone when the other property is
 * absent, empty from a publisher that sent neither). It is metadata for the receiver to read, not
 * an identity: the message's sender in the queue or channel is, as for every message, the local
 * process that sent it there (the bridge), so no remote peer can pass as a local one. A message
 * whose origin would be longer than {@value #MAX_ORIGIN} bytes is malformed and dropped.
 */
final class SenderEnvelopeDescriptor {
    /** Where the origin starts. */
    static final int ORIGIN_OFFSET = 1;
    /** The longest origin, bytes. */
    static final int MAX_ORIGIN = 255;

    private SenderEnvelopeDescriptor() {
    }

    /** The origin of a message from the properties it came with (null when absent). */
    static String origin(String bridge, String sender) {
        if (bridge == null || bridge.isEmpty()) {
            return sender == null ? "" : sender;
        }
        return sender == null || sender.isEmpty() ? bridge : bridge + ": " + sender;
    }

    /**
     * The envelope of a payload, or null if the origin is longer than {@value #MAX_ORIGIN} bytes.
     */
    static byte[] wrap(String origin, byte[] payload) {
        byte[] o = origin.getBytes(StandardCharsets.UTF_8);
        if (o.length > MAX_ORIGIN) {
            return null;
        }
        byte[] m = new byte[ORIGIN_OFFSET + o.length + payload.length];
        m[0] = (byte) o.length;
        System.arraycopy(o, 0, m, ORIGIN_OFFSET, o.length);
        System.arraycopy(payload, 0, m, ORIGIN_OFFSET + o.length, payload.length);
        return m;
    }
}
