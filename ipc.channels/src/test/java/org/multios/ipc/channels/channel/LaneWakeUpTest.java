package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcException;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.channel.Channel;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channels.ring.MessageRing;
import org.multios.ipc.channels.ring.PortRules;
import org.multios.ipc.channels.ring.RingSignals;
import org.multios.ipc.core.mapped.ProcessFence;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.ChildProcesses;

/**
 * A lane's senders and receivers hand their side back with no fence of their own, and read the
 * sleeper counts right after: a processor may let those reads pass the stores, so it is the
 * waiter about to sleep that fences them (LaneSides). These runs race a waiter that sleeps at
 * every message against a spinning peer that makes the message (or the room) a few hundred
 * nanoseconds later, tens of thousands of times, with sleeps of an hour: one wake-up lost leaves
 * the waiter asleep and the peer waiting for it, and the run fails at the peer's timeout. Without
 * the waiters' fence each run failed: a reply in every 25 000 to 85 000 unseen (in this JVM and
 * from another process), room unseen within 14 000 to 490 000 rounds.
 */
@Timeout(300)
class LaneWakeUpTest extends ChannelTestSupport {
    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(ChannelChildMain.class);
    /** Children that do not register for the fence across processes: they fence their own hand-backs. */
    @RegisterExtension
    final ChildProcesses unregistered = new ChildProcesses(ChannelChildMain.class,
            "-D" + ProcessFence.UNREGISTERED_PROPERTY + "=true");

    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Without the waiters' fence, a reply in about 40 000 goes unseen here: a run of 200 000 misses one by chance 1 time in 150. */
    private static final int ROUNDS = 200_000;
    /**
     * Rounds of the senders' run, within a budget of time: alone on this machine, 600 000 rounds
     * take about 5 s; on a busy one the budget ends the run first (fewer rounds, never a timeout).
     */
    private static final int SENDER_ROUNDS = 600_000;
    private static final long SENDER_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** The spin steps the waiter may add before it waits: where in the peer's publishing it counts itself in. */
    private static final int SPIN_RANGE = 30;

    private Channel lanes(int bufferSize, int maxMessageSize) {
        return channels().create(ChannelOptions.ofBufferSize(bufferSize).withMaxMessageSize(maxMessageSize)
                .withLane(true));
    }

