package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;

/**
 * Every wait strategy on a queue: kept in the file and seen by other processes, overridable per
 * handle, and every way a wait ends (a message, a budget that ran out then a send, interrupt,
 * timeout, closing). Sleepers' slices are an hour, so a lost wake-up fails instead of costing a
 * slice.
 */
@Timeout(60)
class QueueWaitStrategyTest extends QueueTestSupport {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    static Stream<WaitStrategy> strategies() {
        return Stream.of(WaitStrategy.BLOCK, WaitStrategy.SPIN, WaitStrategy.backoff(1), WaitStrategy.adaptive(1),
                WaitStrategy.ADAPTIVE);
    }

    /** The strategies that end in the kernel, with budgets that run out at once. */
    static Stream<WaitStrategy> sleeping() {
        return Stream.of(WaitStrategy.BLOCK, WaitStrategy.backoff(1), WaitStrategy.adaptive(1));
    }

    private QueueHandle create(String name, WaitStrategy strategy) {
        QueueHandle q = (QueueHandle) queues().create(name, QueueOptions.of(64, 2).withWaitStrategy(strategy));
        q.sliceNanos(HOUR);
        return q;
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void theStrategyIsKeptInTheFileForEveryProcess(WaitStrategy strategy) {
        create("kept", strategy);
        MessageQueue other = queues(context()).open("kept");
        assertThat(other.waitStrategy()).isEqualTo(strategy);
        assertThat(other.info().waitStrategy()).isEqualTo(Optional.of(strategy));
    }

    @Test
    void aHandleOverridesTheStrategyForItselfOnly() {
        QueueHandle q = (QueueHandle) queues().create("plain", QueueOptions.of(64, 2));
        assertThat(q.waitStrategy()).as("platform default").isEqualTo(WaitStrategy.ADAPTIVE);
        MessageQueue other = queues().open("plain");
        q.setWaitStrategy(WaitStrategy.SPIN);
        assertThat(q.waitStrategy()).isEqualTo(WaitStrategy.SPIN);
        assertThat(other.waitStrategy()).isEqualTo(WaitStrategy.ADAPTIVE);
        assertThat(q.info().waitStrategy()).as("the object's").contains(WaitStrategy.ADAPTIVE);
        q.setWaitStrategy(null);
        assertThat(q.waitStrategy()).isEqualTo(WaitStrategy.ADAPTIVE);
    }

    @ParameterizedTest
    @MethodSource("sleeping")
    void aReceiverWhoseBudgetRanOutSleepsAndASendWakesIt(WaitStrategy strategy) throws Exception {
        QueueHandle q = create("wake", strategy);
        QueueHandle sender = (QueueHandle) queues(context()).open("wake");
        CompletableFuture<Integer> got = new CompletableFuture<>();
        Thread t = BlockedCalls.start("q-sleeper", got, () -> q.receive(new byte[64], 0, 64, new MessageInfo()));
        KernelSleep.awaitAsleep(t, availableSequence(q));
        sender.send(new byte[7], 0, 7, 0);
        assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(7);
    }

    @ParameterizedTest
    @MethodSource("sleeping")
    void aSenderWhoseBudgetRanOutSleepsAndAReceiveWakesIt(WaitStrategy strategy) throws Exception {
        QueueHandle q = create("space", strategy);
        q.send(new byte[1], 0, 1, 0);
        q.send(new byte[1], 0, 1, 0);
        CompletableFuture<Boolean> sent = new CompletableFuture<>();
        Thread t = BlockedCalls.start("q-full", sent, () -> {
            q.send(new byte[3], 0, 3, 0);
            return true;
        });
        KernelSleep.awaitAsleep(t, q.file().region()
                .address(QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.SPACE_SEQUENCE_OFFSET));
        queues(context()).open("space").receive(new byte[64], 0, 64, null);
        assertThat(sent.get(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSpinningReceiverNeverCountsItselfInAndGetsTheMessage() throws Exception {
        QueueHandle q = create("spin", WaitStrategy.SPIN);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        BlockedCalls.start("q-spinner", got, () -> q.receive(new byte[64], 0, 64, null));
        awaitWaiting(q);
        assertThat(q.file().ring().signals().receiversSleeping()).as("a spinner is no sleeper").isZero();
        int before = q.file().ring().signals().availableSequence();
        queues(context()).open("spin").send(new byte[5], 0, 5, 0);
        assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(q.file().ring().signals().availableSequence()).as("no sleeper: the sequence stays").isEqualTo(before);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void anInterruptEndsTheWait(WaitStrategy strategy) throws Exception {
        // a sleeper notices an interrupt between slices (the kernel sleep does not): default slices
        QueueHandle q = (QueueHandle) queues().create("interrupt", QueueOptions.of(64, 2).withWaitStrategy(strategy));
        CompletableFuture<Integer> got = new CompletableFuture<>();
        Thread t = BlockedCalls.start("q-interrupted", got, () -> q.receive(new byte[64], 0, 64, null));
        awaitWaiting(q);
        t.interrupt();
        assertFails(got, IpcError.INTERRUPTED);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aTimeoutEndsTheWait(WaitStrategy strategy) throws Exception {
        QueueHandle q = create("timeout", strategy);
        assertThat(failsWith(IpcError.TIMEOUT, () -> q.receive(new byte[64], 0, 64, null, Duration.ofMillis(20))))
                .hasMessageContaining("timeout");
        q.send(new byte[1], 0, 1, 0);
        q.send(new byte[1], 0, 1, 0);
        failsWith(IpcError.TIMEOUT, () -> q.send(new byte[1], 0, 1, 0, Duration.ofMillis(20)));
        assertThat(q.info().statistics().get(Counter.TIMEOUTS)).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void closingTheHandleEndsItsWaitWithClosed(WaitStrategy strategy) throws Exception {
        QueueHandle q = create("closed", strategy);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        BlockedCalls.start("q-closed", got, () -> q.receive(new byte[64], 0, 64, null));
        awaitWaiting(q);
        q.close();
        assertFails(got, IpcError.CLOSED);
    }

    /** Until the queue counted the wait (the receiver found nothing and began to wait). */
    private static void awaitWaiting(MessageQueue q) throws InterruptedException {
        await(() -> q.info().statistics().get(Counter.WAITS) >= 1);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within 20 s");
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

    private static long availableSequence(QueueHandle q) {
        return q.file().region()
                .address(QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.AVAILABLE_SEQUENCE_OFFSET);
    }
}
