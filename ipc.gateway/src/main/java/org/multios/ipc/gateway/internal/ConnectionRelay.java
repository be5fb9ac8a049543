package org.multios.ipc.gateway.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection that {@link HttpOnFirstUse} accepted before Jetty listened, passed on to Jetty
 * unchanged: once the HTTP service is ready and Jetty accepts, the bytes are
 * copied both ways until either side ends (its own thread for each way), and then both are
 * closed. A connection Jetty does not accept within {@value #CONNECT_SECONDS} s is closed, and so
 * is one on which neither side sent anything for its idle time ({@value #IDLE_SECONDS} s, as
 * Jetty's own default): a client that stays silent does not hold the relay's threads.
 */
final class ConnectionRelay {
    /** How long a connection waits for Jetty to listen. */
    static final long CONNECT_SECONDS = 60;
    /** How long a relayed connection may carry nothing either way. */
    static final long IDLE_SECONDS = 60;
    private static final long RETRY_MILLIS = 50;
    private static final int BUFFER = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRelay.class);

    private final SocketChannel client;
    private final InetSocketAddress jetty;
    private final CountDownLatch ready;
    private final long idleNanos;
    private final Thread requests;
    private volatile Socket upstream;
    private volatile boolean closed;
    /** When the last bytes went either way ({@link System#nanoTime}). */
    private volatile long lastBytes;

    ConnectionRelay(SocketChannel client, InetSocketAddress jetty, CountDownLatch ready, String name) {
        this(client, jetty, ready, name, TimeUnit.SECONDS.toNanos(IDLE_SECONDS));
    }

    ConnectionRelay(SocketChannel client, InetSocketAddress jetty, CountDownLatch ready, String name, long idleNanos) {
        this.client = client;
        this.jetty = jetty;
        this.ready = ready;
        this.idleNanos = idleNanos;
        this.requests = new Thread(this::run, name);
        this.requests.setDaemon(true);
    }

    void start() {
        requests.start();
    }

    /** Whether both sides are closed (or being closed). */
    boolean isClosed() {
        return closed;
    }

    private void run() {
        try {
            Socket server = connect();
            if (server == null) {
                if (closed) {
                    return;
                }
                LOG.warn("the HTTP service did not listen on {} within {} s: closed the connection from {}", jetty,
                        CONNECT_SECONDS, client.getRemoteAddress());
                return;
            }
            Socket browser = client.socket();
            int slice = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(idleNanos) / 4);
            browser.setSoTimeout(slice);
            server.setSoTimeout(slice);
            lastBytes = System.nanoTime();
            Thread responses = new Thread(() -> copy(server, browser), requests.getName() + "-responses");
            responses.setDaemon(true);
            responses.start();
            copy(browser, server);
            responses.join();
        } catch (IOException e) {
            LOG.debug("relayed HTTP connection: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    /** Jetty's side of the connection, or null when Jetty did not accept in time or the relay was closed. */
    private Socket connect() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONNECT_SECONDS);
        if (!ready.await(CONNECT_SECONDS, TimeUnit.SECONDS)) {
            return null;
        }
        while (!closed && System.nanoTime() - deadline < 0) {
            try {
                Socket s = new Socket(jetty.getAddress(), jetty.getPort());
                upstream = s;
                if (closed) {
                    s.close();
                    return null;
                }
                return s;
            } catch (IOException notYetListening) {
                // Jetty listens once its bundle has started; it may not have bound the port yet
            }
            Thread.sleep(RETRY_MILLIS);
        }
        return null;
    }

    /**
     * Copies until the source's end, which is passed on by ending the destination's output (its
     * reader sees the end, and may still answer); on a failure, or when nothing went either way
     * for the idle time, both sides close.
     */
    private void copy(Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER];
        try {
            var in = from.getInputStream();
            var out = to.getOutputStream();
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException quiet) {
                    if (System.nanoTime() - lastBytes >= idleNanos) {
                        LOG.debug("relayed HTTP connection idle for {} s: closed", TimeUnit.NANOSECONDS.toSeconds(idleNanos));
                        close();
                        return;
                    }
                    continue;
                }
                if (n < 0) {
                    break;
                }
                lastBytes = System.nanoTime();
                out.write(buffer, 0, n);
                lastBytes = System.nanoTime();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("relayed HTTP connection: {}", e.toString());
            close();
        }
    }

    /** Closes both sides; the copying threads end, and so does a wait for Jetty. */
    void close() {
        closed = true;
        if (Thread.currentThread() != requests) {
            requests.interrupt();
        }
        try {
            client.close();
        } catch (IOException e) {
            LOG.debug("closing a relayed HTTP connection: {}", e.toString());
        }
        Socket s = upstream;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing a relayed HTTP connection: {}", e.toString());
            }
        }
    }
}
