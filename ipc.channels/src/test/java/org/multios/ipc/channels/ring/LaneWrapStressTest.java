package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.channels.ring.LaneDescriptor.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * One sender and one receiver, threads of their own on attachments of their own, over many laps
 * of a small lane, with sizes chosen so that records end exactly at the ring's end (the next frame
 * length cleared at offset 0), 8 bytes short of it (a padding record of one word), or past it
 * (padding), and the largest message: every byte, length, priority and sender pid checked, by
 * copies and in place on both sides.
 */
@Timeout(60)
class LaneWrapStressTest {
    private static final long BASE = 128;
    private static final int CAPACITY = 1024;
    private static final int MAX = 200;
    private static final int MESSAGES = 200_000;
    private static final long SENDER = LaneRing.sender(ProcessKind.OS_PROCESS, 4242);

    @TempDir
    Path dir;

    private static byte pattern(long seq, int i) {
        return (byte) (seq * 131 + i * 7 + (i >>> 8));
    }

    @Test
    void recordsEndingAtTheRingsEndOverManyLapsArriveWholeAndInOrder() throws Exception {
        long seed = System.nanoTime();
        System.out.println("LaneWrapStressTest seed " + seed);
        long length = BASE + LaneDescriptor.length(CAPACITY);
        MappedRegion region;
        region = TestRegions.created(dir.resolve("lane"), length);
        LaneRing.initialize(region, BASE, CAPACITY, MAX, "lane test");
        LaneRing out = LaneRing.attach(region, BASE, LaneDescriptor.length(CAPACITY), "lane test");
        LaneRing in = LaneRing.attach(region, BASE, LaneDescriptor.length(CAPACITY), "lane test");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        int[] exact = new int[1];

        Thread sender = new Thread(() -> {
            Random random = new Random(seed);
            byte[] m = new byte[MAX];
            int off = 0; // where the lane's tail lies, mirrored: one sender
            try {
                for (long seq = 0; seq < MESSAGES && failed.get() == null;) {
                    int left = CAPACITY - off;
                    int len;
                    int pick = random.nextInt(8);
                    if (pick < 4 && left - RECORD_HEADER_SIZE >= 8 && left - RECORD_HEADER_SIZE <= MAX) {
                        len = Math.max(8, left - RECORD_HEADER_SIZE - random.nextInt(8)); // ends at the ring's end
                    } else if (pick == 4 && left - 8 - RECORD_HEADER_SIZE >= 8 && left - 8 - RECORD_HEADER_SIZE <= MAX) {
                        len = left - 8 - RECORD_HEADER_SIZE; // leaves one word before the end
                    } else if (pick == 5) {
                        len = MAX;
                    } else {
                        len = 8 + random.nextInt(MAX - 7);
                    }
                    for (int i = 0; i < len; i++) {
                        m[i] = pattern(seq, i);
                    }
                    ByteBuffer.wrap(m).putLong(0, seq);
                    int priority = (int) (seq % PriorityRingDescriptor.PRIORITIES);
                    boolean sent;
                    if ((seq & 1) == 0) {
                        sent = out.offer(m, 0, len, priority, SENDER, seq) == RingStatus.SENT;
                    } else {
                        long at = out.claimCleared(len, priority, SENDER, seq);
                        sent = at >= 0;
                        if (sent) {
                            region.putBytes(out.payload(at), m, 0, len);
                            out.commit(at);
                        }
                    }
                    if (!sent) {
                        Thread.onSpinWait();
                        continue;
                    }
                    int record = recordLength(len);
                    off = (off + record > CAPACITY ? record : off + record) & (CAPACITY - 1);
                    if (off == 0) {
                        exact[0]++;
                    }
                    seq++;
                }
            } catch (Throwable t) {
                failed.compareAndSet(null, t);
            }
        }, "lane-wrap-stress-sender");
        sender.start();

        byte[] buf = new byte[MAX];
        MessageInfo info = new MessageInfo();
        try {
            for (long seq = 0; seq < MESSAGES && failed.get() == null;) {
                int n;
                if ((seq % 3) == 0) {
                    long at = in.take(MAX, info);
                    n = at < 0 ? (int) at : info.length();
                    if (at >= 0) {
                        try {
                            region.getBytes(in.payload(at), buf, 0, n);
                        } finally {
                            in.consumed(at);
                        }
                    }
                } else {
                    n = in.poll(buf, 0, MAX, info);
                }
                if (n < 0) {
                    assertThat(n).isEqualTo(RingStatus.EMPTY);
                    Thread.onSpinWait();
                    continue;
                }
                assertThat(ByteBuffer.wrap(buf).getLong(0)).as("seed " + seed).isEqualTo(seq);
                assertThat(info.length()).as("seed " + seed + ", message " + seq).isEqualTo(n);
                assertThat(info.priority()).as("seed " + seed).isEqualTo((int) (seq % PriorityRingDescriptor.PRIORITIES));
                assertThat(info.senderPid()).as("seed " + seed).isEqualTo(seq);
                for (int i = 8; i < n; i++) {
                    if (buf[i] != pattern(seq, i)) {
                        throw new AssertionError("seed " + seed + ", message " + seq + " of " + n + " bytes: byte " + i);
                    }
                }
                seq++;
            }
        } catch (Throwable t) {
            failed.compareAndSet(null, t);
        }
        sender.join();
        if (failed.get() != null) {
            throw new AssertionError("seed " + seed, failed.get());
        }
        assertThat(in.isEmpty()).isTrue();
        assertThat(exact[0]).as("records that ended at the ring's end").isGreaterThan(MESSAGES / 50);
    }

