package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.spi.BlockedCalls.assertDenied;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.DatagramEndpoint;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.Quota;
import org.multios.ipc.Permissions;
import org.multios.ipc.ObjectType;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.CallerContext;

/**
 * Issue #16 item 5: the network handles keep the one security contract of every handle
 * ({@link org.multios.ipc.spi.GuardedHandle}): a revoked connection, UDP socket or remote port
 * refuses its next send and receive with PERMISSION_DENIED naming the handle and its rights,
 * counted and audited; a closed handle says CLOSED, revoked or not; a remote port's grant is
 * registered and revocable like the others, and a revocation wakes a remote receive waiting at
 * the bridge; a released caller's service refuses calls.
 */
class NetHandleGuardTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false)
            .withSocketMode(0666);

    private NetMechanism mechanism;
    private final RecordingCaller owner = RecordingCaller.osUser(1);
    private final RecordingCaller other = RecordingCaller.osUser(2);

    @BeforeEach
    void startMechanism() {
        mechanism = (NetMechanism) new NetMechanismFactory(NetSettings.DEFAULTS)
                .create(new IpcEnvironment(root, IpcLimits.defaults()));
    }

    @AfterEach
    void closeMechanism() {
        mechanism.close();
    }

    @Test
    @Timeout(60)
    void aRevokedConnectionRefusesItsNextSendAndReceiveNamingItsRights() {
        try (Listener listener = mechanism.bind(other).listen(Endpoint.unix("revoked-connection"));
                Connection mine = mechanism.bind(owner).connect(Endpoint.unix("revoked-connection"));
                Connection theirs = listener.accept(Duration.ofSeconds(10))) {
            theirs.send(1, new byte[] {7}, 0, 1, 0);

            owner.revokeAll();

            assertRefusedNamingRights(() -> mine.send(1, new byte[] {1}, 0, 1, 0), "send on");
            assertRefusedNamingRights(() -> mine.tryReceive(new byte[16], 0, 16, new MessageInfo()), "receive on");
            String name = "endpoint '" + mine.remoteEndpoint() + "'";
            assertThat(owner.denials()).containsExactly("send on " + name, "receive on " + name);
            assertThat(mine.statistics().get(Counter.DENIALS)).isEqualTo(2);
            assertThat(mine.rights()).isZero();
            assertThat(mine).hasToString("connection to " + mine.remoteEndpoint() + " (revoked)");
        }
    }

    @Test
    @Timeout(60)
    void aCallerDeniedARemoteObjectIsToldSoBeforeItsAddressIsLookedUp() {
        CallerContext denied = new CallerContext() {
            @Override
            public IpcProcess process() {
                return owner.process();
            }

            @Override
            public Grant authorize(ObjectType type, String name, Permissions permissions, int requested) {
                throw new IpcException(IpcError.PERMISSION_DENIED, "no rights on " + name);
            }

            @Override
            public void reserve(Quota quota, long amount) {
            }

            @Override
            public void release(Quota quota, long amount) {
            }

            @Override
            public void denied(ObjectType type, String name, String operation) {
            }
        };
        Endpoint unresolvable = Endpoint.tcp("no-such-host.invalid", 7);

        assertIpcError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(denied).openRemoteQueue(unresolvable, "orders",
                ConnectOptions.DEFAULTS));
    }

    @Test
    @Timeout(60)
    void aClosedConnectionAndListenerSayClosedRevokedOrNot() {
        Listener listener = mechanism.bind(owner).listen(Endpoint.unix("closed-then-revoked"));
        Connection mine = mechanism.bind(owner).connect(Endpoint.unix("closed-then-revoked"));
        mine.close();
        listener.close();

        owner.revokeAll();

        assertIpcError(IpcError.CLOSED, () -> mine.send(1, new byte[] {1}, 0, 1, 0));
        assertIpcError(IpcError.CLOSED, () -> mine.tryReceive(new byte[16], 0, 16, new MessageInfo()));
        assertIpcError(IpcError.CLOSED, listener::tryAccept);
        assertThat(mine.isClosed()).isTrue();
        assertThat(listener.isClosed()).isTrue();
        assertThat(owner.denials()).isEmpty();
    }

    @Test
    @Timeout(60)
    void aRevokedUdpSocketRefusesItsNextSendAndReceiveNamingItsRightsAndSaysClosedOnceClosed() {
        try (DatagramEndpoint theirs = mechanism.bind(other).openDatagram(Endpoint.udp("127.0.0.1", 0))) {
            DatagramEndpoint mine = mechanism.bind(owner).openDatagram(Endpoint.udp("127.0.0.1", 0));
            theirs.send(mine.localEndpoint(), ByteBuffer.wrap(new byte[] {7}));

            owner.revokeAll();

            assertRefusedNamingRights(() -> mine.send(theirs.localEndpoint(), ByteBuffer.wrap(new byte[] {1})),
                    "send to");
            assertRefusedNamingRights(() -> mine.tryReceive(ByteBuffer.allocate(16)), "receive from");
            String name = "endpoint '" + mine.localEndpoint() + "'";
            assertThat(owner.denials()).containsExactly("send to " + name, "receive from " + name);
            assertThat(mine.statistics().get(Counter.DENIALS)).isEqualTo(2);
            assertThat(mine).hasToString("UDP socket " + mine.localEndpoint() + " (revoked)");

            mine.close();
            assertIpcError(IpcError.CLOSED, () -> mine.tryReceive(ByteBuffer.allocate(16)));
            assertThat(owner.denials()).hasSize(2);
        }
    }

    @Test
    @Timeout(60)
    void aRevokedRemoteQueueRefusesItsNextSendAndReceiveAndNothingMoreReachesTheQueue() {
        QueueMechanism queues = QueueMechanism.start(new IpcEnvironment(root, IpcLimits.defaults()));
        try (MessageQueue local = queues.provider().bind(RecordingCaller.osUser(3)).create("orders",
                QueueOptions.of(64, 16).withMode(0666));
                Bridge bridge = mechanism.bind(other).exportQueue("orders", Endpoint.unix("orders"), OPEN);
                MessageQueue remote = mechanism.bind(owner).openRemoteQueue(Endpoint.unix("orders"), "orders",
                        ConnectOptions.DEFAULTS)) {
            remote.send(new byte[] {1}, 0, 1, 0);
            local.send(new byte[] {2}, 0, 1, 0);

            owner.revokeAll();

            assertRefusedNamingRights(() -> remote.send(new byte[] {3}, 0, 1, 0), "send to");
            assertRefusedNamingRights(() -> remote.tryReceive(new byte[16], 0, 16, new MessageInfo()),
                    "receive from");
            assertThat(owner.denials()).containsExactly("send to queue 'orders'", "receive from queue 'orders'");
            assertThat(remote.statistics().get(Counter.DENIALS)).isEqualTo(2);
            assertThat(remote.rights()).isZero();
            assertThat(local.attributes().currentMessages()).isEqualTo(2);

            remote.close();
            assertIpcError(IpcError.CLOSED, () -> remote.send(new byte[] {4}, 0, 1, 0));
        } finally {
            queues.close();
        }
    }

    @Test
    @Timeout(60)
    void revokeWakesARemoteReceiveWaitingAtTheBridgeAndLosesNoMessage() throws Exception {
        QueueMechanism queues = QueueMechanism.start(new IpcEnvironment(root, IpcLimits.defaults()));
        try (MessageQueue local = queues.provider().bind(RecordingCaller.osUser(3)).create("jobs",
                QueueOptions.of(64, 16).withMode(0666));
                Bridge bridge = mechanism.bind(other).exportQueue("jobs", Endpoint.unix("jobs"), OPEN)) {
            MessageQueue remote = mechanism.bind(owner).openRemoteQueue(Endpoint.unix("jobs"), "jobs",
                    ConnectOptions.DEFAULTS);
            CompletableFuture<Integer> result = new CompletableFuture<>();
            Thread waiter = start("remote-receive-waiter", result,
                    () -> remote.receive(new byte[16], 0, 16, new MessageInfo()));
            awaitWaitingIn(waiter, ".PendingReply", "await");

            owner.revokeAll();

            assertDenied(result);
            assertThat(owner.denials()).containsExactly("receive from queue 'jobs'");
            local.send(new byte[] {9}, 0, 1, 0);
            remote.close();
            byte[] got = new byte[16];
            assertThat(local.receive(got, 0, 16, new MessageInfo(), Duration.ofSeconds(10))).isEqualTo(1);
            assertThat(got[0]).isEqualTo((byte) 9);
        } finally {
            queues.close();
        }
    }

    @Test
    @Timeout(60)
    void theServiceOfAReleasedCallerRefusesCalls() {
        NetService service = mechanism.bind(owner);
        mechanism.release(owner);

        assertIpcError(IpcError.CLOSED, () -> service.listen(Endpoint.unix("after-release")));
        assertIpcError(IpcError.CLOSED, () -> service.openDatagram(Endpoint.udp("127.0.0.1", 0)));
    }

    @Test
    @Timeout(60)
    void revokeWaitsForAFrameInsideItsStepAndLetsNothingThroughAfterIt() throws Exception {
        try (Listener listener = mechanism.bind(other).listen(Endpoint.unix("stepping"));
                Connection mine = mechanism.bind(owner).connect(Endpoint.unix("stepping"));
                Connection theirs = listener.accept(Duration.ofSeconds(10))) {
            CountDownLatch inStep = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ((StreamConnection) mine).hook(step -> {
                inStep.countDown();
                awaitLatch(release);
            });
            CompletableFuture<Boolean> sent = new CompletableFuture<>();
            start("sender-in-step", sent, () -> {
                mine.send(1, new byte[] {5}, 0, 1, 0);
                return true;
            });
            assertThat(inStep.await(20, TimeUnit.SECONDS)).as("the send reached its step").isTrue();
            ((StreamConnection) mine).hook(null);
            CompletableFuture<Boolean> revoked = new CompletableFuture<>();
            Thread revoker = start("revoker", revoked, () -> {
                owner.revokeAll();
                return true;
            });

            awaitWaitingIn(revoker, "Grant", "awaitSteps"); // the revocation waits for the step under way
            release.countDown();

            assertThat(sent.get(20, TimeUnit.SECONDS)).isTrue();
            assertThat(revoked.get(20, TimeUnit.SECONDS)).isTrue();
            byte[] got = new byte[16];
            assertThat(theirs.receive(got, 0, 16, new MessageInfo(), Duration.ofSeconds(10))).isEqualTo(1);
            assertThat(got[0]).isEqualTo((byte) 5);
            assertIpcError(IpcError.PERMISSION_DENIED, () -> mine.trySend(1, new byte[] {6}, 0, 1, 0));
            assertThat(theirs.tryReceive(got, 0, 16, new MessageInfo())).isEqualTo(Connection.NO_FRAME);
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("not released within 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void assertRefusedNamingRights(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
            String operation) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpcException.class, e -> {
            assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains("may not " + operation).endsWith("(handle rights revoked)");
        });
    }
}
