package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.channels.ring.LaneDescriptor.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;

/** The lane on its own, over a mapped temporary file. */
@Timeout(60)
class LaneRingTest {
    private static final long BASE = 128;
    private static final long SENDER = LaneRing.sender(ProcessKind.OS_PROCESS, 4242);
    /** The owner word of a process that does not exist. */
    private static final long DEAD = ProcessLiveness.ownerWord(ProcessLiveness.MAX_ID, 1, false);

    @TempDir
    Path dir;

    private MappedRegion region;

    private LaneRing lane(int capacity, int maxSize) throws IOException {
        long length = BASE + LaneDescriptor.length(capacity);
        region = TestRegions.created(dir.resolve("lane-" + capacity + "-" + maxSize), length);
        return LaneRing.initialize(region, BASE, capacity, maxSize, "lane test");
    }

    private static int send(LaneRing lane, String text, int priority) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return lane.offer(b, 0, b.length, priority, SENDER, 77);
    }

    private static String receive(LaneRing lane, MessageInfo info) {
        byte[] buf = new byte[256];
        int n = lane.poll(buf, 0, buf.length, info);
        assertThat(n).as("a message").isGreaterThanOrEqualTo(0);
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void messagesComeOutInTheOrderSentWithTheirPriorityAndSender() throws IOException {
        LaneRing lane = lane(1024, 64);
        assertThat(send(lane, "low", 0)).isEqualTo(RingStatus.SENT);
        assertThat(send(lane, "high", 9)).isEqualTo(RingStatus.SENT);
        assertThat(lane.size()).isEqualTo(2);
        MessageInfo info = new MessageInfo();

        assertThat(receive(lane, info)).isEqualTo("low");
        assertThat(info.priority()).isZero();
        assertThat(receive(lane, info)).isEqualTo("high");
        assertThat(info.priority()).isEqualTo(9);
        assertThat(info.length()).isEqualTo(4);
        assertThat(info.senderKind()).isEqualTo(ProcessKind.OS_PROCESS);
        assertThat(info.senderId()).isEqualTo(4242);
        assertThat(info.senderPid()).isEqualTo(77);
        assertThat(lane.poll(new byte[8], 0, 8, info)).isEqualTo(RingStatus.EMPTY);
        assertThat(lane.isEmpty()).isTrue();
    }

    @Test
    void aFullLaneRefusesUntilAMessageIsReceivedAndATooLargeOneStays() throws IOException {
        LaneRing lane = lane(128, 32); // records of 56 bytes: two fit, and the next frame length
        byte[] m = new byte[32];
        assertThat(lane.offer(m, 0, 32, 0, SENDER, 1)).isEqualTo(RingStatus.SENT);
        assertThat(lane.offer(m, 0, 32, 0, SENDER, 1)).isEqualTo(RingStatus.SENT);
        assertThat(lane.offer(m, 0, 1, 0, SENDER, 1)).isEqualTo(RingStatus.FULL);
        assertThat(lane.offer(m, 0, 33, 0, SENDER, 1)).isEqualTo(RingStatus.TOO_LARGE);

        MessageInfo info = new MessageInfo();
        assertThat(lane.poll(new byte[31], 0, 31, info)).isEqualTo(RingStatus.TOO_LARGE);
        assertThat(info.length()).isEqualTo(32);
        assertThat(lane.poll(new byte[32], 0, 32, info)).isEqualTo(32);
        assertThat(lane.offer(m, 0, 32, 0, SENDER, 1)).isEqualTo(RingStatus.FULL); // 16 bytes of padding at the wrap
        assertThat(lane.offer(m, 0, 1, 0, SENDER, 1)).isEqualTo(RingStatus.SENT);
        assertThat(lane.size()).isEqualTo(2);
    }

    /** Random sizes over many laps against a model: padding at the wrap, full and empty. */
    @Test
    void randomSizesOverManyLapsMatchAQueue() throws IOException {
        long seed = System.nanoTime();
        System.out.println("LaneRingTest seed " + seed);
        Random random = new Random(seed);
        LaneRing lane = lane(512, 100);
        ArrayDeque<byte[]> model = new ArrayDeque<>();
        int modelBytes = 0;
        byte[] buf = new byte[100];
        for (int i = 0; i < 20_000; i++) {
            if (random.nextBoolean()) {
                byte[] m = new byte[random.nextInt(101)];
                random.nextBytes(m);
                int r = lane.offer(m, 0, m.length, 0, SENDER, 1);
                int needed = LaneDescriptor.recordLength(m.length);
                if (r == RingStatus.SENT) {
                    model.add(m);
                    modelBytes += needed;
                } else {
                    assertThat(r).as("seed " + seed).isEqualTo(RingStatus.FULL);
                    // refused only when the records queued, a padding record (shorter than the
                    // record) and the next frame length leave no room
                    assertThat(modelBytes + needed).as("seed " + seed)
                            .isGreaterThan(512 - RECORD_ALIGNMENT - (LaneDescriptor.recordLength(100) - RECORD_ALIGNMENT));
                }
            } else {
                int n = lane.poll(buf, 0, buf.length, null);
                if (model.isEmpty()) {
                    assertThat(n).as("seed " + seed).isEqualTo(RingStatus.EMPTY);
                } else {
                    byte[] expected = model.remove();
                    modelBytes -= LaneDescriptor.recordLength(expected.length);
                    assertThat(n).as("seed " + seed).isEqualTo(expected.length);
                    assertThat(java.util.Arrays.copyOf(buf, n)).as("seed " + seed).isEqualTo(expected);
                }
            }
            assertThat(lane.size()).as("seed " + seed).isEqualTo(model.size());
        }
    }

    @Test
    void aClaimStartsAsZerosAndIsSeenOnlyOnceCommitted() throws IOException {
        LaneRing lane = lane(256, 40);
        byte[] secret = "the owner's secret, 32 bytes....".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 5; i++) { // records at 0, 56, 112, 168, then 0 again: 56 held the secret
            lane.offer(secret, 0, secret.length, 0, SENDER, 1);
            lane.poll(new byte[40], 0, 40, null);
        }

        long at = lane.claimCleared(32, 3, SENDER, 1);
        assertThat(at).isNotNegative();
        byte[] seen = new byte[32];
        region.getBytes(lane.payload(at), seen, 0, 32);
        assertThat(seen).containsOnly(0);
        assertThat(lane.isEmpty()).isTrue();
        region.putBytes(lane.payload(at), "claimed".getBytes(StandardCharsets.US_ASCII), 0, 7);
        lane.commit(at);

        MessageInfo info = new MessageInfo();
        long taken = lane.take(40, info);
        assertThat(info.length()).isEqualTo(32);
        assertThat(info.priority()).isEqualTo(3);
        byte[] got = new byte[7];
        region.getBytes(lane.payload(taken), got, 0, 7);
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("claimed");
        lane.consumed(taken);

        long aborted = lane.claimCleared(10, 0, SENDER, 1);
        lane.abort(aborted);
        assertThat(lane.isEmpty()).isTrue();
        assertThat(send(lane, "after", 0)).isEqualTo(RingStatus.SENT);
        assertThat(receive(lane, null)).isEqualTo("after");
    }

    /** A sender killed before it published: its owner word is taken over, nothing it wrote is seen. */
    @Test
    void aDeadSendersWordIsTakenOverAndWhatItWroteIsNeverSeen() throws IOException {
        LaneRing lane = lane(256, 40);
        send(lane, "first", 0);
        region.putInt(BASE + RECORDS_OFFSET + 32 + RECORD_PRIORITY_OFFSET, 7); // a record half-written at the tail
        region.putBytes(BASE + RECORDS_OFFSET + 32 + RECORD_HEADER_SIZE, new byte[] { 'x', 'y' }, 0, 2);
        region.putLongVolatile(BASE + SENDER_OFFSET, DEAD);

        assertThat(send(lane, "second", 0)).isEqualTo(RingStatus.SENT);

        assertThat(lane.recoveredOwners()).isOne();
        assertThat(receive(lane, null)).isEqualTo("first");
        assertThat(receive(lane, null)).isEqualTo("second");
        assertThat(lane.isEmpty()).isTrue();
    }

    /** A receiver killed while it read a message: that message is lost, never delivered twice. */
    @Test
    void aMessageADeadReceiverWasReadingIsNotDeliveredAgain() throws IOException {
        LaneRing lane = lane(256, 40);
        send(lane, "being read", 0);
        send(lane, "next", 0);
        long head = region.getLong(BASE + HEAD_OFFSET);
        region.putLong(BASE + TAKING_OFFSET, head + LaneDescriptor.recordLength(10));
        region.putLongVolatile(BASE + RECEIVER_OFFSET, DEAD);

        assertThat(receive(lane, null)).isEqualTo("next");
        assertThat(lane.recoveredOwners()).isOne();
        assertThat(lane.isEmpty()).isTrue();
    }

    /** A receiver killed before it started reading: the message is delivered, once. */
    @Test
    void aMessageADeadReceiverHadNotStartedIsDelivered() throws IOException {
        LaneRing lane = lane(256, 40);
        send(lane, "waiting", 0);
        region.putLongVolatile(BASE + RECEIVER_OFFSET, DEAD);

        assertThat(receive(lane, null)).isEqualTo("waiting");
        assertThat(lane.poll(new byte[8], 0, 8, null)).isEqualTo(RingStatus.EMPTY);
    }

    /**
     * An owner word that names a live process (here: one never judged, of a foreign namespace)
     * makes each try report full or empty at once, never wait for it: 40 tries of each kind end
     * well within the test's timeout (a try that waited for the side, as lanes once did for up to
     * a second, would not).
     */
    @Test
    @Timeout(15)
    void aSideALiveOwnerHoldsReadsAsFullOrEmptyAtOnce() throws IOException {
        LaneRing lane = lane(256, 40);
        send(lane, "held", 0);
        region.putLongVolatile(BASE + SENDER_OFFSET, ProcessLiveness.ownerWord(ProcessLiveness.MAX_ID, 1, true));
        region.putLongVolatile(BASE + RECEIVER_OFFSET, ProcessLiveness.ownerWord(ProcessLiveness.MAX_ID, 1, true));

        for (int i = 0; i < 40; i++) {
            assertThat(send(lane, "refused", 0)).isEqualTo(RingStatus.FULL);
            assertThat(lane.poll(new byte[8], 0, 8, null)).isEqualTo(RingStatus.EMPTY);
        }

        region.putLongVolatile(BASE + RECEIVER_OFFSET, 0);
        assertThat(receive(lane, null)).isEqualTo("held");
        assertThat(lane.recoveredOwners()).isZero();
    }

    @Test
    void aRecordNoSenderCanWriteIsCorruptedAndTheLaneGoesOn() throws IOException {
        LaneRing lane = lane(256, 40);
        send(lane, "one", 0);
        send(lane, "two", 0);
        region.putInt(BASE + RECORDS_OFFSET, 1_000_000);

        assertThatThrownBy(() -> lane.poll(new byte[64], 0, 64, null)).isInstanceOfSatisfying(IpcException.class,
                e -> {
                    assertThat(e.error()).isEqualTo(IpcError.CORRUPTED);
                    assertThat(e.getMessage()).contains("lane test", "1000000 bytes", "largest 40 bytes");
                });
        assertThat(lane.isEmpty()).isTrue();
        assertThat(send(lane, "three", 0)).isEqualTo(RingStatus.SENT);
        assertThat(receive(lane, null)).isEqualTo("three");

        region.putLongVolatile(BASE + TAIL_OFFSET, region.getLong(BASE + HEAD_OFFSET) + 1 << 40);
        assertThat(lane.poll(new byte[64], 0, 64, null)).isEqualTo(RingStatus.EMPTY); // receivers read no tail
        assertThat(send(lane, "four", 0)).isEqualTo(RingStatus.SENT); // the tail found again from the head
        assertThat(send(lane, "five", 0)).isEqualTo(RingStatus.SENT);
        assertThat(receive(lane, null)).isEqualTo("four");
        assertThat(receive(lane, null)).isEqualTo("five");
    }

    @Test
    void attachRefusesWhatIsNotALaneThatFits() throws IOException {
        lane(256, 40);
        assertThatThrownBy(() -> LaneRing.attach(region, BASE, LaneDescriptor.length(128), "small"))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED));
        region.putInt(BASE + CAPACITY_OFFSET, 255);
        assertThatThrownBy(() -> LaneRing.attach(region, BASE, LaneDescriptor.length(256), "odd"))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.getMessage()).contains("inconsistent"));
        region.putInt(BASE + MAGIC_OFFSET, 0);
        assertThatThrownBy(() -> LaneRing.attach(region, BASE, LaneDescriptor.length(256), "blank"))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.getMessage()).contains("no initialized lane"));
    }

    /** Receivers of two attachments taking turns: each one's cached tail may lie behind the head the other moved. */
    @Test
    void receiversOfTwoAttachmentsTakeTurns() throws IOException {
        LaneRing lane = lane(256, 40);
        LaneRing other = LaneRing.attach(region, BASE, LaneDescriptor.length(256), "lane test");
        for (int i = 0; i < 20; i++) {
            send(lane, "m" + i, 0);
            send(lane, "n" + i, 0);
            assertThat(receive(lane, null)).isEqualTo("m" + i);
            assertThat(receive(other, null)).isEqualTo("n" + i);
            assertThat(lane.poll(new byte[8], 0, 8, null)).isEqualTo(RingStatus.EMPTY);
        }
    }

    /**
     * Two senders (each its own attachment, as two processes have) and one receiver on another
     * attachment, at once: every message arrives once, each sender's in its order.
     */
    @Test
    void twoSendersAndAReceiverOnAttachmentsOfTheirOwnLoseAndRepeatNothing() throws Exception {
        LaneRing lane = lane(1024, 16);
        int perSender = 200_000;
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread[] senders = new Thread[2];
        for (int s = 0; s < 2; s++) {
            int id = s;
            LaneRing mine = LaneRing.attach(region, BASE, LaneDescriptor.length(1024), "lane test");
            senders[s] = new Thread(() -> {
                byte[] m = new byte[12];
                ByteBuffer b = ByteBuffer.wrap(m);
                try {
                    for (int i = 0; i < perSender;) {
                        b.putInt(0, id).putLong(4, i);
                        if (mine.offer(m, 0, m.length, 0, SENDER, id) == RingStatus.SENT) {
                            i++;
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "lane-test-sender-" + s);
            senders[s].start();
        }
        LaneRing receiver = LaneRing.attach(region, BASE, LaneDescriptor.length(1024), "lane test");
        long[] next = new long[2];
        byte[] buf = new byte[16];
        ByteBuffer b = ByteBuffer.wrap(buf);
        for (int received = 0; received < 2 * perSender && failed.get() == null;) {
            int n = receiver.poll(buf, 0, buf.length, null);
            if (n < 0) {
                Thread.onSpinWait();
                continue;
            }
            assertThat(n).isEqualTo(12);
            int id = b.getInt(0);
            assertThat(b.getLong(4)).as("sender " + id).isEqualTo(next[id]);
            next[id]++;
            received++;
        }
        for (Thread t : senders) {
            t.join();
        }
        assertThat(failed.get()).isNull();
        assertThat(next).containsExactly(perSender, perSender);
        assertThat(receiver.isEmpty()).isTrue();
    }

    /** A head or tail off a record boundary (written by a hostile process) is CORRUPTED, never another exception. */
    @Test
    void aHeadOrTailOffARecordBoundaryIsCorrupted() throws IOException {
        LaneRing lane = lane(256, 40);
        send(lane, "one", 0);
        region.putLongVolatile(BASE + HEAD_OFFSET, 2);
        assertThatThrownBy(() -> lane.poll(new byte[64], 0, 64, null)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED));
        assertThat(lane.size()).isZero();
        assertThat(lane.isEmpty()).isTrue(); // dropped to the tail
        assertThat(send(lane, "two", 0)).isEqualTo(RingStatus.SENT);
        assertThat(receive(lane, null)).isEqualTo("two");

        region.putLongVolatile(BASE + TAIL_OFFSET, region.getLong(BASE + TAIL_OFFSET) + 4);
        assertThat(send(lane, "three", 0)).isEqualTo(RingStatus.SENT); // the tail found again from the head
        assertThat(receive(lane, null)).isEqualTo("three");

        region.putLongVolatile(BASE + HEAD_OFFSET, region.getLong(BASE + HEAD_OFFSET) + 4);
        region.putLongVolatile(BASE + TAIL_OFFSET, region.getLong(BASE + TAIL_OFFSET) + 4);
        assertThatThrownBy(() -> send(lane, "four", 0)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED));
        assertThatThrownBy(() -> lane.poll(new byte[64], 0, 64, null)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED));
    }

    /** A sender killed between its frame length and the tail: the record is received once, the next after it. */
    @Test
    void aRecordPublishedByASenderKilledBeforeItMovedTheTailIsReceivedOnce() throws IOException {
        LaneRing lane = lane(256, 40);
        send(lane, "first", 0);
        long tail = region.getLong(BASE + TAIL_OFFSET);
        send(lane, "second", 0);
        region.putLongVolatile(BASE + TAIL_OFFSET, tail); // as left by a sender killed before its tail store
        region.putLongVolatile(BASE + SENDER_OFFSET, DEAD);

        assertThat(send(lane, "third", 0)).isEqualTo(RingStatus.SENT);
        assertThat(lane.recoveredOwners()).isOne();
        assertThat(receive(lane, null)).isEqualTo("first");
        assertThat(receive(lane, null)).isEqualTo("second");
        assertThat(receive(lane, null)).isEqualTo("third");
        assertThat(lane.isEmpty()).isTrue();
    }

    /**
     * A sender killed between its frame length and the tail, and its record received before the
     * next sender takes its word over: the tail lies behind the head. The next sender must write
     * from the head, not over the record received (its next frame length, cleared ahead, would be
     * the head's: the message lost).
     */
    @Test
    void aRecordPublishedByAKilledSenderAndReceivedBeforeTheTakeoverIsNotWrittenOver() throws IOException {
        LaneRing lane = lane(256, 40);
        send(lane, "first", 0);
        long tail = region.getLong(BASE + TAIL_OFFSET);
        send(lane, "second", 0);
        region.putLongVolatile(BASE + TAIL_OFFSET, tail); // as left by a sender killed before its tail store
        region.putLongVolatile(BASE + SENDER_OFFSET, DEAD);
        LaneRing receiver = LaneRing.attach(region, BASE, LaneDescriptor.length(256), "lane test");
        assertThat(receive(receiver, null)).isEqualTo("first");
        assertThat(receive(receiver, null)).isEqualTo("second");

        assertThat(send(lane, "thirdx", 0)).isEqualTo(RingStatus.SENT); // a record as long as the second's
        assertThat(lane.recoveredOwners()).isOne();
        assertThat(receive(receiver, null)).isEqualTo("thirdx");
        assertThat(send(lane, "fourth", 0)).isEqualTo(RingStatus.SENT);
        assertThat(receive(receiver, null)).isEqualTo("fourth");
        assertThat(receiver.isEmpty()).isTrue();
    }

    /**
     * A sender killed at the wrap, its record published at offset 0 but not the padding record
     * before it: that record is never received, and the lane goes on over many laps.
     */
    @Test
    void aRecordAtTheWrapWithoutItsPaddingIsNeverReceived() throws IOException {
        LaneRing lane = lane(256, 40);
        for (int i = 0; i < 3; i++) { // records of 64 bytes at 0, 64, 128; the tail at 192
            send(lane, "m" + i + "-".repeat(38), 0);
            receive(lane, null);
        }
        byte[] ghost = "ghost".getBytes(StandardCharsets.US_ASCII);
        region.putBytes(BASE + RECORDS_OFFSET + RECORD_HEADER_SIZE, ghost, 0, ghost.length);
        region.putIntVolatile(BASE + RECORDS_OFFSET + FRAME_LENGTH_OFFSET, RECORD_HEADER_SIZE + ghost.length);
        region.putLongVolatile(BASE + SENDER_OFFSET, DEAD);

        for (int i = 0; i < 40; i++) {
            String text = "after " + i + "-".repeat(i % 30);
            assertThat(send(lane, text, 0)).isEqualTo(RingStatus.SENT);
            assertThat(receive(lane, null)).isEqualTo(text);
            assertThat(lane.isEmpty()).isTrue();
        }
        assertThat(lane.recoveredOwners()).isOne();
    }

    /** A receiver's dead owner word with a {@code taking} off a record boundary: ignored, the message stays. */
    @Test
    void aTakingOffARecordBoundaryIsIgnored() throws IOException {
        LaneRing lane = lane(256, 40);
        send(lane, "stays", 0);
        region.putLong(BASE + TAKING_OFFSET, region.getLong(BASE + HEAD_OFFSET) + 4);
        region.putLongVolatile(BASE + RECEIVER_OFFSET, DEAD);
        assertThat(receive(lane, null)).isEqualTo("stays");
    }

    /** Where the wrap falls, a lane sized for two messages of the largest size takes them both. */
    @Test
    void aLaneHoldsWhatItWasSizedForWhereverTheWrapFalls() throws IOException {
        int capacity = LaneDescriptor.capacity(1986, 2, 993);
        LaneRing lane = lane(capacity, 993);
        byte[] big = new byte[993];
        for (int shift = 0; shift < capacity; shift += 8) {
            assertThat(lane.offer(big, 0, 1, 0, SENDER, 1)).isEqualTo(RingStatus.SENT);
            assertThat(lane.poll(new byte[993], 0, 993, null)).isEqualTo(1);
            assertThat(lane.offer(big, 0, 993, 0, SENDER, 1)).as("at " + shift).isEqualTo(RingStatus.SENT);
            assertThat(lane.offer(big, 0, 993, 0, SENDER, 1)).as("at " + shift).isEqualTo(RingStatus.SENT);
            assertThat(lane.poll(new byte[993], 0, 993, null)).isEqualTo(993);
            assertThat(lane.poll(new byte[993], 0, 993, null)).isEqualTo(993);
        }
    }

    @Test
    void attachRefusesALargestMessageWhoseRecordWouldOverflow() throws IOException {
        lane(256, 40);
        region.putInt(BASE + MAX_MESSAGE_SIZE_OFFSET, Integer.MAX_VALUE - 20);
        assertThatThrownBy(() -> LaneRing.attach(region, BASE, LaneDescriptor.length(256), "huge"))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED));
    }
}
