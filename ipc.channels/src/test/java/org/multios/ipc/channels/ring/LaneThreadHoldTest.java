package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.channels.ring.LaneDescriptor.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.spi.VirtualThreads;

/**
 * A side held across the caller's code (a claim, a handler reading in place) is the holding
 * thread's, whatever attachment of the lane it was taken through: every handle of a channel
 * attaches a lane of its own, in this JVM as in other processes. A thread that ended holding one
 * holds nobody up through any attachment, and the thread that holds one is told so
 * ({@link RingStatus#HELD_BY_THIS_THREAD}) through any attachment instead of waiting for itself.
 * A virtual thread (Java 21 and later) has no operating-system thread of its own: its hold names
 * the process, never a carrier that may end while it lives (the tests of virtual threads are
 * skipped on Java 17).
 */
@Timeout(30)
class LaneThreadHoldTest {
    private static final long BASE = 128;
    private static final int CAPACITY = 256;
    private static final long SENDER = LaneRing.sender(ProcessKind.OS_PROCESS, 4242);
    private static final long WITHIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    @TempDir
    Path dir;

    private MappedRegion region;

    private LaneRing lane() throws IOException {
        long length = BASE + LaneDescriptor.length(CAPACITY);
        region = TestRegions.created(dir.resolve("lane"), length);
        return LaneRing.initialize(region, BASE, CAPACITY, 40, "lane test");
    }

    private LaneRing attach() {
        return LaneRing.attach(region, BASE, LaneDescriptor.length(CAPACITY), "lane test");
    }

    /** Runs {@code what} on a thread of its own and waits until that thread has ended. */
    private static void onAThreadThatEnds(Runnable what) throws InterruptedException {
        Thread t = new Thread(what, "lane-test-holder");
        t.start();
        t.join(20_000);
        assertThat(t.isAlive()).isFalse();
    }

    /**
     * Tries {@code offer} until it sends, for at most 10 s (the side is taken over once the
     * operating system no longer knows the ended thread, and its liveness is read at most once
     * a millisecond), and returns the last status.
     */
    private static int offerUntilSent(LaneRing lane, byte[] message) {
        long end = System.nanoTime() + WITHIN_NANOS;
        int status;
        while ((status = lane.offer(message, 0, message.length, 0, SENDER, 1)) != RingStatus.SENT
                && System.nanoTime() - end < 0) {
            LockSupport.parkNanos(100_000);
        }
        return status;
    }

    @Test
    void aClaimLeftOpenByAThreadThatEndedIsTakenOverThroughAnotherAttachment() throws Exception {
        LaneRing first = lane();
        LaneRing second = attach();
        AtomicLong claimed = new AtomicLong();
        onAThreadThatEnds(() -> claimed.set(first.claimCleared(8, 0, SENDER, 1)));
        assertThat(claimed.get()).isNotNegative();

        assertThat(offerUntilSent(second, new byte[] { 7 })).as("a send through the other attachment").isEqualTo(RingStatus.SENT);
        byte[] got = new byte[40];
        assertThat(first.poll(got, 0, 40, null)).as("only the message sent: the claim was never published").isEqualTo(1);
        assertThat(got[0]).isEqualTo((byte) 7);
        assertThat(first.poll(got, 0, 40, null)).isEqualTo(RingStatus.EMPTY);
    }

    @Test
    void aTakeLeftOpenByAThreadThatEndedIsTakenOverThroughAnotherAttachment() throws Exception {
        LaneRing first = lane();
        LaneRing second = attach();
        assertThat(first.offer(new byte[] { 1 }, 0, 1, 0, SENDER, 1)).isEqualTo(RingStatus.SENT);
        assertThat(first.offer(new byte[] { 2 }, 0, 1, 0, SENDER, 1)).isEqualTo(RingStatus.SENT);
        onAThreadThatEnds(() -> assertThat(first.take(40, null)).isNotNegative());

        byte[] got = new byte[40];
        long end = System.nanoTime() + WITHIN_NANOS;
        int status;
        while ((status = second.poll(got, 0, 40, null)) == RingStatus.EMPTY && System.nanoTime() - end < 0) {
            LockSupport.parkNanos(100_000);
        }
        assertThat(status).as("a receive through the other attachment").isEqualTo(1);
        assertThat(got[0]).as("the message the ended thread was reading is lost, never delivered twice").isEqualTo((byte) 2);
    }

