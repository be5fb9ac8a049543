package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.channels.ring.LaneDescriptor.*;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * A try that finds a side of a lane held reports FULL or EMPTY at once, and the port then sleeps
 * on the sequence it read before that try ({@link RingSignals}). Whoever holds the side must
 * therefore wake it when it hands the side back, whatever its own operation found: here the
 * holder is another attachment of this JVM, between its {@link LaneSides#acquire} and the
 * {@link LaneSides#release} of a take that found nothing or a claim that found no room for its
 * (larger) message, the two places a side is handed back without a message or space made.
 */
@Timeout(30)
class LaneHandBackTest {
    private static final long BASE = 128;
    private static final int CAPACITY = 256;
    private static final long SENDER = LaneRing.sender(ProcessKind.OS_PROCESS, 4242);

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

    private static LaneSides sidesOf(LaneRing lane) throws ReflectiveOperationException {
        Field f = LaneRing.class.getDeclaredField("sides");
        f.setAccessible(true);
        return (LaneSides) f.get(lane);
    }

    /** A message published while a take that found none still held the receivers' side. */
    @Test
    void aReceiverThatFoundTheSideHeldIsWokenWhenATakeThatFoundNothingHandsItBack() throws Exception {
        LaneRing sender = lane();
        LaneSides holder = sidesOf(attach());
        LaneRing waiter = attach();
        RingSignals signals = waiter.signals();

        assertThat(holder.acquire(BASE + RECEIVER_OFFSET, holder.self)).isEqualTo(LaneSides.ACQUIRED); // its take reads: nothing
        assertThat(sender.offer(new byte[5], 0, 5, 0, SENDER, 1)).isEqualTo(RingStatus.SENT);
        signals.receiversSleeping(1); // the port's waiter counts itself in, reads the sequence, tries
        int sequence = signals.availableSequence();
        assertThat(waiter.isEmpty()).isFalse();
        assertThat(waiter.poll(new byte[40], 0, 40, null)).isEqualTo(RingStatus.EMPTY); // the side is held
        holder.release(BASE + RECEIVER_OFFSET); // the take that found nothing hands the side back

        assertThat(signals.availableSequence()).as("the waiter would sleep with a message queued").isNotEqualTo(sequence);
        signals.receiversSleeping(-1);
        assertThat(waiter.poll(new byte[40], 0, 40, null)).isEqualTo(5);
    }

    /** Room for a small message, not for the holder's large one. */
    @Test
    void aSenderThatFoundTheSideHeldIsWokenWhenAClaimThatFoundNoRoomHandsItBack() throws Exception {
        LaneRing sender = lane();
        for (int i = 0; i < 3; i++) { // records of 64 bytes: the tail at 192, room for 24 bytes and the next frame
            assertThat(sender.offer(new byte[40], 0, 40, 0, SENDER, 1)).isEqualTo(RingStatus.SENT);
        }
        assertThat(sender.offer(new byte[40], 0, 40, 0, SENDER, 1)).isEqualTo(RingStatus.FULL);
        LaneSides holder = sidesOf(attach());
        LaneRing waiter = attach();
        RingSignals signals = waiter.signals();

        assertThat(holder.acquire(BASE + SENDER_OFFSET, holder.self)).isEqualTo(LaneSides.ACQUIRED); // its claim of 40 bytes: full
        signals.sendersSleeping(1);
        int sequence = signals.spaceSequence();
        assertThat(waiter.offer(new byte[0], 0, 0, 0, SENDER, 2)).isEqualTo(RingStatus.FULL); // the side is held
        holder.release(BASE + SENDER_OFFSET); // the claim that found no room hands the side back

        assertThat(signals.spaceSequence()).as("the waiter would sleep with room for its message").isNotEqualTo(sequence);
        signals.sendersSleeping(-1);
        assertThat(waiter.offer(new byte[0], 0, 0, 0, SENDER, 2)).isEqualTo(RingStatus.SENT);
    }

    /**
     * A try not counted in as a sleeper (a waiter still spinning) tries again before it sleeps: it
     * leaves no mark for the holder and fences no process (each fence interrupts every processor
     * running a thread of the platform); one counted in does both.
     */
    @Test
    void onlyATryOfASleeperLeavesAMarkBehindAHeldSide() throws Exception {
        lane();
        LaneSides holder = sidesOf(attach());
        LaneRing waiter = attach();
        assertThat(holder.acquire(BASE + RECEIVER_OFFSET, holder.self)).isEqualTo(LaneSides.ACQUIRED);

        assertThat(waiter.poll(new byte[40], 0, 40, null)).isEqualTo(RingStatus.EMPTY);
        assertThat(region.getLongVolatile(BASE + RECEIVERS_TURNED_AWAY_OFFSET)).as("a spinning try's mark").isZero();

        waiter.signals().receiversSleeping(1);
        assertThat(waiter.poll(new byte[40], 0, 40, null)).isEqualTo(RingStatus.EMPTY);
        assertThat(region.getLongVolatile(BASE + RECEIVERS_TURNED_AWAY_OFFSET)).as("a sleeper's mark").isEqualTo(1);
        holder.release(BASE + RECEIVER_OFFSET);
        assertThat(region.getLongVolatile(BASE + RECEIVERS_TURNED_AWAY_OFFSET)).as("cleared by the hand-back").isZero();
    }
}