    /** Spins {@code n} short steps. */
    private static void spin(int n) {
        for (int i = 0; i < n; i++) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aReceiverThatSleepsAtEveryMessageIsWokenForEachReply() throws Exception {
        long seed = System.nanoTime();
        System.out.println("LaneWakeUpTest seed " + seed);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        Channel c = lanes(16384, 2048);
        ChannelHandle sleeper = (ChannelHandle) c.endA();
        sleeper.setWaitStrategy(WaitStrategy.BLOCK);
        sleeper.sliceNanos(HOUR);
        ChannelHandle echo = (ChannelHandle) c.endB();
        echo.setWaitStrategy(WaitStrategy.SPIN);
        CompletableFuture<Integer> echoed = new CompletableFuture<>();
        Thread peer = BlockedCalls.start("lane-echo", echoed, () -> {
            byte[] b = new byte[2048];
            for (int i = 0; i < ROUNDS; i++) {
                echo.receive(b, 0, b.length, null, WAIT);
                echo.send(b, 0, b.length, 0, WAIT); // a long copy: its stores wait while the reads after them run
            }
            return ROUNDS;
        });
        byte[] b = new byte[2048];
        for (int i = 0; i < ROUNDS; i++) {
            ByteBuffer.wrap(b).putInt(0, i);
            sleeper.send(b, 0, 8, 0, WAIT);
            spin(random.nextInt(SPIN_RANGE));
            try {
                assertThat(sleeper.receive(b, 0, b.length, null, WAIT)).isEqualTo(b.length);
            } catch (IpcException e) {
                throw new AssertionError("reply " + i + " of " + ROUNDS + " never woke its receiver (seed " + seed + ")", e);
            }
            assertThat(ByteBuffer.wrap(b).getInt(0)).isEqualTo(i);
        }
        assertThat(echoed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ROUNDS);
        peer.join(WAIT.toMillis());
    }

    /**
     * The same for room: each round the lane is full, and the receiver takes one message (room
     * for exactly one more) while the sender sends one, both started together, the sender offset
     * by a number of spins that follows where it counts itself in (one step later when the
     * receiver saw it and bumped the space sequence, one earlier when not), so that most rounds
     * land where the receiver's hand-back and the sender's count-in cross. The receiver copies
     * into lines the sender has just written, so its stores wait and its read of the senders'
     * count runs ahead of them. The send has no deadline: a wake-up lost never returns, and the
     * test's timeout interrupts it. Without the waiters' fence it hung at rounds 14 000 to
     * 490 000; a sender that waits with a deadline would only have stalled to it (a timed wait
     * tries once more before it reports a timeout).
     */
    @Test
    void aSenderWhoseCountInCrossesTheReceiversHandBackIsWoken() throws Exception {
        long seed = System.nanoTime();
        System.out.println("LaneWakeUpTest seed " + seed);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int size = 2048 - 24; // a record of 2 048 bytes
        Channel c = channels().create(ChannelOptions.ofBufferSize(size).withMaxMessageSize(size).withLane(true));
        ChannelHandle sleeper = (ChannelHandle) c.endA();
        sleeper.setWaitStrategy(WaitStrategy.BLOCK);
        sleeper.sliceNanos(HOUR);
        ChannelHandle drain = (ChannelHandle) c.endB();
        drain.setWaitStrategy(WaitStrategy.SPIN);
        byte[] b = new byte[size];
        while (sleeper.trySend(b, 0, size, 0)) {
            // fills the lane
        }
        RingSignals signals = outboundSignals(sleeper);
        AtomicInteger go = new AtomicInteger(-1);
        byte[] contended = new byte[size];
        CompletableFuture<Integer> drained = new CompletableFuture<>();
        Thread peer = BlockedCalls.start("lane-drain", drained, () -> {
            int i = 0;
            while (awaitRound(go, i) >= 0) {
                assertThat(drain.receive(contended, 0, size, null, WAIT)).isEqualTo(size);
                i++;
            }
            return i;
        });
        int offset = 50;
        long end = System.nanoTime() + SENDER_BUDGET_NANOS;
        int rounds = 0;
        for (int i = 0; i < SENDER_ROUNDS && System.nanoTime() - end < 0; i++, rounds++) {
            int sequence = signals.spaceSequence();
            Arrays.fill(contended, (byte) i);
            go.set(i);
            spin(Math.max(0, offset + random.nextInt(17) - 8));
            sleeper.send(b, 0, size, 0);
            offset += signals.spaceSequence() != sequence ? 1 : offset > 0 ? -1 : 0;
        }
        go.set(-2); // no more rounds
        assertThat(drained.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(rounds);
        System.out.println("LaneWakeUpTest senders' rounds " + rounds);
        peer.join(WAIT.toMillis());
    }

    /**
     * Waits until round {@code i} starts ({@code go} reads {@code i}), spinning, then yielding to
     * a descheduled peer on a busy machine: {@code i}, or -1 once there are no more rounds.
     */
    private static int awaitRound(AtomicInteger go, int i) {
        for (int spins = 0;; spins++) {
            int g = go.get();
            if (g == i || g == -2) {
                return g == i ? i : -1;
            }
            if (spins < 10_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** The signals of the ring {@code end} sends to. */
    private static RingSignals outboundSignals(ChannelHandle end) throws ReflectiveOperationException {
        Field f = PortRules.class.getDeclaredField("outbound");
        f.setAccessible(true);
        return ((MessageRing) f.get(end)).signals();
    }

    /**
     * The same race between processes (the fence reaches the other JVM's threads): the spinning
     * echo in a child that registered for the fence (its hand-backs have none), or in one that
     * did not (its hand-backs fence themselves).
     */
    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void aReceiverWhoseRepliesComeFromAnotherProcessIsWokenForEachOne(boolean registered) throws Exception {
        long seed = System.nanoTime();
        System.out.println("LaneWakeUpTest seed " + seed);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int rounds = ROUNDS / 2;
        ChannelHandle sleeper = (ChannelHandle) channels().create("wake",
                ChannelOptions.ofBufferSize(16384).withMaxMessageSize(ChannelChildMain.SPIN_REPLY).withLane(true));
        sleeper.setWaitStrategy(WaitStrategy.BLOCK);
        sleeper.sliceNanos(HOUR);
        ChildProcesses launcher = registered ? children : unregistered;
        Process child = launcher.startJava("spin", root, tempDir.resolve("spin.log"), "spin", "wake",
                Integer.toString(rounds));
        byte[] b = new byte[ChannelChildMain.SPIN_REPLY];
        for (int i = 0; i < rounds; i++) {
            sleeper.send(b, 0, 8, 0, WAIT);
            spin(random.nextInt(SPIN_RANGE));
            try {
                assertThat(sleeper.receive(b, 0, b.length, null, WAIT)).isEqualTo(b.length);
            } catch (IpcException e) {
                throw new AssertionError("reply " + i + " of " + rounds + " from a" + (registered ? " registered" : "n unregistered")
                        + " process never woke its receiver (seed " + seed + ")", e);
            }
        }
        launcher.awaitLine(child, "spun");
    }
}
