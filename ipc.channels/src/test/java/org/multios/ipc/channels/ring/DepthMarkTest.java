package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.multios.ipc.core.mapped.MappedRegion;

/** The high-water mark stays exact although senders read the receivers' counter only now and then. */
class DepthMarkTest {
    private static final long MARK = 128;

    @TempDir
    Path dir;

    /**
     * Capacity 16 fills every entry of the priorities' rings; 12 leaves a quarter of them free.
     * After every step the look behind the marked priorities' tails
     * ({@link PriorityRing#markedDepthAtMost}) must answer what their depth answers (capacity 1:
     * a ring of one entry, full at every message, where it can only say no). Each on a ring of this
     * layout and of the one before (a free ring of as many entries as a priority's, PRN3: the
     * free-ring entries the mark reads lie elsewhere).
     */
    @ParameterizedTest
    @CsvSource({ "16,2", "12,2", "1,2", "16,1", "12,1", "1,1" })
    void theMarkKeptFromTheRingsPositionsIsTheLargestDepthAfterAnySend(int capacity, int scale) throws IOException {
        long seed = System.nanoTime();
        System.out.println("DepthMarkTest ring of " + capacity + " free scale " + scale + " seed " + seed);
        Random random = new Random(seed);
        long base = 4096;
        long length = base + PriorityRingDescriptor.length(capacity, 8, scale);
        MappedRegion region;
        region = TestRegions.created(dir.resolve("ring" + capacity + "-" + scale), length);
        PriorityRing ring = PriorityRing.initialize(region, base, capacity, 8, 0, false, scale);
        long sender = PriorityRing.sender(org.multios.ipc.ProcessKind.OS_PROCESS, 4242);
        // two processes' senders, each with its own bounds, and one receiver; no message counter
        DepthMark one = new DepthMark(region, MARK);
        DepthMark two = new DepthMark(region, MARK);
        byte[] buf = new byte[8];
        long max = 0;
        for (int step = 0; step < 50_000; step++) {
            int depth = ring.size();
            if (depth == capacity || depth > 0 && random.nextInt(100) < 48) {
                assertThat(ring.poll(buf, 0, buf.length, new org.multios.ipc.MessageInfo())).isEqualTo(8);
            } else {
                assertThat(ring.offer(buf, 0, 8, random.nextInt(4), sender, 77)).isGreaterThanOrEqualTo(0);
                (random.nextBoolean() ? one : two).sentInto(ring);
                max = Math.max(max, depth + 1);
            }
            assertThat(region.getLongVolatile(MARK)).as("capacity %d seed %d step %d", capacity, seed, step)
                    .isEqualTo(max);
            // a ring whose every entry is full cannot tell its tail's entry from its head's: it says no
            int marked = ring.markedSize();
            boolean full = marked == PriorityRingDescriptor.indexLength(capacity);
            for (int limit = 0; limit < DepthMark.NEAR_TAIL; limit++) {
                assertThat(ring.markedDepthAtMost(limit)).as("capacity %d seed %d step %d limit %d", capacity, seed,
                        step, limit).isEqualTo(marked <= limit && !full);
            }
        }
    }

    private MappedRegion region() throws IOException {
        return TestRegions.created(dir.resolve("mark"), 4096);
    }
}
