package org.multios.ipc.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Messages over a byte stream (the peers of a message queue: a Unix-domain socket, an OS
 * pipe), each framed by a 4-byte length. A sender writes each message with one {@code write}
 * call, header and payload together, as a queue sends it with one call. A receiver reads as
 * much as the stream holds into a 64 KiB buffer and hands out one message per call, copied
 * into the caller's array as a queue receive copies it: the peer batches its reads, which is
 * what a competent user of a stream would do, and is in its favour.
 */
public final class Frames {
    /** Bytes of the length prefix. */
    public static final int HEADER = Integer.BYTES;

    private Frames() {
    }

    /** Writes framed messages to a blocking channel. Not thread-safe. */
    public static final class Writer {
        private final WritableByteChannel channel;
        private final ByteBuffer buffer;

        /** A writer of messages of at most {@code maxMessage} bytes. */
        public Writer(WritableByteChannel channel, int maxMessage) {
            this.channel = channel;
            this.buffer = ByteBuffer.allocateDirect(HEADER + maxMessage);
        }

        /** Writes one message: its length and its bytes, with one call where the stream takes it whole. */
        public void write(byte[] b, int off, int len) throws IOException {
            buffer.clear();
            buffer.putInt(len).put(b, off, len).flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** Reads framed messages from a blocking channel. Not thread-safe. */
    public static final class Reader {
        private static final int CAPACITY = 64 * 1024;

        private final ReadableByteChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(CAPACITY);

        /** A reader of messages of at most 64 KiB less the header. */
        public Reader(ReadableByteChannel channel) {
            this.channel = channel;
            buffer.flip();
        }

        /**
         * Reads the next message into {@code dst} from 0.
         *
         * @return its length, or -1 if the stream ended between messages
         * @throws IOException if the stream fails, ends inside a message, or the message does
         *                     not fit {@code dst}
         */
        public int read(byte[] dst) throws IOException {
            if (!fill(HEADER)) {
                return -1;
            }
            int len = buffer.getInt();
            if (len < 0 || len > dst.length) {
                throw new IOException("bad frame length " + len + " for a buffer of " + dst.length + " bytes");
            }
            if (!fill(len)) {
                throw new EOFException("stream ended inside a message of " + len + " bytes");
            }
            buffer.get(dst, 0, len);
            return len;
        }

        private boolean fill(int needed) throws IOException {
            while (buffer.remaining() < needed) {
                buffer.compact();
                int n = channel.read(buffer);
                buffer.flip();
                if (n < 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
