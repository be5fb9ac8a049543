package org.multios.ipc.mqtt.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;

/**
 * Plain TCP sockets for the MQTT client whose input refuses a packet longer than the bridge's
 * Maximum Packet Size, before the client sees its length: the client allocates an array of the
 * length a packet's header announces before it compares it with any maximum, so a broker that
 * sent a header announcing 256 MiB held that much of the gateway's heap per connection while it
 * trickled (or ended in an OutOfMemoryError). The refusal is an IOException naming both lengths,
 * which ends the connection; the bridge connects again.
 */
final class BoundedPackets extends SocketFactory {
    private final long maxPacket;

    /** @param maxPacket the largest packet, fixed header included, the broker may send */
    BoundedPackets(long maxPacket) {
        this.maxPacket = maxPacket;
    }

    @Override
    public Socket createSocket() {
        return new Socket() {
            private InputStream in;

            @Override
            public synchronized InputStream getInputStream() throws IOException {
                if (in == null) {
                    in = new Limited(super.getInputStream(), maxPacket);
                }
                return in;
            }
        };
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new java.net.InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new IOException("not used by the MQTT client");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new java.net.InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new IOException("not used by the MQTT client");
    }

    private Socket connected(java.net.InetSocketAddress address) throws IOException {
        Socket s = createSocket();
        s.connect(address);
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

        Limited(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
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
}