    /**
     * Two sender threads sharing one attachment (copies and claims in place) and two receiver
     * threads sharing another (copies and takes in place), sizes that end records at the ring's
     * end among them: every message arrives once, whole, and each receiver sees each sender's in
     * order.
     */
    @Test
    void twoThreadsOnEachSideOfOneAttachmentEachLoseAndRepeatNothing() throws Exception {
        long seed = System.nanoTime();
        System.out.println("LaneWrapStressTest threads seed " + seed);
        long length = BASE + LaneDescriptor.length(CAPACITY);
        MappedRegion region;
        region = TestRegions.created(dir.resolve("lanes"), length);
        LaneRing.initialize(region, BASE, CAPACITY, MAX, "lane test");
        LaneRing out = LaneRing.attach(region, BASE, LaneDescriptor.length(CAPACITY), "lane test");
        LaneRing in = LaneRing.attach(region, BASE, LaneDescriptor.length(CAPACITY), "lane test");
        int perSender = 50_000;
        AtomicReference<Throwable> failed = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        java.util.BitSet[] seen = { new java.util.BitSet(perSender), new java.util.BitSet(perSender) };
        Thread[] threads = new Thread[4];
        for (int s = 0; s < 2; s++) {
            int id = s;
            threads[s] = new Thread(() -> {
                Random random = new Random(seed + id);
                byte[] m = new byte[MAX];
                try {
                    for (int seq = 0; seq < perSender && failed.get() == null;) {
                        int[] sizes = { 8, 40, 104, 168, MAX, 8 + random.nextInt(MAX - 7) }; // records of 32, 64, 128, 192
                        int len = sizes[random.nextInt(sizes.length)];
                        ByteBuffer b = ByteBuffer.wrap(m).putInt(0, id).putInt(4, seq);
                        for (int i = 8; i < len; i++) {
                            m[i] = pattern(seq, i);
                        }
                        boolean sent;
                        if (random.nextBoolean()) {
                            sent = out.offer(b.array(), 0, len, 0, SENDER, id) == RingStatus.SENT;
                        } else {
                            long at = out.claimInPlace(len, 0, SENDER, id);
                            sent = at >= 0;
                            if (sent) {
                                region.putBytes(out.payloadOf(at), m, 0, len);
                                out.commitInPlace(at, 0);
                            }
                        }
                        if (sent) {
                            seq++;
                        } else {
                            Thread.yield();
                        }
                    }
                } catch (Throwable t) {
                    failed.compareAndSet(null, t);
                }
            }, "lane-stress-sender-" + s);
        }
        for (int r = 0; r < 2; r++) {
            int id = r;
            threads[2 + r] = new Thread(() -> {
                byte[] buf = new byte[MAX];
                MessageInfo info = new MessageInfo();
                int[] last = { -1, -1 };
                try {
                    while (received.get() < 2 * perSender && failed.get() == null) {
                        int n;
                        if (id == 0) {
                            n = in.poll(buf, 0, MAX, info);
                        } else {
                            long at = in.takeInPlace(info);
                            n = at < 0 ? (int) at : info.length();
                            if (at >= 0) {
                                try {
                                    region.getBytes(in.payloadOf(at), buf, 0, n);
                                } finally {
                                    in.consumedInPlace(at, n);
                                }
                            }
                        }
                        if (n < 0) {
                            Thread.yield();
                            continue;
                        }
                        ByteBuffer b = ByteBuffer.wrap(buf);
                        int sender = b.getInt(0);
                        int seq = b.getInt(4);
                        if (sender < 0 || sender > 1 || seq <= last[sender] || info.senderPid() != sender) {
                            throw new AssertionError("seed " + seed + ": message " + seq + " of sender " + sender
                                    + " after " + (sender >= 0 && sender <= 1 ? last[sender] : -2));
                        }
                        last[sender] = seq;
                        for (int i = 8; i < n; i++) {
                            if (buf[i] != pattern(seq, i)) {
                                throw new AssertionError("seed " + seed + ": message " + seq + " of " + n + " bytes: byte " + i);
                            }
                        }
                        synchronized (seen) {
                            if (seen[sender].get(seq)) {
                                throw new AssertionError("seed " + seed + ": message " + seq + " of sender " + sender + " twice");
                            }
                            seen[sender].set(seq);
                        }
                        received.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failed.compareAndSet(null, t);
                }
            }, "lane-stress-receiver-" + r);
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failed.get() != null) {
            throw new AssertionError("seed " + seed, failed.get());
        }
        assertThat(seen[0].cardinality()).isEqualTo(perSender);
        assertThat(seen[1].cardinality()).isEqualTo(perSender);
        assertThat(in.isEmpty()).isTrue();
    }
}
