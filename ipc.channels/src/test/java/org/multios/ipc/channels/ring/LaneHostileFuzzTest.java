package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.channels.ring.LaneDescriptor.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * A hostile writer scribbling on a lane's head, tail, taking and records between operations of
 * both sides: every operation ends in a status or CORRUPTED, never another exception or an
 * error, and never loops for good.
 */
@Timeout(60)
class LaneHostileFuzzTest {
    private static final long BASE = 128;
    private static final int CAPACITY = 512;
    private static final int MAX = 100;
    private static final long SENDER = LaneRing.sender(ProcessKind.OS_PROCESS, 4242);

    @TempDir
    Path dir;

    @Test
    void scribblesEndInAStatusOrCorrupted() throws IOException {
        long seed = System.nanoTime();
        System.out.println("LaneHostileFuzzTest seed " + seed);
        Random random = new Random(seed);
        long length = BASE + LaneDescriptor.length(CAPACITY);
        MappedRegion region;
        region = TestRegions.created(dir.resolve("lane"), length);
        LaneRing lane = LaneRing.initialize(region, BASE, CAPACITY, MAX, "lane test");
        LaneRing other = LaneRing.attach(region, BASE, LaneDescriptor.length(CAPACITY), "lane test");
        byte[] buf = new byte[MAX];
        MessageInfo info = new MessageInfo();
        int[] frames = { 0, -1, -2, 1, 23, 24, 25, 24 + MAX, 25 + MAX, CAPACITY, Integer.MAX_VALUE, Integer.MIN_VALUE };
        int corrupted = 0;
        for (int i = 0; i < 200_000; i++) {
            if (random.nextInt(20) == 0) {
                long head = region.getLong(BASE + HEAD_OFFSET);
                long near = head + (random.nextInt(2 * CAPACITY) - CAPACITY);
                long[] values = { near, near & -8, random.nextLong(), Long.MAX_VALUE, Long.MIN_VALUE, 0 };
                long value = values[random.nextInt(values.length)];
                int[] words = { HEAD_OFFSET, TAIL_OFFSET, TAKING_OFFSET };
                int which = random.nextInt(5);
                if (which < 3) {
                    region.putLongVolatile(BASE + words[which], value);
                } else {
                    int at = random.nextInt(CAPACITY / 8) * 8;
                    int v = which == 3 ? frames[random.nextInt(frames.length)] : random.nextInt();
                    region.putIntVolatile(BASE + RECORDS_OFFSET + at + (which == 3 ? 0 : RECORD_PRIORITY_OFFSET), v);
                }
            }
            LaneRing l = random.nextBoolean() ? lane : other;
            try {
                switch (random.nextInt(6)) {
                    case 0 -> assertThat(l.offer(buf, 0, random.nextInt(MAX + 1), random.nextInt(10), SENDER, 1))
                            .isIn(RingStatus.SENT, RingStatus.FULL);
                    case 1 -> {
                        long at = l.claimCleared(random.nextInt(MAX + 1), 0, SENDER, 1);
                        if (at >= 0) {
                            l.commit(at);
                        }
                    }
                    case 2 -> assertThat(l.poll(buf, 0, random.nextInt(MAX + 1), info)).isGreaterThanOrEqualTo(RingStatus.TOO_LARGE);
                    case 3 -> {
                        long at = l.take(MAX, info);
                        if (at >= 0) {
                            l.consumed(at);
                        }
                    }
                    case 4 -> assertThat(l.size()).isBetween(0, CAPACITY / RECORD_HEADER_SIZE);
                    default -> l.isEmpty();
                }
            } catch (IpcException e) {
                assertThat(e.error()).as("seed " + seed).isEqualTo(IpcError.CORRUPTED);
                corrupted++;
            }
            assertThat(region.getLong(BASE + SENDER_OFFSET)).as("seed " + seed + ": the senders' side handed back").isZero();
            assertThat(region.getLong(BASE + RECEIVER_OFFSET)).as("seed " + seed + ": the receivers' side handed back").isZero();
        }
        System.out.println("LaneHostileFuzzTest: " + corrupted + " operations said CORRUPTED");
    }
}
