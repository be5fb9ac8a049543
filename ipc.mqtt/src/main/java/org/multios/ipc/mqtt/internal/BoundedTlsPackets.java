package org.multios.ipc.mqtt.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets ({@code ssl://} brokers) for the MQTT client whose decrypted streams are those of a
 * {@link BoundedPackets.Gate}: a packet longer than the bridge's Maximum Packet Size is refused
 * before the client sees its length, as on plain TCP. The TLS itself is the given factory's.
 */
final class BoundedTlsPackets extends SSLSocketFactory implements FirstWrites {
    private final SSLSocketFactory tls;
    private final long maxPacket;
    private volatile BoundedTlsSocket last;

    /**
     * @param tls       makes the TLS sockets (the bridge's trust and key material)
     * @param maxPacket the largest packet, fixed header included, the broker may send
     */
    BoundedTlsPackets(SSLSocketFactory tls, long maxPacket) {
        this.tls = tls;
        this.maxPacket = maxPacket;
    }

    @Override
    public Socket createSocket() throws IOException {
        BoundedTlsSocket s = new BoundedTlsSocket((SSLSocket) tls.createSocket(), new BoundedPackets.Gate(maxPacket));
        last = s;
        return s;
    }

    @Override
    public void awaitFirstWrite(long millis) throws InterruptedException {
        BoundedTlsSocket s = last;
        if (s != null && s.isConnected()) {
            s.gate().awaitFirstWrite(millis);
        }
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new IOException("not used by the MQTT client");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new IOException("not used by the MQTT client");
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        throw new IOException("not used by the MQTT client");
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        return BoundedPackets.connect(createSocket(), address);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }
}
