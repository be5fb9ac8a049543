package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessagePort;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.channel.Channel;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;

/**
 * Every wait strategy on a channel: kept in its file for the other end's process, overridable per
 * handle, a receiver woken after its budget ran out (slices of an hour), a sender waiting for
 * space, interrupts, timeouts, and the other end of an anonymous channel closing while it spins.
 */
@Timeout(60)
class ChannelWaitStrategyTest extends ChannelTestSupport {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    static Stream<WaitStrategy> strategies() {
        return Stream.of(WaitStrategy.BLOCK, WaitStrategy.SPIN, WaitStrategy.backoff(1), WaitStrategy.adaptive(1),
                WaitStrategy.ADAPTIVE);
    }

    private ChannelOptions options(WaitStrategy strategy) {
        return kind(ChannelOptions.ofBufferSize(256).withMaxMessageSize(64).withMaxMessages(2)
                .withWaitStrategy(strategy));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void theStrategyIsKeptForTheOtherEndAndShownInItsInfo(WaitStrategy strategy) {
        channels().create("kept", options(strategy));
        ChannelEnd b = channels(context()).open("kept", ChannelSide.B);
        assertThat(b.waitStrategy()).isEqualTo(strategy);
        assertThat(b.options().waitStrategy()).isEqualTo(strategy);
        assertThat(b.info().waitStrategy()).contains(strategy);
        b.setWaitStrategy(WaitStrategy.SPIN);
        assertThat(b.waitStrategy()).isEqualTo(WaitStrategy.SPIN);
        assertThat(b.info().waitStrategy()).as("the channel's").contains(strategy);
    }

    @Test
    void withoutOneAChannelTakesThePlatformDefault() {
        Channel c = channels().create(kind(ChannelOptions.ofBufferSize(256)));
        assertThat(c.endA().waitStrategy()).isEqualTo(WaitStrategy.ADAPTIVE);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aReceiverGetsTheMessageWhateverItsPhase(WaitStrategy strategy) throws Exception {
        Channel c = channels().create(options(strategy));
        ChannelHandle b = (ChannelHandle) c.endB();
        b.sliceNanos(HOUR);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        Thread t = BlockedCalls.start("ch-receiver", got, () -> b.receive(new byte[64], 0, 64, null));
        if (strategy.sleeps()) {
            KernelSleep.awaitAsleep(t, -1); // its budget ran out: asleep, a send must wake it
        } else {
            awaitWaiting(b);
        }
        c.endA().send(new byte[9], 0, 9, 0);
        assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(9);
    }

    /** The blocking receive in place waits as the copying one does and hands the message over, once. */
    @ParameterizedTest
    @MethodSource("strategies")
    void aReceiverInPlaceGetsTheMessageWhateverItsPhase(WaitStrategy strategy) throws Exception {
        Channel c = channels().create(options(strategy));
        ChannelHandle b = (ChannelHandle) c.endB();
        b.sliceNanos(HOUR);
        CompletableFuture<Long> got = new CompletableFuture<>();
        Thread t = BlockedCalls.start("ch-receiver-in-place", got, () -> {
            long[] seen = new long[2];
            b.receive((m, info) -> {
                seen[0] += m.getLong(0);
                seen[1] += info.priority();
            });
            return seen[0] * 10 + seen[1];
        });
        if (strategy.sleeps()) {
            KernelSleep.awaitAsleep(t, -1); // its budget ran out: asleep, a send must wake it
        } else {
            awaitWaiting(b);
        }
        MessageClaim claim = c.endA().tryClaim(8, 3);
        claim.putLong(0, 42);
        claim.commit();
        assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(423);
        assertThat(b.tryReceive(new byte[64], 0, 64, null)).as("handed over once").isEqualTo(MessagePort.NO_MESSAGE);
    }

    /** The timed form: TIMEOUT with nothing sent (zero: one attempt), BUSY inside its own handler, a handler required. */
    @Test
    void aTimedReceiveInPlaceTimesOutAndRefusesWhatItCannotDo() {
        Channel c = channels().create(options(WaitStrategy.SPIN));
        ChannelEnd b = c.endB();
        assertThat(assertThrows(() -> b.receive((m, info) -> { }, Duration.ZERO)).error()).isEqualTo(IpcError.TIMEOUT);
        assertThat(assertThrows(() -> b.receive((MessageHandler) null)).error()).isEqualTo(IpcError.INVALID_ARGUMENT);
        assertThat(assertThrows(() -> b.receive((m, info) -> { }, Duration.ofSeconds(-1))).error())
                .isEqualTo(IpcError.INVALID_ARGUMENT);

        c.endA().send(new byte[8], 0, 8, 0);
        c.endA().send(new byte[8], 0, 8, 0);
        IpcError[] inner = new IpcError[1];
        b.receive((m, info) -> inner[0] = assertThrows(() -> b.receive((m2, i2) -> { }, Duration.ofSeconds(5))).error(),
                Duration.ofSeconds(5));
        assertThat(inner[0]).isEqualTo(IpcError.BUSY);
        assertThat(b.drain((m, info) -> { }, 5)).as("the second message stayed").isEqualTo(1);
    }

    private static IpcException assertThrows(Runnable call) {
        try {
            call.run();
        } catch (IpcException e) {
            return e;
        }
        throw new AssertionError("no IpcException");
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aSenderWaitsForSpaceWhateverItsPhase(WaitStrategy strategy) throws Exception {
        Channel c = channels().create(options(strategy));
        ChannelHandle a = (ChannelHandle) c.endA();
        a.sliceNanos(HOUR);
        while (a.trySend(new byte[1], 0, 1, 0)) {
            // fills the direction (2 messages; a lane: as many as its ring of records holds)
        }
        CompletableFuture<Boolean> sent = new CompletableFuture<>();
        Thread t = BlockedCalls.start("ch-sender", sent, () -> {
            a.send(new byte[2], 0, 2, 0);
            return true;
        });
        if (strategy.sleeps()) {
            KernelSleep.awaitAsleep(t, -1);
        }
        c.endB().receive(new byte[64], 0, 64, null);
        assertThat(sent.get(20, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void interruptsAndTimeoutsEndTheWait(WaitStrategy strategy) throws Exception {
        Channel c = channels().create(options(strategy));
        failsWith(IpcError.TIMEOUT, () -> c.endB().receive(new byte[64], 0, 64, null, Duration.ofMillis(20)));
        CompletableFuture<Integer> got = new CompletableFuture<>();
        Thread t = BlockedCalls.start("ch-interrupted", got, () -> c.endB().receive(new byte[64], 0, 64, null));
        awaitWaiting(c.endB(), 2);
        t.interrupt();
        assertFails(got, IpcError.INTERRUPTED);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void theOtherEndClosingEndsTheWaitWithClosed(WaitStrategy strategy) throws Exception {
        Channel c = channels().create(options(strategy));
        ((ChannelHandle) c.endB()).sliceNanos(HOUR);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        BlockedCalls.start("ch-closed", got, () -> c.endB().receive(new byte[64], 0, 64, null));
        awaitWaiting(c.endB());
        c.endA().close();
        assertFails(got, IpcError.CLOSED);
    }

    private static void awaitWaiting(ChannelEnd end) throws InterruptedException {
        awaitWaiting(end, 1);
    }

    private static void awaitWaiting(ChannelEnd end, long waits) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (end.info().statistics().get(Counter.WAITS) < waits) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no wait counted within 20 s");
            }
            Thread.sleep(1);
        }
    }

    private static void assertFails(CompletableFuture<?> result, IpcError error) throws Exception {
        try {
            result.get(20, TimeUnit.SECONDS);
            throw new AssertionError("the wait ended without " + error);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class, x -> assertThat(x.error())
                    .isEqualTo(error));
        }
    }
}
