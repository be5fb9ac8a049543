package org.multios.ipc.mqtt.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on a free loopback port in front of a broker that a test can make swallow what goes
 * one way: {@link #swallowToBroker} makes the client's packets vanish before the broker sees them
 * (a network that lost them), {@link #swallowToClient} the broker's answers (acknowledgements
 * lost on the way back), while both connections stay open. Each direction of each connection has
 * a thread of its own ({@code holding-proxy-...}); {@link #close} closes the sockets and joins
 * them.
 */
public final class HoldingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int brokerPort;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean swallowToBroker;
    private volatile boolean swallowToClient;

    /** Listens on a free loopback port and forwards each connection to {@code brokerPort}. */
    public HoldingProxy(int brokerPort) throws IOException {
        this.brokerPort = brokerPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start(new Thread(this::accept, "holding-proxy-accept"));
    }

    /** The URI clients connect to, {@code tcp://127.0.0.1:<port>}. */
    public String tcpUri() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Whether what clients send is dropped instead of forwarded, from now on. */
    public void swallowToBroker(boolean swallow) {
        swallowToBroker = swallow;
    }

    /** Whether what the broker sends is dropped instead of forwarded, from now on. */
    public void swallowToClient(boolean swallow) {
        swallowToClient = swallow;
    }

    private void accept() {
        try {
            for (int n = 0; ; n++) {
                Socket client = server.accept();
                Socket broker;
                try {
                    broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                int id = n;
                synchronized (this) {
                    sockets.add(client);
                    sockets.add(broker);
                    start(new Thread(() -> pump(client, broker, true), "holding-proxy-" + id + "-to-broker"));
                    start(new Thread(() -> pump(broker, client, false), "holding-proxy-" + id + "-to-client"));
                }
            }
        } catch (IOException closed) {
            // close() closed the server socket
        }
    }

    private void pump(Socket from, Socket to, boolean toBroker) {
        byte[] buf = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (!(toBroker ? swallowToBroker : swallowToClient)) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed: the other goes too
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private synchronized void start(Thread t) {
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        List<Thread> all;
        synchronized (this) {
            sockets.forEach(HoldingProxy::closeQuietly);
            all = new ArrayList<>(threads);
        }
        for (Thread t : all) {
            t.join(5000);
        }
    }
}
