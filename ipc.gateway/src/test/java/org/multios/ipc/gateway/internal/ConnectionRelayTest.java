package org.multios.ipc.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection accepted before Jetty listened is passed on unchanged, and ends when neither side
 * sent anything for the idle time: a silent client holds no thread of the gateway for good. At
 * most a number of relays are open at once.
 */
@Timeout(60)
class ConnectionRelayTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private ServerSocketChannel door;
    private ServerSocket jetty;
    private final CountDownLatch ready = new CountDownLatch(1);

    @BeforeEach
    void listen() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        door = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0));
        jetty = new ServerSocket(0, 50, loopback);
        open.add(door);
        open.add(jetty);
        ready.countDown();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A client connected through a relay of {@code idleMillis}, and Jetty's side of it. */
    private record Path(Socket client, Socket server, ConnectionRelay relay) {
    }

    private Path connect(long idleMillis) throws Exception {
        Socket client = new Socket(door.socket().getInetAddress(), door.socket().getLocalPort());
        open.add(client);
        SocketChannel accepted = door.accept();
        open.add(accepted);
        CompletableFuture<Socket> server = CompletableFuture.supplyAsync(() -> {
            try {
                return jetty.accept();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        ConnectionRelay relay = new ConnectionRelay(accepted, (InetSocketAddress) jetty.getLocalSocketAddress(), ready,
                "test-relay", TimeUnit.MILLISECONDS.toNanos(idleMillis));
        relay.start();
        Socket s = server.get(30, TimeUnit.SECONDS);
        open.add(s);
        return new Path(client, s, relay);
    }

    private static byte[] read(InputStream in, int n) throws IOException {
        return in.readNBytes(n);
    }

    @Test
    void bytesGoBothWaysAndAnEndIsPassedOn() throws Exception {
        Path p = connect(60_000);
        p.client().getOutputStream().write("GET /".getBytes(StandardCharsets.US_ASCII));
        assertEquals("GET /", new String(read(p.server().getInputStream(), 5), StandardCharsets.US_ASCII));
        p.server().getOutputStream().write("200".getBytes(StandardCharsets.US_ASCII));
        p.server().shutdownOutput();

        assertArrayEquals("200".getBytes(StandardCharsets.US_ASCII), p.client().getInputStream().readAllBytes());
    }

    @Test
    void aClientThatSendsNothingIsClosedAfterTheIdleTime() throws Exception {
        Path p = connect(300);

        // neither side sends: the relay closes both (before, it read the client for good)
        assertEquals(-1, p.client().getInputStream().read());
        assertEquals(-1, p.server().getInputStream().read());
        assertTrue(p.relay().isClosed());
    }

    @Test
    void bytesGoingOneWayKeepTheConnection() throws Exception {
        long idle = 1_500;
        Path p = connect(idle);
        int chunks = 30; // one every 100 ms: three seconds, twice the idle time, with the client silent
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < chunks; i++) {
                    p.server().getOutputStream().write(i);
                    Thread.sleep(100);
                }
                p.server().shutdownOutput();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        byte[] got = p.client().getInputStream().readAllBytes();
        sending.get(30, TimeUnit.SECONDS);
        assertEquals(chunks, got.length);
    }

    @Test
    void atMostTheGivenNumberOfRelaysAreOpenAtOnce() throws Exception {
        Relays relays = new Relays(2);
        Path a = connect(60_000);
        Path b = connect(60_000);
        Path c = connect(60_000);
        assertTrue(relays.admit(a.relay()));
        assertTrue(relays.admit(b.relay()));
        assertFalse(relays.admit(c.relay()));

        a.relay().close();

        assertTrue(relays.admit(c.relay()));
        assertEquals(List.of(b.relay(), c.relay()), relays.open());
    }
}
