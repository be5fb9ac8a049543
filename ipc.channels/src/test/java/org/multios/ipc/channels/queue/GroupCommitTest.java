package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/**
 * The group commit after a failed flush: the failure is reported to the queue's next send, and
 * the flush is tried again, so once the disk takes the pages again (Linux reports a failed
 * write-back once; a path that came back, a cleared error) the queue's sends are flushed and
 * succeed. Before, the send that met the failure threw before it marked the queue dirty, so no
 * flush was ever tried again: every later send of that handle failed with IO_ERROR, though its
 * message was queued (a sender retrying on the error queued copy after copy), and none was
 * flushed any more.
 */
@Timeout(60)
class GroupCommitTest {
    @Test
    void aFailedFlushIsReportedToTheNextSendAndTriedAgain() throws InterruptedException {
        AtomicInteger failuresLeft = new AtomicInteger(1);
        LinkedBlockingQueue<String> flushes = new LinkedBlockingQueue<>();
        try (GroupCommit group = new GroupCommit()) {
            DurabilityPolicy queue = group.member(() -> {
                if (failuresLeft.getAndDecrement() > 0) {
                    flushes.add("failed");
                    throw new IpcException(IpcError.IO_ERROR, "queue 'ledger': the disk said EIO");
                }
                flushes.add("flushed");
            });

            queue.published();
            assertThat(flushes.poll(20, TimeUnit.SECONDS)).as("the first window's flush").isEqualTo("failed");
            awaitFlusherParked(group); // it has recorded the failure

            assertThatThrownBy(queue::published).as("the next send hears of it")
                    .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.IO_ERROR))
                    .hasMessageContaining("EIO");
            assertThat(flushes.poll(20, TimeUnit.SECONDS)).as("the flush is tried again").isEqualTo("flushed");

            awaitFlusherParked(group);

            queue.published();
            assertThat(flushes.poll(20, TimeUnit.SECONDS)).as("later sends are flushed").isEqualTo("flushed");
        }
    }

    /**
     * A send that looked at the group commit before its close and offers its queue after the close
     * ended the flushing thread and flushed what was queued: the send flushes the queue itself.
     * Before, its queue stayed in the queue of dirty members for good, unflushed (the sends of a
     * mechanism's handles end their steps before the close, but mark their queue after them).
     */
    @Test
    void aSendThatOffersItsQueueAfterTheCloseFlushesItItself() throws Exception {
        AtomicInteger flushes = new AtomicInteger();
        CountDownLatch atOffer = new CountDownLatch(1);
        CountDownLatch closedNow = new CountDownLatch(1);
        GroupCommit group = new GroupCommit();
        DurabilityPolicy queue = group.member(flushes::incrementAndGet);
        group.offerHook(() -> {
            atOffer.countDown();
            try {
                assertThat(closedNow.await(20, TimeUnit.SECONDS)).as("closed").isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        CompletableFuture<Void> send = CompletableFuture.runAsync(queue::published,
                r -> new Thread(r, "group-commit-late-sender").start());
        assertThat(atOffer.await(20, TimeUnit.SECONDS)).as("the send looked and was not closed yet").isTrue();
        group.close();
        closedNow.countDown();
        send.get(20, TimeUnit.SECONDS);

        assertThat(flushes.get()).as("the late send's queue flushed").isEqualTo(1);
    }

    /** Waits until the flushing thread parks with nothing dirty: its last flush is done and recorded. */
    private static void awaitFlusherParked(GroupCommit group) {
        Thread flusher = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(GroupCommit.THREAD_NAME)).findFirst().orElseThrow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(flusher.getState() == Thread.State.WAITING && LockSupport.getBlocker(flusher) == group)) {
            assertThat(System.nanoTime() - deadline).as("the flusher parks again within 20 s").isNegative();
            Thread.onSpinWait();
        }
    }
}
