package org.multios.ipc.mqtt.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

/**
 * A broker that misbehaves, for tests: a loopback server socket whose accepted connections the
 * test takes one by one ({@link #accept}) and drives by hand, reading the client's packets
 * ({@link #readPacket}) and writing what it likes (a CONNACK, garbage, nothing at all), in the
 * clear or over TLS ({@link BrokerCertificate}).
 */
final class FakeBroker implements AutoCloseable {
    /** A successful MQTT 5 CONNACK: no session present, reason 0, no properties. */
    static final byte[] CONNACK = {0x20, 0x03, 0x00, 0x00, 0x00};

    private final ServerSocket server;
    private final String scheme;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    FakeBroker() throws IOException {
        this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), "tcp");
    }

    /** A broker that speaks TLS with the key and certificate of {@code tls} ({@code ssl://}). */
    FakeBroker(SSLContext tls) throws IOException {
        this(tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()), "ssl");
    }

    private FakeBroker(ServerSocket server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        acceptor = new Thread(this::acceptAll, "test-fake-broker");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String uri() {
        return scheme + "://127.0.0.1:" + server.getLocalPort();
    }

    private void acceptAll() {
        try {
            while (true) {
                accepted.add(server.accept());
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** The next connection the client made, waiting at most {@code seconds}; fails if none. */
    Socket accept(long seconds) throws InterruptedException {
        Socket s = accepted.poll(seconds, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("the client made no connection within " + seconds + " s");
        }
        return s;
    }

    /** The connections made and not taken yet. */
    int waiting() {
        return accepted.size();
    }

    /** Reads one MQTT packet: its first byte, or -1 at the end of the stream. */
    static int readPacket(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        int first = in.read();
        if (first < 0) {
            return -1;
        }
        int length = 0;
        for (int shift = 0, b = 0x80; (b & 0x80) != 0; shift += 7) {
            b = in.read();
            if (b < 0) {
                return -1;
            }
            length |= (b & 0x7f) << shift;
        }
        new DataInputStream(in).readFully(new byte[length]);
        return first;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
