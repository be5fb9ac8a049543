package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.channels.ring.LaneDescriptor.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;

/**
 * A side held across the caller's code (a claim, a handler reading in place) is the holding
 * thread's, whatever attachment of the lane it was taken through: every handle of a channel
 * attaches a lane of its own, in this JVM as in other processes. A thread that ended holding one
 * holds nobody up through any attachment, and the thread that holds one is told so
 * ({@link RingStatus#HELD_BY_THIS_THREAD}) through any attachment instead of waiting for itself.
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
        try (FileChannel ch = FileChannel.open(dir.resolve("lane"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1]), length - 1);
            region = MappedRegion.map(ch, length, true);
        }
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
}
