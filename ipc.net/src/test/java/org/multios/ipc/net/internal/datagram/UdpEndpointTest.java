package org.multios.ipc.net.internal.datagram;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.zip.CRC32;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.net.DatagramOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.SessionGate;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.local.PosixCaller;
import org.multios.ipc.local.QuotaLedger;

/** UDP endpoints on the loopback interface. Every test is bounded by the class timeout. */
@Timeout(30)
class UdpEndpointTest {
    private static final Endpoint ANY_PORT = Endpoint.udp("127.0.0.1", 0);
    private static final int IN_FLIGHT = 500;

    private final RecordingCaller owner = new RecordingCaller();
    private final SessionGate session = new SessionGate("the network service of the test");
    private final List<UdpEndpoint> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(UdpEndpoint::close);
    }

    private UdpEndpoint open(Endpoint local, DatagramOptions options, int rights) {
        UdpEndpoint e = UdpEndpoint.open(opened.size() + 1, local, options, owner, session, new Grant(rights));
        opened.add(e);
        return e;
    }

    private UdpEndpoint open() {
        return open(ANY_PORT, DatagramOptions.DEFAULTS, Rights.READ_WRITE);
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    private static String text(ByteBuffer b) {
        b.flip();
        return UTF_8.decode(b).toString();
    }

    private static IpcError errorOf(Runnable r) {
        try {
            r.run();
            return null;
        } catch (IpcException e) {
            return e.error();
        }
    }

    @Test
    void echoesBetweenTwoEndpoints() {
        UdpEndpoint a = open();
        UdpEndpoint b = open();
        assertThat(a.localEndpoint().port()).isPositive();
        assertThat(a.localEndpoint().host()).isEqualTo("127.0.0.1");

        a.send(b.localEndpoint(), text("ping"));
        ByteBuffer in = ByteBuffer.allocate(100);
        Endpoint from = b.receive(in);
        assertThat(from).isEqualTo(a.localEndpoint());
        assertThat(text(in)).isEqualTo("ping");

        ByteBuffer reply = text("pong");
        b.send(from, reply);
        assertThat(reply.hasRemaining()).isFalse();
        ByteBuffer back = ByteBuffer.allocateDirect(100);
        assertThat(a.receive(back, Duration.ofSeconds(10))).isEqualTo(b.localEndpoint());
        assertThat(text(back)).isEqualTo("pong");

        a.send(Endpoint.udp("localhost", b.localEndpoint().port()), text("by name"));
        in.clear();
        assertThat(b.receive(in, Duration.ofSeconds(10))).isEqualTo(a.localEndpoint());
        assertThat(text(in)).isEqualTo("by name");

        ObjectInfo info = b.info();
        assertThat(info.type()).isEqualTo(ObjectType.ENDPOINT);
        assertThat(info.name()).contains(b.localEndpoint().toString());
        assertThat(info.creator()).isEqualTo(owner.process());
        assertThat(info.permissions()).isEqualTo(Permissions.of(owner.process(), 0600));
        assertThat(info.capacity()).isEqualTo(DatagramOptions.MAX_UDP_PAYLOAD);
        assertThat(info.persistent()).isFalse();
        assertThat(info.statistics().get(Counter.MESSAGES_IN)).isEqualTo(2);
        assertThat(info.statistics().get(Counter.BYTES_IN)).isEqualTo(11);
        assertThat(info.statistics().get(Counter.MESSAGES_OUT)).isEqualTo(1);
        assertThat(info.statistics().get(Counter.BYTES_OUT)).isEqualTo(4);
        assertThat(b.type()).isEqualTo(ObjectType.ENDPOINT);
        assertThat(b.name()).contains(b.localEndpoint().toString());
        assertThat(b.rights()).isEqualTo(Rights.READ_WRITE);
    }

    @Test
    void echoesOverIpv6Loopback() {
        UdpEndpoint a;
        try {
            a = open(Endpoint.parse("udp://[::1]:0"), DatagramOptions.DEFAULTS, Rights.READ_WRITE);
        } catch (IpcException e) {
            Assumptions.abort("no IPv6 loopback: " + e.getMessage());
            return;
        }
        UdpEndpoint b = open(Endpoint.udp("::1", 0), DatagramOptions.DEFAULTS, Rights.READ_WRITE);
        assertThat(b.localEndpoint().toString()).startsWith("udp://[::1]:");
        a.send(b.localEndpoint(), text("six"));
        ByteBuffer in = ByteBuffer.allocate(10);
        Endpoint from = b.receive(in);
        assertThat(text(in)).isEqualTo("six");
        assertThat(from.port()).isEqualTo(a.localEndpoint().port());
        assertThat(from.isLoopback()).isTrue();
    }

    @Test
    void acceptsTheMaximumSizeAndRefusesOneMoreOnSend() {
        UdpEndpoint a = open(ANY_PORT, DatagramOptions.DEFAULTS.withMaxDatagramSize(1000), Rights.READ_WRITE);
        UdpEndpoint b = open(ANY_PORT, DatagramOptions.DEFAULTS.withMaxDatagramSize(1000), Rights.READ_WRITE);

        ByteBuffer max = ByteBuffer.allocate(1000);
        a.send(b.localEndpoint(), max);
        assertThat(max.position()).isEqualTo(1000);
        ByteBuffer in = ByteBuffer.allocate(2000);
        b.receive(in);
        assertThat(in.position()).isEqualTo(1000);

        ByteBuffer tooLarge = ByteBuffer.allocate(1001);
        assertThatThrownBy(() -> a.send(b.localEndpoint(), tooLarge)).isInstanceOf(IpcException.class)
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.MESSAGE_TOO_LARGE))
                .hasMessageContaining("1001").hasMessageContaining("1000");
        assertThat(tooLarge.position()).isZero();
        assertThat(errorOf(() -> a.trySend(b.localEndpoint(), ByteBuffer.allocate(1001))))
                .isEqualTo(IpcError.MESSAGE_TOO_LARGE);
        assertThat(a.statistics().get(Counter.MESSAGES_OUT)).isEqualTo(1);
    }

    @Test
    void discardsADatagramTooLargeForTheBufferAndReceivesTheNext() {
        UdpEndpoint a = open();
        UdpEndpoint b = open();
        a.send(b.localEndpoint(), ByteBuffer.allocate(100));
        a.send(b.localEndpoint(), text("next"));

        ByteBuffer small = ByteBuffer.allocate(50);
        small.put((byte) 7);
        assertThatThrownBy(() -> b.receive(small)).isInstanceOf(IpcException.class)
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.MESSAGE_TOO_LARGE))
                .hasMessageContaining("100").hasMessageContaining("49");
        assertThat(small.position()).isEqualTo(1);
        assertThat(small.get(0)).isEqualTo((byte) 7);
        assertThat(small.get(1)).isZero();

        ByteBuffer in = ByteBuffer.allocate(50);
        b.receive(in, Duration.ofSeconds(10));
        assertThat(text(in)).isEqualTo("next");
        assertThat(b.statistics().get(Counter.ERRORS)).isEqualTo(1);
        assertThat(b.statistics().get(Counter.MESSAGES_IN)).isEqualTo(1);
    }

    @Test
    void discardsADatagramLargerThanTheMaximumEvenIfTheBufferHoldsIt() {
        UdpEndpoint a = open();
        UdpEndpoint b = open(ANY_PORT, DatagramOptions.DEFAULTS.withMaxDatagramSize(1000), Rights.READ_WRITE);
        a.send(b.localEndpoint(), ByteBuffer.allocate(1001));
        a.send(b.localEndpoint(), ByteBuffer.allocate(1000));

        ByteBuffer in = ByteBuffer.allocate(5000);
        assertThatThrownBy(() -> b.receive(in)).hasMessageContaining("maximum datagram size 1000")
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.MESSAGE_TOO_LARGE));
        assertThat(in.position()).isZero();
        b.receive(in);
        assertThat(in.position()).isEqualTo(1000);
    }

    @Test
    void tryReceiveAndTimedReceiveDoNotWaitLonger() {
        UdpEndpoint a = open();
        assertThat(a.tryReceive(ByteBuffer.allocate(10))).isEmpty();
        assertThat(errorOf(() -> a.receive(ByteBuffer.allocate(10), Duration.ofMillis(50))))
                .isEqualTo(IpcError.TIMEOUT);
        assertThat(errorOf(() -> a.receive(ByteBuffer.allocate(10), Duration.ZERO))).isEqualTo(IpcError.TIMEOUT);
        assertThat(errorOf(() -> a.receive(ByteBuffer.allocate(10), Duration.ofMillis(-1))))
                .isEqualTo(IpcError.INVALID_ARGUMENT);
        assertThat(a.statistics().get(Counter.TIMEOUTS)).isEqualTo(2);
        assertThat(a.statistics().get(Counter.WAITS)).isEqualTo(2);

        UdpEndpoint b = open();
        assertThat(b.trySend(a.localEndpoint(), text("now"))).isTrue();
        b.send(a.localEndpoint(), text("timed"), Duration.ofSeconds(1));
        ByteBuffer in = ByteBuffer.allocate(10);
        assertThat(a.receive(in, Duration.ofSeconds(10))).isEqualTo(b.localEndpoint());
        assertThat(text(in)).isEqualTo("now");
        in.clear();
        assertThat(a.receive(in, Duration.ofSeconds(10))).isEqualTo(b.localEndpoint());
        assertThat(text(in)).isEqualTo("timed");
    }

    @Test
    void closeWakesBlockedReceiversWithClosed() throws Exception {
        UdpEndpoint a = open();
        List<Thread> threads = new ArrayList<>();
        List<IpcError> errors = new CopyOnWriteArrayList<>();
        AtomicInteger ran = new AtomicInteger();
        a.onClose(ran::incrementAndGet);
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> errors.add(errorOf(() -> a.receive(ByteBuffer.allocate(10)))),
                    "udp-test-receiver-" + i);
            t.start();
            threads.add(t);
        }
        awaitCounter(a, Counter.WAITS, 2);
        a.close();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).containsExactly(IpcError.CLOSED, IpcError.CLOSED);
        a.close();
        assertThat(ran).hasValue(1);
        assertThat(a.isClosed()).isTrue();
        assertThat(errorOf(() -> a.tryReceive(ByteBuffer.allocate(10)))).isEqualTo(IpcError.CLOSED);
        assertThat(errorOf(() -> a.send(a.localEndpoint(), text("x")))).isEqualTo(IpcError.CLOSED);
        assertThat(errorOf(() -> a.trySend(a.localEndpoint(), text("x")))).isEqualTo(IpcError.CLOSED);
        assertThat(errorOf(() -> a.receive(ByteBuffer.allocate(10), Duration.ofSeconds(1))))
                .isEqualTo(IpcError.CLOSED);
        AtomicBoolean late = new AtomicBoolean();
        a.onClose(() -> late.set(true));
        assertThat(late).isTrue();

        // the port was given back
        open(a.localEndpoint(), DatagramOptions.DEFAULTS, Rights.READ_WRITE).close();
    }

    @Test
    void interruptEndsAWaitKeepsTheFlagAndLeavesTheEndpointUsable() throws Exception {
        UdpEndpoint a = open();
        AtomicReference<IpcError> error = new AtomicReference<>();
        AtomicBoolean flagKept = new AtomicBoolean();
        Thread t = new Thread(() -> {
            error.set(errorOf(() -> a.receive(ByteBuffer.allocate(10))));
            flagKept.set(Thread.currentThread().isInterrupted());
        }, "udp-test-interrupted");
        t.start();
        awaitCounter(a, Counter.WAITS, 1);
        t.interrupt();
        t.join();
        assertThat(error).hasValue(IpcError.INTERRUPTED);
        assertThat(flagKept).isTrue();

        assertThat(a.isClosed()).isFalse();
        UdpEndpoint b = open();
        b.send(a.localEndpoint(), text("still here"));
        ByteBuffer in = ByteBuffer.allocate(20);
        a.receive(in, Duration.ofSeconds(10));
        assertThat(text(in)).isEqualTo("still here");

        Thread.currentThread().interrupt();
        try {
            assertThat(errorOf(() -> a.receive(ByteBuffer.allocate(10)))).isEqualTo(IpcError.INTERRUPTED);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(a.tryReceive(ByteBuffer.allocate(10))).isEmpty();
        } finally {
            Thread.interrupted();
        }
        a.send(a.localEndpoint(), text("self"));
        assertThat(a.receive(ByteBuffer.allocate(10), Duration.ofSeconds(10))).isEqualTo(a.localEndpoint());
    }

    @Test
    void refusesBroadcastWithoutTheOption() {
        UdpEndpoint a = open();
        ByteBuffer data = text("all");
        assertThatThrownBy(() -> a.send(Endpoint.udp("255.255.255.255", 9), data)).hasMessageContaining("broadcast")
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.INVALID_ARGUMENT));
        assertThat(data.position()).isZero();
        assertThat(a.statistics().get(Counter.MESSAGES_OUT)).isZero();
    }

    @Test
    void refusesTargetsAndBuffersThatCannotBeUsed() {
        UdpEndpoint a = open();
        assertThat(errorOf(() -> a.send(Endpoint.tcp(9), text("x")))).isEqualTo(IpcError.INVALID_ARGUMENT);
        assertThat(errorOf(() -> a.send(Endpoint.udp("127.0.0.1", 0), text("x")))).isEqualTo(IpcError.INVALID_ARGUMENT);
        assertThat(errorOf(() -> a.send(Endpoint.udp("no-such-host.invalid", 9), text("x"))))
                .isEqualTo(IpcError.IO_ERROR);
        assertThat(errorOf(() -> a.receive(ByteBuffer.allocate(10).asReadOnlyBuffer())))
                .isEqualTo(IpcError.INVALID_ARGUMENT);
        assertThat(errorOf(() -> a.setPermissions(Permissions.of(owner.process(), 0666))))
                .isEqualTo(IpcError.INVALID_ARGUMENT);
        assertThat(errorOf(() -> UdpEndpoint.open(1, Endpoint.tcp(0), DatagramOptions.DEFAULTS, owner,
                session, new Grant(Rights.READ_WRITE)))).isEqualTo(IpcError.INVALID_ARGUMENT);
    }

    @Test
    void aReadOnlyGrantCannotSendAndARevokedOneCannotReceive() {
        UdpEndpoint reader = open(ANY_PORT, DatagramOptions.DEFAULTS, Rights.READ);
        UdpEndpoint peer = open();
        ByteBuffer data = text("no");
        assertThat(errorOf(() -> reader.send(peer.localEndpoint(), data))).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(errorOf(() -> reader.trySend(peer.localEndpoint(), data))).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(data.position()).isZero();
        assertThat(reader.statistics().get(Counter.DENIALS)).isEqualTo(2);
        assertThat(owner.denials).containsExactly(reader.localEndpoint() + " send to",
                reader.localEndpoint() + " send to");

        Grant grant = new Grant(Rights.READ_WRITE);
        UdpEndpoint revoked = UdpEndpoint.open(99, ANY_PORT, DatagramOptions.DEFAULTS, owner, session, grant);
        opened.add(revoked);
        grant.revoke();
        assertThat(revoked.rights()).isEqualTo(Rights.NONE);
        assertThat(errorOf(() -> revoked.tryReceive(ByteBuffer.allocate(1)))).isEqualTo(IpcError.PERMISSION_DENIED);
    }

    /**
     * A send is decided on its target, as a connect is on the endpoint it reaches: a target the
     * policy denies gets nothing (a rule {@code deny * * endpoint:udp://10.0.0.*:*} stopped only
     * binding such a socket before), and revoking the grant on a target stops the next send to it.
     */
    @Test
    void aSendIsDecidedOnItsTarget() throws InterruptedException {
        UdpEndpoint a = open();
        UdpEndpoint denied = open();
        UdpEndpoint allowed = open();
        owner.deniedNames.add(denied.localEndpoint().toString());
        ByteBuffer secret = text("secret");
        assertThat(errorOf(() -> a.send(denied.localEndpoint(), secret))).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(errorOf(() -> a.trySend(denied.localEndpoint(), secret))).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(secret.position()).isZero();
        assertThat(a.statistics().get(Counter.MESSAGES_OUT)).isZero();

        a.send(allowed.localEndpoint(), text("ok"));
        ByteBuffer in = ByteBuffer.allocate(16);
        assertThat(allowed.receive(in, Duration.ofSeconds(10))).isEqualTo(a.localEndpoint());
        assertThat(text(in)).isEqualTo("ok");
        assertThat(errorOf(() -> a.send(denied.localEndpoint(), text("again")))).isEqualTo(IpcError.PERMISSION_DENIED);

        owner.grants.get(allowed.localEndpoint().toString()).revoke();
        assertThat(errorOf(() -> a.send(allowed.localEndpoint(), text("late")))).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(owner.denials).contains(allowed.localEndpoint() + " send to");
        assertThat(a.statistics().get(Counter.MESSAGES_OUT)).isEqualTo(1);
        assertThat(denied.tryReceive(ByteBuffer.allocate(16))).isEmpty();

        UdpEndpoint elsewhere = open();
        a.send(elsewhere.localEndpoint(), text("elsewhere"));
        assertThat(errorOf(() -> a.send(allowed.localEndpoint(), text("later")))).as("a revoked target stays refused")
                .isEqualTo(IpcError.PERMISSION_DENIED);
    }

    /** A server answering clients in turn decides each client once, not at every change of target. */
    @Test
    void targetsSentToInTurnAreDecidedOnceEach() throws InterruptedException {
        UdpEndpoint a = open();
        UdpEndpoint b = open();
        UdpEndpoint c = open();
        int before = owner.decisions.get();
        for (int i = 0; i < 20; i++) {
            a.send((i % 2 == 0 ? b : c).localEndpoint(), text("m" + i));
        }
        assertThat(owner.decisions.get() - before).as("decisions for two targets").isEqualTo(2);
        assertThat(b.receive(ByteBuffer.allocate(16), Duration.ofSeconds(10))).isEqualTo(a.localEndpoint());
        assertThat(c.receive(ByteBuffer.allocate(16), Duration.ofSeconds(10))).isEqualTo(a.localEndpoint());
    }

    /** Linux takes the wildcard address as a target for this machine: no way past a rule on 127.0.0.1. */
    @Test
    void aSendToTheWildcardAddressIsRefused() {
        UdpEndpoint a = open();
        UdpEndpoint b = open();
        int port = b.localEndpoint().port();
        for (Endpoint wildcard : new Endpoint[] {Endpoint.udp("0.0.0.0", port), Endpoint.parse("udp://[::]:" + port)}) {
            assertThat(errorOf(() -> a.send(wildcard, text("x")))).isEqualTo(IpcError.INVALID_ARGUMENT);
        }
        assertThat(b.tryReceive(ByteBuffer.allocate(16))).isEmpty();
    }

    @Test
    void anAddressInUseIsReportedAsAlreadyExisting() {
        UdpEndpoint a = open();
        assertThatThrownBy(() -> open(a.localEndpoint(), DatagramOptions.DEFAULTS, Rights.READ_WRITE))
                .isInstanceOf(IpcException.class).hasMessageContaining(a.localEndpoint().toString())
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.ALREADY_EXISTS));
    }

    @Test
    void eachDatagramReachesAtMostOneOfManyReceiversUncorrupted() throws Exception {
        int senders = 8;
        int perSender = 2000;
        int receivers = 4;
        DatagramOptions options = DatagramOptions.DEFAULTS.withMaxDatagramSize(512)
                .withReceiveBufferBytes(4 * 1024 * 1024);
        UdpEndpoint out = open(ANY_PORT, options, Rights.READ_WRITE);
        UdpEndpoint in = open(ANY_PORT, options, Rights.READ_WRITE);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        List<String> problems = new CopyOnWriteArrayList<>();
        AtomicLong bytesSent = new AtomicLong();
        AtomicLong bytesReceived = new AtomicLong();
        AtomicInteger received = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean sendersDone = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < receivers; r++) {
            threads.add(new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocate(512);
                while (received.get() < senders * perSender) {
                    buf.clear();
                    try {
                        in.receive(buf, Duration.ofMillis(500));
                    } catch (IpcException e) {
                        if (e.error() == IpcError.TIMEOUT && sendersDone.get()) {
                            return;
                        }
                        if (e.error() != IpcError.TIMEOUT) {
                            problems.add(e.toString());
                        }
                        continue;
                    }
                    buf.flip();
                    bytesReceived.addAndGet(buf.remaining());
                    received.incrementAndGet();
                    long key = buf.getLong(0);
                    CRC32 crc = new CRC32();
                    crc.update(buf.slice(0, buf.limit() - 8));
                    if (crc.getValue() != buf.getLong(buf.limit() - 8)) {
                        problems.add("corrupted datagram " + key);
                    } else if (!seen.add(key)) {
                        problems.add("duplicate datagram " + key);
                    }
                }
            }, "udp-test-receiver-" + r));
        }
        List<Thread> sending = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            sending.add(new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocate(512);
                for (int i = 0; i < perSender; i++) {
                    int length = 16 + (i * 31 + sender * 7) % 400;
                    buf.clear().putLong(((long) sender << 32) | i);
                    for (int j = 8; j < length - 8; j++) {
                        buf.put((byte) (j * 13 + i + sender));
                    }
                    CRC32 crc = new CRC32();
                    crc.update(buf.array(), 0, length - 8);
                    buf.putLong(crc.getValue()).flip();
                    pace(sent, received);
                    out.send(in.localEndpoint(), buf);
                    sent.incrementAndGet();
                    bytesSent.addAndGet(length);
                }
            }, "udp-test-sender-" + s));
        }
        threads.addAll(sending);
        threads.forEach(Thread::start);
        for (Thread t : sending) {
            t.join();
        }
        sendersDone.set(true);
        for (Thread t : threads) {
            t.join();
        }

        assertThat(problems).isEmpty();
        assertThat(out.statistics().get(Counter.MESSAGES_OUT)).isEqualTo(senders * perSender);
        assertThat(out.statistics().get(Counter.BYTES_OUT)).isEqualTo(bytesSent.get());
        assertThat(in.statistics().get(Counter.MESSAGES_IN)).isEqualTo(received.get()).isEqualTo(seen.size());
        assertThat(in.statistics().get(Counter.BYTES_IN)).isEqualTo(bytesReceived.get());
        assertThat(in.statistics().get(Counter.ERRORS)).isZero();
        System.out.printf("%d of %d datagrams received%n", received.get(), senders * perSender);
        // UDP may lose datagrams; on loopback with a large buffer and paced senders nearly none are lost
        assertThat(received.get()).isGreaterThan(senders * perSender * 9 / 10);
    }

    /**
     * Keeps at most {@value #IN_FLIGHT} datagrams in flight, so the receive buffer does not
     * overflow; gives up after a while (a lost datagram stays "in flight" for ever).
     */
    private static void pace(AtomicInteger sent, AtomicInteger received) {
        for (int i = 0; i < 100 && sent.get() - received.get() > IN_FLIGHT; i++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits until a counter reaches a value (a receiver counts its wait just before waiting). */
    private static void awaitCounter(UdpEndpoint e, Counter counter, long value) throws InterruptedException {
        Supplier<Long> current = () -> e.statistics().get(counter);
        while (current.get() < value) {
            Thread.sleep(5);
        }
    }

    /** A caller context that records denials. */
    private static final class RecordingCaller implements CallerContext {
        private final PosixCaller delegate = new PosixCaller(LocalIdentity.currentProcess(),
                new QuotaLedger("test", Map.of()));
        final List<String> denials = new CopyOnWriteArrayList<>();
        /** Names the policy of the test denies. */
        final Set<String> deniedNames = ConcurrentHashMap.newKeySet();
        /** The grants decided, by name. */
        final Map<String, Grant> grants = new ConcurrentHashMap<>();
        /** Decisions made, denied ones included. */
        final AtomicInteger decisions = new AtomicInteger();

        @Override
        public IpcProcess process() {
            return delegate.process();
        }

        @Override
        public Grant authorize(ObjectType type, String name, Permissions permissions, int requested) {
            decisions.incrementAndGet();
            if (deniedNames.contains(name)) {
                throw IpcException.permissionDenied("use", type.label() + " '" + name + "'", process().toString());
            }
            Grant grant = delegate.authorize(type, name, permissions, requested);
            grants.put(name, grant);
            return grant;
        }

        @Override
        public void reserve(Quota quota, long amount) {
            delegate.reserve(quota, amount);
        }

        @Override
        public void release(Quota quota, long amount) {
            delegate.release(quota, amount);
        }

        @Override
        public void denied(ObjectType type, String name, String operation) {
            assertThat(type).isEqualTo(ObjectType.ENDPOINT);
            denials.add(name + " " + operation);
        }
    }
}
