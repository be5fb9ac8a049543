package org.multios.ipc.channels.soak;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * The self-checking messages of the messaging soak tests. Each carries who sent it (producer id
 * and OS pid), its sequence number in that producer's stream, the priority it was sent with,
 * the route it was sent on (the receiving end of a channel, or the queue), a body of variable
 * length derived from all of these, and a CRC32 over everything before it, so a receiver can
 * tell a whole message from a torn or misdelivered one without knowing what was sent.
 *
 * <pre>
 *  0 magic (int) | 4 producer (int) | 8 sequence (long) | 16 pid (long) | 24 priority (byte)
 * 25 route (byte) | 26 body length (short) | 28 body ... | CRC32 (int, over bytes 0 .. 28 + body)
 * </pre>
 *
 * A producer id of {@link #STOP} marks the end of the stream for one consumer: it is sent at
 * priority 0 after every producer's sends have returned, so it is received after every data
 * message (highest priority first, FIFO within a priority).
 */
final class SoakMessages {
    static final int MAGIC = 0x534f414b; // "SOAK"
    static final int HEADER = 28;
    static final int MAX_BODY = 100;
    static final int MAX_LENGTH = HEADER + MAX_BODY + 4;
    static final int STOP = -1;

    /** Routes: where a message is meant to arrive. */
    static final byte ROUTE_QUEUE = 0;
    static final byte ROUTE_TO_A = 1;
    static final byte ROUTE_TO_B = 2;

    private SoakMessages() {
    }

    /** The priority producer {@code producer} gives its message {@code sequence}: spread over 0..31. */
    static int priority(int producer, long sequence) {
        long h = (sequence + 1) * 0x9E3779B97F4A7C15L ^ producer * 0xC2B2AE3D27D4EB4FL;
        // mostly a few priorities (so each has long runs to order), sometimes any of 0..31
        int r = (int) ((h >>> 40) & 0xff);
        return r < 200 ? new int[] { 0, 7, 16, 31 }[r & 3] : r & 31;
    }

    /** Writes message {@code sequence} of {@code producer} into {@code buf}; returns its length. */
    static int write(byte[] buf, int producer, long sequence, long pid, int priority, byte route) {
        int body = (int) Math.floorMod(sequence * 13 + producer * 7L, MAX_BODY + 1);
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, MAGIC).putInt(4, producer).putLong(8, sequence).putLong(16, pid);
        b.put(24, (byte) priority).put(25, route).putShort(26, (short) body);
        for (int i = 0; i < body; i++) {
            buf[HEADER + i] = (byte) (sequence * 31 + i * 17 + producer);
        }
        b.putInt(HEADER + body, crc(buf, HEADER + body));
        return HEADER + body + 4;
    }

    /** Writes a stop message; returns its length. */
    static int writeStop(byte[] buf, long pid, byte route) {
        return write(buf, STOP, 0, pid, 0, route);
    }

    /** Whether the {@code length} bytes of {@code buf} are one whole message with a valid CRC. */
    static boolean isWhole(byte[] buf, int length) {
        if (length < HEADER + 4 || length > MAX_LENGTH) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        int body = b.getShort(26);
        return b.getInt(0) == MAGIC && body >= 0 && body <= MAX_BODY && length == HEADER + body + 4
                && b.getInt(HEADER + body) == crc(buf, HEADER + body);
    }

    static int producer(byte[] buf) {
        return ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    }

    static long sequence(byte[] buf) {
        return ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
    }

    static long pid(byte[] buf) {
        return ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
    }

    static int priorityOf(byte[] buf) {
        return buf[24];
    }

    static byte route(byte[] buf) {
        return buf[25];
    }

    static int crc(byte[] buf, int length) {
        CRC32 c = new CRC32();
        c.update(buf, 0, length);
        return (int) c.getValue();
    }
}
