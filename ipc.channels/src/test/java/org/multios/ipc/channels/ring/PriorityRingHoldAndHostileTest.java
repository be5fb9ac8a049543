package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.spi.BlockedCalls;

/**
 * The crash-recoverable ring keeps the guarantees of the ring it replaced: a live thread merely
 * descheduled while it holds the head slot makes no other try fail (no spurious FULL or EMPTY,
 * no message skipped), and entry words another process overwrote give CORRUPTED at once instead
 * of a loop that never ends.
 */
@Timeout(30)
class PriorityRingHoldAndHostileTest {
    private static final long BASE = 128;
    private static final int CAPACITY = 4;
    private static final int SIZE = 16;
    private static final long SELF = ProcessLiveness.system().currentProcessWord(
            ProcessLiveness.system().namespaces());
    private static final long SENDER = PriorityRing.sender(ProcessKind.OS_PROCESS, 1);

    @TempDir
    Path dir;

    @Test
    void aDescheduledSenderHoldingTheFreeHeadMakesNoOtherSendFail() throws Exception {
        MappedRegion region = region();
        PriorityRing.initialize(region, BASE, CAPACITY, SIZE);
        PriorityRing live = PriorityRing.attach(region, BASE, span(), "ring");
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PriorityRing slow = PriorityRing.attach(region, BASE, span(), "ring", SELF, step -> {
            if (step == RingSteps.SLOT_CLAIMED) {
                holding.countDown();
                await(release);
            }
        });
        CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> slow.offer(new byte[SIZE], 0, SIZE, 1,
                SENDER, 1));
        await(holding);
        // the head slot of the free ring is owned (not yet taken) by a live thread held in the window
        CompletableFuture<Integer> other = heldUp("ring-live-offer", () -> live.offer(new byte[SIZE], 0, SIZE, 2,
                SENDER, 1));
        release.countDown();
        assertThat(other.get(20, TimeUnit.SECONDS)).as("no spurious FULL").isGreaterThanOrEqualTo(0);
        assertThat(held.get(20, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
        assertThat(live.size()).isEqualTo(2);
    }

    @Test
    void aDescheduledReceiverHoldingTheHeadMakesNoOtherReceiveSkipOrFail() throws Exception {
        MappedRegion region = region();
        PriorityRing.initialize(region, BASE, CAPACITY, SIZE);
        PriorityRing live = PriorityRing.attach(region, BASE, span(), "ring");
        for (int i = 0; i < 2; i++) {
            assertThat(live.offer(new byte[] { (byte) i }, 0, 1, 5, SENDER, 1)).isGreaterThanOrEqualTo(0);
        }
        assertThat(live.offer(new byte[] { 9 }, 0, 1, 0, SENDER, 1)).isGreaterThanOrEqualTo(0);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PriorityRing slow = PriorityRing.attach(region, BASE, span(), "ring", SELF, step -> {
            if (step == RingSteps.MESSAGE_CLAIMED) {
                holding.countDown();
                await(release);
            }
        });
        CompletableFuture<Byte> held = CompletableFuture.supplyAsync(() -> {
            byte[] b = new byte[SIZE];
            assertThat(slow.poll(b, 0, SIZE, null)).isEqualTo(1);
            return b[0];
        });
        await(holding);
        byte[] b = new byte[SIZE];
        CompletableFuture<Integer> other = heldUp("ring-live-poll", () -> live.poll(b, 0, SIZE, null));
        release.countDown();
        assertThat(other.get(20, TimeUnit.SECONDS)).as("not EMPTY").isEqualTo(1);
        assertThat(b[0]).as("priority 5 first, not the priority 0 message behind it").isEqualTo((byte) 1);
        assertThat(held.get(20, TimeUnit.SECONDS)).isEqualTo((byte) 0);
    }

    /**
     * Each hostile case on a ring of this layout (free scale 2, PRN4) and of the one before (1,
     * PRN3), in a region exactly as long as the ring's magic says: an index past it would fault
     * or throw something other than CORRUPTED.
     */
    @ParameterizedTest
    @ValueSource(ints = { PriorityRingDescriptor.FREE_SCALE, PriorityRingDescriptor.FREE_SCALE_PRN3 })
    void anEntryALapBehindItsHeadIsCorruptedNotALoop(int scale) throws IOException {
        MappedRegion region = region(scale);
        PriorityRing ring = PriorityRing.initialize(region, BASE, CAPACITY, SIZE, 0, false, scale);
        ring.offer(new byte[SIZE], 0, SIZE, 3, SENDER, 1);
        ring.poll(new byte[SIZE], 0, SIZE, null);
        ring.offer(new byte[SIZE], 0, SIZE, 3, SENDER, 1);
        // priority 3's head is at position 1: its entry goes back to a free word of lap -1
        region.putLong(entry(scale, 1 + 3, 1), -1L << PriorityRingDescriptor.ENTRY_LAP_SHIFT);
        assertCorrupted(() -> ring.poll(new byte[SIZE], 0, SIZE, null));
        // and its tail at position 2 to a full word of lap -1 (more slots on it than entries)
        region.putLong(entry(scale, 1 + 3, 2), (-1L << PriorityRingDescriptor.ENTRY_LAP_SHIFT)
                | PriorityRingDescriptor.ENTRY_FULL | 3);
        assertCorrupted(() -> ring.offer(new byte[SIZE], 0, SIZE, 3, SENDER, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = { PriorityRingDescriptor.FREE_SCALE, PriorityRingDescriptor.FREE_SCALE_PRN3 })
    void entriesAllAheadOfTheirPositionsAreCorruptedNotALoop(int scale) throws IOException {
        MappedRegion region = region(scale);
        PriorityRing ring = PriorityRing.initialize(region, BASE, CAPACITY, SIZE, 0, false, scale);
        for (int r = 0; r < PriorityRingDescriptor.INDEX_RINGS; r++) {
            int length = r == PriorityRingDescriptor.FREE_RING ? PriorityRingDescriptor.freeLength(CAPACITY, scale)
                    : PriorityRingDescriptor.indexLength(CAPACITY);
            for (int i = 0; i < length; i++) {
                // laps far ahead: every position looks taken by a helper that died
                region.putLong(entry(scale, r, i), (1L << 37) << PriorityRingDescriptor.ENTRY_LAP_SHIFT);
            }
        }
        region.putIntVolatile(BASE + PriorityRingDescriptor.BITMAP_OFFSET, -1);
        assertCorrupted(() -> ring.offer(new byte[SIZE], 0, SIZE, 3, SENDER, 1));
        assertCorrupted(() -> ring.poll(new byte[SIZE], 0, SIZE, null));
    }

    @ParameterizedTest
    @ValueSource(ints = { PriorityRingDescriptor.FREE_SCALE, PriorityRingDescriptor.FREE_SCALE_PRN3 })
    void anOverwrittenLengthOrPriorityIsDroppedWithCorrupted(int scale) throws IOException {
        MappedRegion region = region(scale);
        PriorityRing ring = PriorityRing.initialize(region, BASE, CAPACITY, SIZE, 0, false, scale);
        ring.offer(new byte[SIZE], 0, SIZE, 3, SENDER, 1);
        ring.offer(new byte[SIZE], 0, SIZE, 3, SENDER, 1);
        long slots = BASE + PriorityRingDescriptor.slotsOffset(CAPACITY, scale);
        int slotSize = PriorityRingDescriptor.slotSize(SIZE);
        region.putInt(slots + PriorityRingDescriptor.SLOT_LENGTH_OFFSET, -5);
        region.putInt(slots + slotSize + PriorityRingDescriptor.SLOT_PRIORITY_OFFSET, 77);
        assertCorrupted(() -> ring.poll(new byte[SIZE], 0, SIZE, null));
        assertCorrupted(() -> ring.poll(ByteBuffer.allocate(SIZE), null));
        assertThat(ring.poll(new byte[SIZE], 0, SIZE, null)).isEqualTo(RingStatus.EMPTY);
        // both slots were freed
        for (int i = 0; i < CAPACITY; i++) {
            assertThat(ring.offer(new byte[SIZE], 0, SIZE, 1, SENDER, 1)).isGreaterThanOrEqualTo(0);
        }
    }

    /**
     * A ring is attached only as long as its magic says it is: a PRN3 ring of 64 slots in a region
     * that holds just that, relabelled PRN4 (64 more free-ring entries, its slots 512 bytes further
     * on), is refused rather than read past the region; a magic of no known layout is refused
     * naming it; a PRN3 ring one byte short of its room too. The PRN3 ring itself works to its
     * last slot and back. (At 4 slots both layouts fit the same room, the cache-line padding
     * before the slots taking the difference: such a relabelled ring is read inside its region.)
     */
    @Test
    void aRingIsAttachedOnlyAsLongAsItsMagicSays() throws IOException {
        int earlier = PriorityRingDescriptor.FREE_SCALE_PRN3;
        int capacity = 64;
        MappedRegion region = region(capacity, earlier);
        long room = PriorityRingDescriptor.length(capacity, SIZE, earlier);
        assertThat(PriorityRingDescriptor.length(capacity, SIZE)).isGreaterThan(room);
        PriorityRing.initialize(region, BASE, capacity, SIZE, 0, false, earlier);
        PriorityRing ring = PriorityRing.attach(region, BASE, room, "ring 'old'");
        assertThat(ring.freeRingScale()).isEqualTo(earlier);
        for (int lap = 0; lap < 3; lap++) {
            for (int i = 0; i < capacity; i++) {
                assertThat(ring.offer(new byte[SIZE], 0, SIZE, i % 32, SENDER, 1)).isGreaterThanOrEqualTo(0);
            }
            assertThat(ring.offer(new byte[SIZE], 0, SIZE, 0, SENDER, 1)).isEqualTo(RingStatus.FULL);
            for (int i = 31; i >= 0; i--) {
                for (int k = 0; k < 2; k++) {
                    MessageInfo info = new MessageInfo();
                    assertThat(ring.poll(new byte[SIZE], 0, SIZE, info)).isEqualTo(SIZE);
                    assertThat(info.priority()).isEqualTo(i);
                }
            }
        }
        assertThatThrownBy(() -> PriorityRing.attach(region, BASE, room - 1, "ring 'old'"))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED))
                .hasMessageContaining("ring 'old'").hasMessageContaining("inconsistent");
        region.putIntVolatile(BASE + PriorityRingDescriptor.MAGIC_OFFSET, PriorityRingDescriptor.MAGIC);
        assertThatThrownBy(() -> PriorityRing.attach(region, BASE, room, "ring 'old'"))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED))
                .hasMessageContaining("ring 'old'").hasMessageContaining("inconsistent");
        region.putIntVolatile(BASE + PriorityRingDescriptor.MAGIC_OFFSET, 0x50524e32); // "PRN2"
        assertThatThrownBy(() -> PriorityRing.attach(region, BASE, room, "ring 'old'"))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED))
                .hasMessageContaining("ring 'old'").hasMessageContaining("ring magic 0x50524e32");
    }

    private static void assertCorrupted(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED));
    }

    private static long entry(int scale, int ring, long position) {
        return BASE + PriorityRingDescriptor.entryOffset(CAPACITY, scale, ring, position);
    }

    private static long span() {
        return PriorityRingDescriptor.length(CAPACITY, SIZE);
    }

    /**
     * Runs {@code call} on a thread of its own and waits (at most 20 s) until the slot's owner holds
     * it up: it parks in the ring's hold-up loop (its only timed wait), having neither failed nor
     * gone round the owned slot. Released soon after, well within {@link SlotRecovery#GIVE_UP_NANOS},
     * as a descheduled owner would be.
     */
    private static <T> CompletableFuture<T> heldUp(String name, Callable<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = BlockedCalls.start(name, result, call);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (t.getState() != Thread.State.TIMED_WAITING && !result.isDone()) {
            assertThat(System.nanoTime() - deadline).as("%s held up within 20 s", name).isNegative();
            Thread.yield();
        }
        assertThat(result).as("%s is held up by the slot's owner, not done without it", name).isNotDone();
        return result;
    }

    /** Waits (at most 20 s) for the latch: the thread in the window stays there until released. */
    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not opened within 20 s");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private MappedRegion region() throws IOException {
        return region(PriorityRingDescriptor.FREE_SCALE);
    }

    /** A region holding exactly a ring of {@link #CAPACITY} slots of free scale {@code scale} at {@link #BASE}. */
    private MappedRegion region(int scale) throws IOException {
        return region(CAPACITY, scale);
    }

    /** A region holding exactly a ring of {@code capacity} slots of free scale {@code scale} at {@link #BASE}. */
    private MappedRegion region(int capacity, int scale) throws IOException {
        long length = BASE + PriorityRingDescriptor.length(capacity, SIZE, scale);
        return TestRegions.created(dir.resolve("ring"), length);
    }
}
