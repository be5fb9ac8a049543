package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * Who gets in: a storm of idle sockets from one address holds at most its share of handshakes
 * and leaves the listener to everyone else; accepted connections are closed when idle unless
 * their listener says otherwise, but never while a request of theirs runs.
 */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
class AdmissionTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false);
    private static final int STORM = 300;

    @Test
    void threeHundredIdleSocketsFromOneAddressDoNotKeepAClientOfAnotherOut() throws Exception {
        NetService net = net();
        List<Socket> storm = new ArrayList<>();
        ListenOptions patient = OPEN.withHandshakeTimeout(Duration.ofSeconds(60));
        try (Listener listener = net.listen(Endpoint.tcp("127.0.0.1", 0), patient)) {
            int perAddress = NetSettings.DEFAULTS.handshakesPerAddress();
            try {
                for (int i = 0; i < STORM; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", listener.endpoint().port()), 10_000);
                    storm.add(s);
                }
                awaitDenials(listener, STORM - OPEN.maxConnections());
                try (Connection client = net.connect(listener.endpoint(),
                        ConnectOptions.DEFAULTS.withLocalAddress("127.0.0.2"));
                        Connection served = listener.accept(Duration.ofSeconds(10))) {
                    client.send(7, new byte[] {42}, 0, 1, 0);
                    byte[] buf = new byte[1];
                    assertThat(served.receive(buf, 0, 1, new MessageInfo(), Duration.ofSeconds(10))).isEqualTo(7);
                    assertThat(served.remoteEndpoint().host()).isEqualTo("127.0.0.2");
                }
                awaitDenials(listener, STORM - perAddress);
                assertThat(listener.info().statistics().get(Counter.DENIALS))
                        .as("only the storm's sockets beyond its share were refused").isEqualTo(STORM - perAddress);
                try (Socket more = new Socket("127.0.0.1", listener.endpoint().port())) {
                    more.setSoTimeout(10_000);
                    DataInputStream in = new DataInputStream(more.getInputStream());
                    byte[] refusal = new byte[in.readInt()];
                    assertThat(in.readInt() & 0xFF).as("a REFUSE frame").isEqualTo(3);
                    in.readFully(refusal);
                    ByteBuffer b = ByteBuffer.wrap(refusal);
                    assertThat(b.getShort(0) & 0xFFFF).isEqualTo(IpcError.LIMIT_EXCEEDED.code());
                    assertThat(new String(refusal, 4, b.getShort(2) & 0xFFFF, StandardCharsets.UTF_8))
                            .contains("127.0.0.1").contains(perAddress + " connections");
                }
            } finally {
                for (Socket s : storm) {
                    s.close();
                }
            }
        }
    }

    @Test
    void anAcceptedConnectionIsClosedWhenIdleThoughItsListenerSetNoIdleTimeout() {
        NetService net = context(NetSettings.DEFAULTS.withIdleTimeout(Duration.ofMillis(300)))
                .service(NetService.class);
        assertThat(OPEN.idleTimeout()).isZero();
        try (Listener listener = net.listen(Endpoint.tcp(0), OPEN);
                Connection client = net.connect(listener.endpoint());
                Connection server = listener.accept(Duration.ofSeconds(10))) {
            assertIpcError(IpcError.CLOSED,
                    () -> server.receive(new byte[8], 0, 8, new MessageInfo(), Duration.ofSeconds(20)));
            assertIpcError(IpcError.CLOSED,
                    () -> client.receive(new byte[8], 0, 8, new MessageInfo(), Duration.ofSeconds(20)));
        }
    }

    @Test
    void aBridgeConnectionWithARequestRunningIsNotIdle() {
        IpcContext ctx = context(NetSettings.DEFAULTS.withIdleTimeout(Duration.ofMillis(500)));
        ctx.service(MessageQueueService.class).create("slow", QueueOptions.of(128, 16).withMode(0666));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportQueue("slow", Endpoint.tcp(0), OPEN);
                MessageQueue remote = net.openRemoteQueue(bridge.endpoint(), "slow", ConnectOptions.DEFAULTS)) {
            byte[] buf = new byte[16];
            assertIpcError(IpcError.TIMEOUT,
                    () -> remote.receive(buf, 0, 16, new MessageInfo(), Duration.ofSeconds(3)));
            assertThat(remote.trySend(new byte[] {1}, 0, 1, 0)).as("the connection outlived the idle timeout while "
                    + "its receive waited").isTrue();
        }
    }

    private static void awaitDenials(Listener listener, long count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (listener.info().statistics().get(Counter.DENIALS) < count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(listener.info().statistics().get(Counter.DENIALS)).isGreaterThanOrEqualTo(count);
    }
}
