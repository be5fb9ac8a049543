package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcException;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.channel.Channel;
import org.multios.ipc.channel.ChannelOptions;
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
 * the waiters' fence, the receivers' runs failed (a reply in every 25 000 to 85 000 unseen, in this
 * JVM and from another process); the senders' run has not been seen to fail.
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

    @Test
    void aSenderThatSleepsForRoomAtEveryMessageIsWokenForEachOne() throws Exception {
        long seed = System.nanoTime();
        System.out.println("LaneWakeUpTest seed " + seed);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        Channel c = lanes(2800, 2800); // two messages of 2 800 bytes at most: a send waits for room at every other
        ChannelHandle sleeper = (ChannelHandle) c.endA();
        sleeper.setWaitStrategy(WaitStrategy.BLOCK);
        sleeper.sliceNanos(HOUR);
        ChannelHandle drain = (ChannelHandle) c.endB();
        drain.setWaitStrategy(WaitStrategy.SPIN);
        CompletableFuture<Integer> drained = new CompletableFuture<>();
        // the drain copies each message into lines the sender has just written: its stores wait for
        // those lines while the reads after them (the sleeper count) run ahead
        byte[] contended = new byte[2800];
        Thread peer = BlockedCalls.start("lane-drain", drained, () -> {
            java.util.SplittableRandom late = random.split();
            for (int i = 0; i < ROUNDS; i++) {
                spin(late.nextInt(SPIN_RANGE));
                assertThat(drain.receive(contended, 0, contended.length, null, WAIT)).isEqualTo(contended.length);
            }
            return ROUNDS;
        });
        byte[] b = new byte[2800];
        for (int i = 0; i < ROUNDS; i++) {
            try {
                sleeper.send(b, 0, b.length, 0, WAIT);
            } catch (IpcException e) {
                throw new AssertionError("room for message " + i + " of " + ROUNDS + " never woke its sender (seed "
                        + seed + ")", e);
            }
            java.util.Arrays.fill(contended, (byte) i);
        }
        assertThat(drained.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ROUNDS);
        peer.join(WAIT.toMillis());
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
