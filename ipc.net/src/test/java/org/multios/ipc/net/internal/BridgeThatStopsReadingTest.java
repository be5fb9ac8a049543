package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.internal.bridge.BridgeDescriptor;
import org.multios.ipc.queue.MessageQueue;

/**
 * A bridge (or whoever answers in its place) that completes the handshake and OPEN, then never
 * reads again: the client's requests fill the kernel's buffers and the connection's output
 * queue. A timed remote send must still return by its timeout plus the settle time, with
 * TIMEOUT when its request could not even be handed to the connection (nothing was sent, so
 * nothing was queued) or OUTCOME_UNKNOWN when it was sent and never answered; it must not
 * wait forever for room on the connection.
 */
@Timeout(120)
class BridgeThatStopsReadingTest extends NetTestSupport {
    private static final int MESSAGE = 60_000;
    private final CountDownLatch testOver = new CountDownLatch(1);
    private ServerSocket server;
    private Thread serving;

    @AfterEach
    void stopServer() throws Exception {
        testOver.countDown();
        if (server != null) {
            server.close();
            serving.join(10_000);
        }
    }

    /** A bridge that answers HELLO and OPEN (messages up to {@value #MESSAGE} bytes), then reads nothing. */
    private int startBridgeThatStopsReading() throws IOException {
        server = new ServerSocket();
        server.setReceiveBufferSize(4096);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        serving = new Thread(() -> {
            try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = new BufferedOutputStream(s.getOutputStream());
                RawBridgePeer.readFrame(in); // HELLO
                ByteBuffer welcome = ByteBuffer.allocate(22).putInt(0x4D495043).putShort((short) 1)
                        .putShort((short) 0).putInt(65_600).putLong(1).putShort((short) 0);
                RawBridgePeer.writeFrame(out, 2, 0, 0, welcome.array());
                out.flush();
                RawBridgePeer.RawFrame open = RawBridgePeer.readFrame(in);
                int id = ByteBuffer.wrap(open.payload()).getInt(0);
                ByteBuffer ok = ByteBuffer.allocate(4 + 20 + 8).putInt(id).put((byte) 3).put((byte) 0)
                        .putShort((short) 0).putInt(MESSAGE).putInt(8).putInt(0).putShort((short) 0600)
                        .putShort((short) 0).put((byte) 0).put((byte) 0).putShort((short) 256).putInt(30_000);
                RawBridgePeer.writeFrame(out, 0, BridgeDescriptor.REPLY_OK, 0, ok.array());
                out.flush();
                testOver.await(); // and never reads again
            } catch (IOException | InterruptedException ended) {
                // the test is over
            }
        }, "bridge-that-stops-reading");
        serving.start();
        return server.getLocalPort();
    }

    @Test
    void aTimedRemoteSendReturnsWhenTheBridgeStopsReading() throws Exception {
        int port = startBridgeThatStopsReading();
        ConnectOptions small = ConnectOptions.DEFAULTS.withBufferBytes(ConnectOptions.DEFAULTS.maxFrameSize());
        MessageQueue q = net().openRemoteQueue(Endpoint.parse("tcp://127.0.0.1:" + port), "orders", small);
        byte[] m = new byte[MESSAGE];
        int threads = 8;
        ExecutorService senders = Executors.newFixedThreadPool(threads, r -> new Thread(r, "timed-remote-sender"));
        AtomicInteger unknown = new AtomicInteger();
        AtomicReference<IpcException> notSent = new AtomicReference<>();
        AtomicReference<IpcException> other = new AtomicReference<>();
        CountDownLatch found = new CountDownLatch(1);
        List<Future<?>> loops = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                loops.add(senders.submit(() -> {
                    for (int i = 0; i < 100 && found.getCount() > 0; i++) {
                        try {
                            q.send(m, 0, m.length, 1, Duration.ofMillis(100));
                            other.compareAndSet(null, new IpcException(IpcError.IO_ERROR, "a send returned normally"));
                        } catch (IpcException e) {
                            if (e.error() == IpcError.OUTCOME_UNKNOWN) {
                                unknown.incrementAndGet();
                            } else if (e.error() == IpcError.TIMEOUT) {
                                notSent.compareAndSet(null, e);
                                found.countDown();
                            } else {
                                other.compareAndSet(null, e);
                                found.countDown();
                            }
                        }
                    }
                }));
            }
            boolean seen = found.await(60, TimeUnit.SECONDS);
            for (Future<?> loop : loops) {
                try {
                    loop.get(30, TimeUnit.SECONDS);
                } catch (TimeoutException stuck) {
                    throw new AssertionError("a send with a 100 ms timeout had not returned after 30 s (" + unknown
                            + " sends were sent and never answered)", stuck);
                }
            }
            System.out.println(unknown + " sends went out unanswered before one found the connection full: "
                    + (notSent.get() == null ? "none did" : notSent.get().getMessage()));
            assertThat(other.get()).as("no other outcome").isNull();
            assertThat(seen).as("a send found the connection full").isTrue();
            assertThat(notSent.get().getMessage()).contains("queue 'orders'").contains("nothing was queued");
        } finally {
            senders.shutdownNow();
            q.close();
        }
    }
}