    @Test
    void aThreadHoldingASideIsToldSoThroughAnotherAttachment() throws Exception {
        LaneRing first = lane();
        LaneRing second = attach();
        long claim = first.claimCleared(8, 0, SENDER, 1);
        assertThat(claim).isNotNegative();
        assertThat(second.offer(new byte[1], 0, 1, 0, SENDER, 1)).isEqualTo(RingStatus.HELD_BY_THIS_THREAD);
        assertThat(second.claimCleared(1, 0, SENDER, 1)).isEqualTo(RingStatus.HELD_BY_THIS_THREAD);
        first.commit(claim);

        long taken = second.take(40, null);
        assertThat(taken).isNotNegative();
        assertThat(first.poll(new byte[40], 0, 40, null)).isEqualTo(RingStatus.HELD_BY_THIS_THREAD);
        assertThat(first.take(40, null)).isEqualTo(RingStatus.HELD_BY_THIS_THREAD);
        second.consumed(taken);
        assertThat(first.isEmpty()).isTrue();
    }

    @Test
    void aLiveThreadsClaimHoldsOtherThreadsOfItsProcessOff() throws Exception {
        LaneRing first = lane();
        LaneRing second = attach();
        long claim = first.claimCleared(8, 0, SENDER, 1);
        int[] status = new int[1];
        onAThreadThatEnds(() -> status[0] = second.offer(new byte[1], 0, 1, 0, SENDER, 1));
        assertThat(status[0]).as("another thread, through another attachment").isEqualTo(RingStatus.FULL);
        first.commit(claim);
        assertThat(offerUntilSent(second, new byte[1])).isEqualTo(RingStatus.SENT);
    }

    /**
     * A side held within one call names the process, and the main thread's own word is the
     * process's: only the across-code mark tells them apart. A thread that finds its own word
     * unmarked (here written by hand; in use, another thread's copy in flight where this thread
     * is the main thread) waits as for anyone else, and is not told it holds the side.
     */
    @Test
    void aSideHeldWithinACallIsNeverTakenForThisThreadsOwn() throws Exception {
        LaneRing lane = lane();
        long home = region.getLong(BASE + HOME_NAMESPACE_OFFSET);
        long unmarked = ProcessLiveness.system().currentThreadWord(home);
        region.putLongVolatile(BASE + SENDER_OFFSET, unmarked);
        assertThat(lane.offer(new byte[1], 0, 1, 0, SENDER, 1)).isEqualTo(RingStatus.FULL);
        region.putLongVolatile(BASE + SENDER_OFFSET, unmarked | LaneSides.ACROSS_CODE);
        assertThat(lane.offer(new byte[1], 0, 1, 0, SENDER, 1)).isEqualTo(RingStatus.HELD_BY_THIS_THREAD);
    }

    /** A process outside the lane's home namespaces judges no word, and still takes over from its own ended thread. */
    @Test
    void aProcessOutsideTheLanesNamespacesTakesOverFromItsOwnEndedClaimer() throws Exception {
        lane();
        region.putLong(BASE + HOME_NAMESPACE_OFFSET, ProcessLiveness.system().namespaces() ^ 1); // made elsewhere
        LaneRing foreign = attach();
        AtomicLong claimed = new AtomicLong();
        onAThreadThatEnds(() -> claimed.set(foreign.claimCleared(8, 0, SENDER, 1)));
        assertThat(claimed.get()).isNotNegative();
        assertThat(offerUntilSent(foreign, new byte[] { 7 })).as("through the attachment it claimed through")
                .isEqualTo(RingStatus.SENT);
    }

