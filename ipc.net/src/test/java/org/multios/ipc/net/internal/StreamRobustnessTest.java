package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;

/**
 * Hostile and unlucky peers cost the server only their own connection: limits, stalls, drops in
 * the middle of a frame, idle peers, full buffers; and many connections are served by the one
 * reactor thread.
 */
@Timeout(60)
class StreamRobustnessTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false);

    @Test
    void aPeerBeyondTheConnectionLimitIsRefusedWithLimitExceeded() {
        NetService net = net();
        try (Listener listener = net.listen(Endpoint.tcp(0), OPEN.withMaxConnections(2));
                Connection one = net.connect(listener.endpoint());
                Connection two = net.connect(listener.endpoint())) {
            assertIpcError(IpcError.LIMIT_EXCEEDED, () -> net.connect(listener.endpoint()));
            two.close();
            awaitCount(listener, 1);
            try (Connection three = net.connect(listener.endpoint())) {
                assertThat(three.isConnected()).isTrue();
            }
        }
    }

    @Test
    void aPeerThatStallsInTheHandshakeIsDroppedAndOthersAreServed() throws Exception {
        NetService net = net();
        try (Listener listener = net.listen(Endpoint.tcp(0),
                OPEN.withHandshakeTimeout(Duration.ofMillis(300)));
                Socket staller = new Socket("127.0.0.1", listener.endpoint().port())) {
            try (Connection other = net.connect(listener.endpoint());
                    Connection accepted = listener.accept(Duration.ofSeconds(10))) {
                other.send(1, new byte[] {1}, 0, 1, 0);
                assertThat(accepted.receive(new byte[1], 0, 1, new MessageInfo(), Duration.ofSeconds(10))).isEqualTo(1);
            }
            staller.setSoTimeout(10_000);
            assertThat(staller.getInputStream().read()).as("the stalled peer is disconnected").isEqualTo(-1);
            assertThat(listener.info().statistics().get(Counter.TIMEOUTS)).isEqualTo(1);
        }
    }

    @Test
    void aPeerThatDropsInTheMiddleOfAFrameEndsOnlyItsConnection() throws Exception {
        NetService net = net();
        try (Listener listener = net.listen(Endpoint.tcp(0), OPEN)) {
            Socket raw = new Socket("127.0.0.1", listener.endpoint().port());
            OutputStream out = raw.getOutputStream();
            out.write(helloFrame());
            try (Connection server = listener.accept(Duration.ofSeconds(10))) {
                out.write(new byte[] {0, 0, 0, 100, 0, 1, 0, 0, 1, 2, 3});
                out.flush();
                raw.close();
                assertIpcError(IpcError.CLOSED,
                        () -> server.receive(new byte[200], 0, 200, new MessageInfo(), Duration.ofSeconds(10)));
                assertThat(server.info().statistics().get(Counter.ERRORS)).isEqualTo(1);
            }
            try (Connection next = net.connect(listener.endpoint());
                    Connection accepted = listener.accept(Duration.ofSeconds(10))) {
                assertThat(accepted.isConnected()).isTrue();
            }
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterItsTimeout() {
        NetService net = net();
        try (Listener listener = net.listen(Endpoint.tcp(0), OPEN.withIdleTimeout(Duration.ofMillis(300)));
                Connection client = net.connect(listener.endpoint());
                Connection server = listener.accept(Duration.ofSeconds(10))) {
            assertIpcError(IpcError.CLOSED,
                    () -> server.receive(new byte[8], 0, 8, new MessageInfo(), Duration.ofSeconds(20)));
            assertIpcError(IpcError.CLOSED,
                    () -> client.receive(new byte[8], 0, 8, new MessageInfo(), Duration.ofSeconds(20)));
        }
    }

    @Test
    void aReceiverThatDoesNotReadMakesTheSenderWaitNotTheServerGrow() {
        NetService net = net();
        ListenOptions small = OPEN.withMaxFrameSize(1024).withBufferBytes(4096);
        try (Listener listener = net.listen(Endpoint.tcp(0), small);
                Connection client = net.connect(listener.endpoint(),
                        ConnectOptions.DEFAULTS.withMaxFrameSize(1024).withBufferBytes(4096));
                Connection server = listener.accept(Duration.ofSeconds(10))) {
            byte[] frame = new byte[1024];
            int sent = 0;
            while (client.trySend(0, frame, 0, frame.length, 0)) {
                sent++;
                assertThat(sent).as("the sender is held back by flow control").isLessThan(100_000);
            }
            assertIpcError(IpcError.TIMEOUT, () -> client.send(0, frame, 0, frame.length, 0, Duration.ofMillis(50)));
            MessageInfo info = new MessageInfo();
            for (int i = 0; i < sent; i++) {
                server.receive(frame, 0, frame.length, info, Duration.ofSeconds(10));
            }
            assertThat(server.tryReceive(frame, 0, frame.length, info)).isEqualTo(Connection.NO_FRAME);
            assertIpcError(IpcError.MESSAGE_TOO_LARGE, () -> client.send(0, new byte[1025], 0, 1025, 0));
        }
    }

    @Test
    void manyConnectionsAreServedByOneThreadEveryFrameOnceAndIntact() throws Exception {
        NetService net = net();
        int clients = 40;
        int frames = 300;
        int threadsBefore = Thread.activeCount();
        ExecutorService pool = Executors.newFixedThreadPool(8, r -> new Thread(r, "net-test-client"));
        try (Listener listener = net.listen(Endpoint.unix("many"), OPEN.withMaxConnections(clients))) {
            List<Connection> servers = new ArrayList<>();
            List<Future<Long>> sums = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                Connection client = net.connect(Endpoint.unix("many"));
                servers.add(listener.accept(Duration.ofSeconds(10)));
                int id = c;
                sums.add(pool.submit(() -> {
                    long sum = 0;
                    for (int i = 0; i < frames; i++) {
                        byte[] b = ByteBuffer.allocate(12).putInt(id).putLong(i).array();
                        client.send(i % 1000, b, 0, b.length, i % 32);
                        sum += checksum(b);
                    }
                    client.close();
                    return sum;
                }));
            }
            assertThat(Thread.activeCount() - threadsBefore).as("no thread per connection").isLessThan(clients / 2);
            for (int c = 0; c < clients; c++) {
                Connection server = servers.get(c);
                long sum = 0;
                long[] next = new long[32];
                byte[] buf = new byte[12];
                MessageInfo info = new MessageInfo();
                for (int i = 0; i < frames; i++) {
                    server.receive(buf, 0, 12, info, Duration.ofSeconds(20));
                    ByteBuffer b = ByteBuffer.wrap(buf);
                    assertThat(b.getInt()).isEqualTo(c);
                    long seq = b.getLong();
                    assertThat(seq % 32).isEqualTo(info.priority());
                    assertThat(seq).as("order within a priority").isGreaterThanOrEqualTo(next[info.priority()]);
                    next[info.priority()] = seq + 1;
                    sum += checksum(buf);
                }
                assertThat(sum).isEqualTo(sums.get(c).get());
                assertIpcError(IpcError.CLOSED, () -> server.receive(buf, 0, 12, info, Duration.ofSeconds(20)));
                server.close();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long checksum(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }

    private static void awaitCount(Listener listener, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (listener.connectionCount() != count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(listener.connectionCount()).isEqualTo(count);
    }

    /** A HELLO of protocol version 1 without a token, as any client would write it. */
    private static byte[] helloFrame() {
        ByteBuffer payload = ByteBuffer.allocate(22).putInt(0x4D495043).putShort((short) 1).putShort((short) 0)
                .putInt(65536).putLong(1).putShort((short) 0);
        return ByteBuffer.allocate(30).putInt(22).putShort((short) 0).put((byte) 0).put((byte) 1)
                .put(payload.array()).array();
    }
}
