package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * A lane's holders hand their side back with no fence of their own, so a holder may read the
 * sleeper counts before a waiter's count is seen, and miss it ({@link LaneSides}). An attachment
 * that cannot fence the other processes for its waiters has its watch's sweep wake them instead:
 * a receiver asleep while a message is queued, a sender asleep while there is room. The missed
 * wake-up is played here by a message published while no receiver was counted in.
 */
@Timeout(30)
class LaneSweepWakeTest {
    private static final long BASE = 128;
    private static final int CAPACITY = 256;
    private static final long SENDER = LaneRing.sender(ProcessKind.OS_PROCESS, 4242);

    @TempDir
    Path dir;

    private MappedRegion region;

    private LaneRing lane() throws IOException {
        region = TestRegions.created(dir.resolve("lane"), BASE + LaneDescriptor.length(CAPACITY));
        return LaneRing.initialize(region, BASE, CAPACITY, 40, "lane test");
    }

    private LaneRing attach(boolean fences) {
        return LaneRing.attach(region, BASE, LaneDescriptor.length(CAPACITY), "lane test", 0, fences);
    }

    @Test
    void aReceiverMissedByTheSenderIsWokenByTheSweepWhereItsAttachmentCannotFence() throws IOException {
        LaneRing sender = lane();
        LaneRing waiter = attach(false);
        RingSignals signals = waiter.signals();
        int before = signals.availableSequence();
        assertThat(sender.offer(new byte[8], 0, 8, 0, SENDER, 1)).isEqualTo(RingStatus.SENT);
        signals.receiversSleeping(1); // counted in too late for the sender to see: it woke nobody
        assertThat(signals.availableSequence()).isEqualTo(before);

        waiter.sweepForSleepers();

        assertThat(signals.availableSequence()).as("the sleeper's sequence moved: woken").isNotEqualTo(before);
    }

    @Test
    void aSenderMissedByTheReceiverIsWokenByTheSweepWhileThereIsRoom() throws IOException {
        LaneRing sender = lane();
        LaneRing waiter = attach(false);
        RingSignals signals = waiter.signals();
        while (sender.offer(new byte[0], 0, 0, 0, SENDER, 1) == RingStatus.SENT) {
            // fills the lane: not even an empty message fits
        }
        signals.sendersSleeping(1);
        int full = signals.spaceSequence();
        waiter.sweepForSleepers();
        assertThat(signals.spaceSequence()).as("no room: nobody to wake").isEqualTo(full);

        signals.sendersSleeping(-1); // the receiver takes one while no sender is counted in
        assertThat(sender.poll(new byte[40], 0, 40, null)).isZero();
        signals.sendersSleeping(1);
        waiter.sweepForSleepers();

        assertThat(signals.spaceSequence()).as("room now: the sleeper is woken").isNotEqualTo(full);
    }

    @Test
    void anAttachmentThatFencesLeavesItsSleepersToTheHolders() throws IOException {
        LaneRing sender = lane();
        LaneRing waiter = attach(true);
        RingSignals signals = waiter.signals();
        int before = signals.availableSequence();
        sender.offer(new byte[8], 0, 8, 0, SENDER, 1);
        signals.receiversSleeping(1);

        waiter.sweepForSleepers();

        assertThat(signals.availableSequence()).as("no wake-up a fence makes needless").isEqualTo(before);
    }
}
