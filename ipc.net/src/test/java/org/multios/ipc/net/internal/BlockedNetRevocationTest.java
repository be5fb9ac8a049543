package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.spi.BlockedCalls.assertDenied;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.DatagramEndpoint;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.RecordingCaller;

/**
 * Issue #16 item 5: a revocation wakes the network operations already waiting on the revoked
 * handle (a connection's receive, a listener's accept, a datagram receive); they fail with
 * PERMISSION_DENIED, audited, and nothing passes through the handle afterwards.
 */
class BlockedNetRevocationTest extends NetTestSupport {
    private NetMechanism mechanism;
    private final RecordingCaller owner = RecordingCaller.osUser(1);
    private final RecordingCaller other = RecordingCaller.osUser(2);

    @BeforeEach
    void startMechanism() {
        mechanism = new NetMechanism(new IpcEnvironment(root, IpcLimits.defaults()), NetSettings.DEFAULTS,
                new PosixPeers(), new LocalProviders() {
                    @Override
                    public <S> Optional<MechanismProvider<S>> provider(Class<S> apiType) {
                        return Optional.empty();
                    }
                });
    }

    @AfterEach
    void closeMechanism() {
        mechanism.close();
    }

    @Test
    @Timeout(60)
    void revokeWakesAReceiveBlockedOnAConnection() throws Exception {
        try (Listener listener = mechanism.bind(other).listen(Endpoint.unix("blocked-receive"));
                Connection mine = mechanism.bind(owner).connect(Endpoint.unix("blocked-receive"));
                Connection theirs = listener.accept(Duration.ofSeconds(10))) {
            CompletableFuture<Integer> result = new CompletableFuture<>();
            Thread waiter = start("net-receive-waiter", result,
                    () -> mine.receive(new byte[16], 0, 16, new MessageInfo()));
            awaitWaitingIn(waiter, "ConditionObject", "await");

            owner.revokeAll();

            assertDenied(result);
            theirs.send(1, new byte[] {7}, 0, 1, 0);
            assertIpcError(IpcError.PERMISSION_DENIED, () -> mine.tryReceive(new byte[16], 0, 16, new MessageInfo()));
            assertThat(owner.denials()).contains("receive on endpoint '" + mine.remoteEndpoint() + "'");
        }
    }

    @Test
    @Timeout(60)
    void revokeWakesASendBlockedOnAFullConnection() throws Exception {
        try (Listener listener = mechanism.bind(other).listen(Endpoint.unix("blocked-send"));
                Connection mine = mechanism.bind(owner).connect(Endpoint.unix("blocked-send"));
                Connection theirs = listener.accept(Duration.ofSeconds(10))) {
            byte[] frame = new byte[1024];
            CompletableFuture<Boolean> result = blockedSend(mine, frame);

            owner.revokeAll();

            assertDenied(result);
            assertThat(owner.denials()).contains("send on endpoint '" + mine.remoteEndpoint() + "'");
        }
    }

    @Test
    @Timeout(60)
    void revokeWakesAnAcceptBlockedOnAListener() throws Exception {
        try (Listener listener = mechanism.bind(owner).listen(Endpoint.unix("blocked-accept"))) {
            CompletableFuture<Connection> result = new CompletableFuture<>();
            Thread waiter = start("net-accept-waiter", result, listener::accept);
            awaitWaitingIn(waiter, "ConditionObject", "await");

            owner.revokeAll();

            assertDenied(result);
            try (Connection late = mechanism.bind(other).connect(Endpoint.unix("blocked-accept"))) {
                assertIpcError(IpcError.PERMISSION_DENIED, listener::tryAccept);
            }
            assertThat(owner.denials()).contains("accept on endpoint '" + listener.endpoint() + "'");
        }
    }

    @Test
    @Timeout(60)
    void revokeWakesAReceiveBlockedOnADatagramEndpoint() throws Exception {
        try (DatagramEndpoint mine = mechanism.bind(owner).openDatagram(Endpoint.udp("127.0.0.1", 0));
                DatagramEndpoint theirs = mechanism.bind(other).openDatagram(Endpoint.udp("127.0.0.1", 0))) {
            CompletableFuture<Endpoint> result = new CompletableFuture<>();
            Thread waiter = start("udp-receive-waiter", result, () -> mine.receive(ByteBuffer.allocate(64)));
            awaitWaitingIn(waiter, "SelectorImpl", "select");

            owner.revokeAll();

            assertDenied(result);
            theirs.send(mine.localEndpoint(), ByteBuffer.wrap(new byte[] {7}));
            assertIpcError(IpcError.PERMISSION_DENIED, () -> mine.tryReceive(ByteBuffer.allocate(64)));
            assertThat(owner.denials()).contains("receive from endpoint '" + mine.localEndpoint() + "'");
        }
    }

    /**
     * Fills the connection until a send blocks and returns that send's future. The reactor moves
     * queued frames into the socket while the test fills the queue, so a send started right after
     * {@code trySend} failed may still find room; then the connection is filled again, each frame
     * given 100 ms to find room so the reactor has moved what it can.
     */
    private static CompletableFuture<Boolean> blockedSend(Connection connection, byte[] frame) throws Exception {
        long sent = 0;
        for (int attempt = 1; attempt <= 100; attempt++) {
            while (sendsWithin(connection, frame, attempt == 1 ? Duration.ZERO : Duration.ofMillis(100))) {
                if (++sent > 1_000_000) { // the peer reads nothing
                    throw new AssertionError("a gigabyte went to a peer that reads nothing");
                }
            }
            CompletableFuture<Boolean> result = new CompletableFuture<>();
            Thread waiter = start("net-send-waiter-" + attempt, result, () -> {
                connection.send(1, frame, 0, frame.length, 0);
                return true;
            });
            if (waitsOrEnds(waiter, "ConditionObject", "await")) {
                return result;
            }
            assertThat(result.get(10, TimeUnit.SECONDS)).isTrue(); // it found room: fill again
        }
        throw new AssertionError("no send blocked after 100 fills of a connection whose peer reads nothing");
    }

    private static boolean sendsWithin(Connection connection, byte[] frame, Duration timeout) {
        if (timeout.isZero()) {
            return connection.trySend(1, frame, 0, frame.length, 0);
        }
        try {
            connection.send(1, frame, 0, frame.length, 0, timeout);
            return true;
        } catch (IpcException e) {
            if (e.error() == IpcError.TIMEOUT) {
                return false;
            }
            throw e;
        }
    }

    /** Waits (at most 20 s) until {@code thread} waits in {@code className.method} (true) or ends (false). */
    private static boolean waitsOrEnds(Thread thread, String className, String method) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - deadline < 0) {
            if (isIn(thread, className, method)) {
                return true;
            }
            if (!thread.isAlive()) {
                return false;
            }
            Thread.sleep(1);
        }
        throw new AssertionError(thread.getName() + " neither waited in " + className + "." + method + " nor ended within 20 s");
    }
}
