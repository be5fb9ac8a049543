package org.multios.ipc.mqtt.internal;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.SocketFactory;

/**
 * Plain TCP sockets ({@code tcp://} brokers) for the MQTT client whose input refuses a packet longer than the bridge's
 * Maximum Packet Size, before the client sees its length: the client allocates an array of the
 * length a packet's header announces before it compares it with any maximum, so a broker that
 * sent a header announcing 256 MiB held that much of the gateway's heap per connection while it
 * trickled (or ended in an OutOfMemoryError). The refusal is an IOException naming both lengths,
 * which ends the connection; the bridge connects again. The rule lives in {@link Limited};
 * {@link Gate} puts it, with the wait below, on one connection's streams, here and on the
 * decrypted streams of TLS sockets ({@link BoundedTlsPackets}, {@code ssl://} brokers).
 *
 * <p>The first read also waits for the client's first write (its CONNECT), or the socket's
 * close, at most {@value #FIRST_WRITE_WAIT_MILLIS} ms: the client's connecting thread waits, in
 * 100 ms naps, to see its reader running, and never ends if the reader stopped before it looked
 * (a broker that closed the connection at once left one such thread per attempt, for good). It
 * writes the CONNECT only once it has looked.
 */
final class BoundedPackets extends SocketFactory implements FirstWrites {
    /** Longest wait of the first read for the first write (the client's connect timeout). */
    static final long FIRST_WRITE_WAIT_MILLIS = 10_000;

    private final long maxPacket;
    private volatile GatedSocket last;

    /** @param maxPacket the largest packet, fixed header included, the broker may send */
    BoundedPackets(long maxPacket) {
        this.maxPacket = maxPacket;
    }

    @Override
    public Socket createSocket() {
        GatedSocket s = new GatedSocket(maxPacket);
        last = s;
        return s;
    }

    @Override
    public void awaitFirstWrite(long millis) throws InterruptedException {
        GatedSocket s = last;
        if (s != null && s.isConnected()) {
            s.gate.awaitFirstWrite(millis);
        }
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new IOException("not used by the MQTT client");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new IOException("not used by the MQTT client");
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        return connect(createSocket(), address);
    }

    /** Connects a socket of one of these factories to {@code address}; closes it if that fails. */
    static Socket connect(Socket s, InetSocketAddress address) throws IOException {
        try {
            s.connect(address);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Follows the packets of an MQTT stream (first byte, variable-length remaining length, body)
     * and fails at a header announcing more than the limit.
     */
    static final class Limited extends FilterInputStream {
        private final long max;
        /** Bytes of the current packet's body still to come; -1 while reading a header. */
        private long body = -1;
        private int headerBytes;
        private long length;
        private final CountDownLatch opened;

        Limited(InputStream in, long max, CountDownLatch opened) {
            super(in);
            this.max = max;
            this.opened = opened;
        }

        private void awaitOpened() throws IOException {
            try {
                opened.await(FIRST_WRITE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted before the first write");
            }
        }

        @Override
        public int read() throws IOException {
            awaitOpened();
            int b = super.read();
            if (b >= 0) {
                consumed(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (body <= 0) {
                int b = read();
                if (b < 0) {
                    return -1;
                }
                buffer[off] = (byte) b;
                return 1;
            }
            awaitOpened();
            int n = super.read(buffer, off, (int) Math.min(len, body));
            if (n > 0) {
                body -= n;
                if (body == 0) {
                    body = -1;
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("the MQTT stream is read packet by packet");
        }

        private void consumed(int b) throws IOException {
            if (body > 0) {
                if (--body == 0) {
                    body = -1;
                }
                return;
            }
            if (headerBytes == 0) {
                headerBytes = 1;  // the packet's type and flags
                length = 0;
                return;
            }
            length |= (long) (b & 0x7f) << (7 * (headerBytes - 1));
            headerBytes++;
            if ((b & 0x80) != 0 && headerBytes <= 4) {
                return;
            }
            long packet = headerBytes + length;
            if (packet > max) {
                throw new IOException("the broker sent a packet of " + packet + " bytes, more than the bridge's"
                        + " maximum packet size of " + max);
            }
            headerBytes = 0;
            body = length == 0 ? -1 : length;
        }
    }

    /**
     * The streams of one connection to the broker: its input {@link Limited}, waiting at first
     * for the first write to its output or for {@link #closed()}.
     */
    static final class Gate {
        private final long maxPacket;
        private final CountDownLatch firstWrite = new CountDownLatch(1);

        /** @param maxPacket the largest packet, fixed header included, the broker may send */
        Gate(long maxPacket) {
            this.maxPacket = maxPacket;
        }

        /** The connection's input, as the client reads it (decrypted, on TLS). */
        InputStream input(InputStream raw) {
            return new Limited(raw, maxPacket, firstWrite);
        }

        /** The connection's output, as the client writes it. */
        OutputStream output(OutputStream raw) {
            return new FilterOutputStream(raw) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    firstWrite.countDown();
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    firstWrite.countDown();
                }
            };
        }

        /** Waits at most {@code millis} for the first write to the output, or {@link #closed()}. */
        void awaitFirstWrite(long millis) throws InterruptedException {
            firstWrite.await(millis, TimeUnit.MILLISECONDS);
        }

        /** The connection is closing: a read waiting for the first write goes on (and fails). */
        void closed() {
            firstWrite.countDown();
        }
    }

    /** A socket whose streams are its {@link Gate}'s. */
    private static final class GatedSocket extends Socket {
        private final Gate gate;
        private InputStream input;
        private OutputStream output;

        GatedSocket(long maxPacket) {
            this.gate = new Gate(maxPacket);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = gate.input(super.getInputStream());
            }
            return input;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (output == null) {
                output = gate.output(super.getOutputStream());
            }
            return output;
        }

        @Override
        public void close() throws IOException {
            gate.closed();
            super.close();
        }
    }
}