    // ------------------------------------------------------------------ virtual threads (Java 21+)

    private static Thread startVirtual(Runnable r) throws Exception {
        return VirtualThreads.start(r);
    }

    /**
     * A virtual thread's claim names this process (with the across-code mark), never the carrier
     * it runs on: before, the carrier's word was written, and once that carrier ended (idle
     * carriers retire after 30 s) another sender took the live claim over, both wrote the lane,
     * and one message was delivered again and again while another was lost. Other threads,
     * virtual or not, through this attachment or another, find the lane full; none is told it
     * holds the side (before: a virtual thread that had run on the same carrier was).
     */
    @Test
    void aVirtualThreadsClaimNamesItsProcessAndHoldsEveryoneElseOff() throws Exception {
        LaneRing first = lane();
        LaneRing second = attach();
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong at = new AtomicLong(Long.MIN_VALUE);
        Thread holder = startVirtual(() -> {
            at.set(first.claimCleared(8, 0, SENDER, 1));
            claimed.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            first.commit(at.get());
        });
        try {
            assertThat(claimed.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(at.get()).isNotNegative();
            long home = region.getLong(BASE + HOME_NAMESPACE_OFFSET);
            assertThat(region.getLongVolatile(BASE + SENDER_OFFSET)).as("the owner word of the virtual thread's claim")
                    .isEqualTo(ProcessLiveness.system().currentProcessWord(home) | LaneSides.ACROSS_CODE);
            int[] status = new int[4];
            startVirtual(() -> {
                status[0] = first.offer(new byte[1], 0, 1, 0, SENDER, 1);
                status[1] = second.offer(new byte[1], 0, 1, 0, SENDER, 1);
            }).join(20_000);
            onAThreadThatEnds(() -> status[2] = second.offer(new byte[1], 0, 1, 0, SENDER, 1));
            status[3] = first.offer(new byte[1], 0, 1, 0, SENDER, 1);
            assertThat(status).as("other virtual threads, a platform thread, this thread").containsOnly(RingStatus.FULL);
        } finally {
            done.countDown();
            holder.join(20_000);
        }
        byte[] got = new byte[40];
        assertThat(first.poll(got, 0, 40, null)).isEqualTo(8);
        assertThat(first.poll(got, 0, 40, null)).isEqualTo(RingStatus.EMPTY);
    }

    /** A claim left open by a virtual thread that ended is taken over through the attachment it claimed through. */
    @Test
    void aClaimLeftOpenByAVirtualThreadThatEndedIsTakenOver() throws Exception {
        LaneRing first = lane();
        AtomicLong claimed = new AtomicLong(Long.MIN_VALUE);
        Thread t = startVirtual(() -> claimed.set(first.claimCleared(8, 0, SENDER, 1)));
        t.join(20_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(claimed.get()).isNotNegative();
        assertThat(offerUntilSent(first, new byte[] { 7 })).isEqualTo(RingStatus.SENT);
        byte[] got = new byte[40];
        assertThat(first.poll(got, 0, 40, null)).isEqualTo(1);
        assertThat(got[0]).isEqualTo((byte) 7);
    }

    /** A virtual thread holding a side is told so when it sends again through that attachment. */
    @Test
    void aVirtualThreadHoldingASideIsToldSo() throws Exception {
        LaneRing first = lane();
        int[] status = new int[1];
        startVirtual(() -> {
            long at = first.claimCleared(8, 0, SENDER, 1);
            status[0] = first.offer(new byte[1], 0, 1, 0, SENDER, 1);
            first.abort(at);
        }).join(20_000);
        assertThat(status[0]).isEqualTo(RingStatus.HELD_BY_THIS_THREAD);
    }
}
