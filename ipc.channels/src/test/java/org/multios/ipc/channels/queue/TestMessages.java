package org.multios.ipc.channels.queue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The self-checking messages of the queue and channel concurrency and cross-process tests (and
 * their child JVMs): sender id, sequence number, a variable body and a checksum over all of it,
 * so a receiver can tell a whole message from a torn one without knowing what was sent.
 *
 * <pre>
 *  0 sender (int) | 4 sequence (long) | 12 body length (int) | 16 body ... | checksum (long)
 * </pre>
 */
public final class TestMessages {
    public static final int HEADER = 16;
    public static final int MAX_BODY = 48;
    public static final int MAX_LENGTH = HEADER + MAX_BODY + 8;

    private TestMessages() {
    }

    /** Writes message {@code sequence} of {@code sender} into {@code buf} and returns its length. */
    public static int write(byte[] buf, int sender, long sequence) {
        int body = (int) ((sequence * 7 + sender) % (MAX_BODY + 1));
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, sender).putLong(4, sequence).putInt(12, body);
        for (int i = 0; i < body; i++) {
            buf[HEADER + i] = (byte) (sequence * 31 + i * 17 + sender);
        }
        b.putLong(HEADER + body, checksum(buf, HEADER + body));
        return HEADER + body + 8;
    }

    /** Whether the {@code length} bytes of {@code buf} are one whole message. */
    public static boolean isWhole(byte[] buf, int length) {
        if (length < HEADER + 8) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        int body = b.getInt(12);
        return body >= 0 && body <= MAX_BODY && length == HEADER + body + 8
                && b.getLong(HEADER + body) == checksum(buf, HEADER + body);
    }

    public static int sender(byte[] buf) {
        return ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    public static long sequence(byte[] buf) {
        return ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).getLong(4);
    }

    /** FNV-1a over the bytes. */
    public static long checksum(byte[] buf, int length) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++) {
            h ^= buf[i] & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
