package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;

/** The ring on its own, over a mapped temporary file, one thread. */
@Timeout(30)
class PriorityRingTest {
    private static final long BASE = 128;
    private static final long SENDER = PriorityRing.sender(ProcessKind.OS_PROCESS, 4242);

    @TempDir
    Path dir;

    private MappedRegion region(int capacity, int maxSize) throws IOException {
        long length = BASE + PriorityRingDescriptor.length(capacity, maxSize);
        return TestRegions.created(dir.resolve("ring-" + capacity + "-" + maxSize), length);
    }

    private PriorityRing ring(int capacity, int maxSize) throws IOException {
        return PriorityRing.initialize(region(capacity, maxSize), BASE, capacity, maxSize);
    }

    private static int send(PriorityRing ring, String text, int priority) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return ring.offer(b, 0, b.length, priority, SENDER, 77);
    }

    private static String receive(PriorityRing ring, MessageInfo info) {
        byte[] buf = new byte[64];
        int n = ring.poll(buf, 0, buf.length, info);
        assertThat(n).as("a message").isGreaterThanOrEqualTo(0);
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void higherPriorityFirstAndFifoWithinPriority() throws IOException {
        PriorityRing ring = ring(16, 32);
        send(ring, "low-1", 0);
        send(ring, "mid-1", 7);
        send(ring, "high", 31);
        send(ring, "low-2", 0);
        send(ring, "mid-2", 7);
        MessageInfo info = new MessageInfo();
        assertThat(receive(ring, info)).isEqualTo("high");
        assertThat(info.priority()).isEqualTo(31);
        assertThat(info.senderKind()).isEqualTo(ProcessKind.OS_PROCESS);
        assertThat(info.senderId()).isEqualTo(4242);
        assertThat(info.senderPid()).isEqualTo(77);
        assertThat(receive(ring, info)).isEqualTo("mid-1");
        assertThat(receive(ring, info)).isEqualTo("mid-2");
        assertThat(receive(ring, info)).isEqualTo("low-1");
        assertThat(receive(ring, info)).isEqualTo("low-2");
        assertThat(ring.poll(new byte[8], 0, 8, info)).isEqualTo(RingStatus.EMPTY);
        assertThat(ring.isEmpty()).isTrue();
    }

    @Test
    void fullFailsFastAndEmptySaysSo() throws IOException {
        PriorityRing ring = ring(3, 8);
        assertThat(ring.poll(new byte[8], 0, 8, null)).isEqualTo(RingStatus.EMPTY);
        assertThat(send(ring, "a", 1)).isEqualTo(RingStatus.SENT_TO_EMPTY);
        assertThat(send(ring, "b", 2)).isEqualTo(RingStatus.SENT);
        assertThat(send(ring, "c", 3)).isEqualTo(RingStatus.SENT);
        assertThat(ring.size()).isEqualTo(3);
        assertThat(send(ring, "d", 3)).isEqualTo(RingStatus.FULL);
        assertThat(receive(ring, null)).isEqualTo("c");
        assertThat(send(ring, "d", 0)).isEqualTo(RingStatus.SENT);
        assertThat(receive(ring, null)).isEqualTo("b");
        assertThat(receive(ring, null)).isEqualTo("a");
        assertThat(receive(ring, null)).isEqualTo("d");
        assertThat(ring.size()).isZero();
        assertThat(send(ring, "e", 5)).as("empty again").isEqualTo(RingStatus.SENT_TO_EMPTY);
    }

    @Test
    void aRingThatKeepsMarksStillReadsEmptyAndServesPrioritiesInOrder() throws IOException {
        PriorityRing initialized = ring(4, 8);
        PriorityRing ring = PriorityRing.attachKeepingMarks(initialized.region(), BASE,
                PriorityRingDescriptor.length(4, 8), "ring");
        assertThat(send(ring, "a", 2)).isEqualTo(RingStatus.SENT_TO_EMPTY);
        assertThat(receive(ring, null)).isEqualTo("a");
        long bitmap = BASE + PriorityRingDescriptor.BITMAP_OFFSET;
        assertThat(ring.region().getIntVolatile(bitmap)).as("priority 2 left marked").isEqualTo(1 << 2);
        assertThat(ring.isEmpty()).as("its ring, not its mark, says").isTrue();
        assertThat(send(ring, "b", 2)).as("over the mark left").isEqualTo(RingStatus.SENT);
        assertThat(ring.isEmpty()).isFalse();
        assertThat(send(ring, "c", 5)).isEqualTo(RingStatus.SENT);
        assertThat(receive(ring, null)).isEqualTo("c");
        assertThat(receive(ring, null)).isEqualTo("b");
        assertThat(ring.poll(new byte[8], 0, 8, null)).isEqualTo(RingStatus.EMPTY);
        assertThat(ring.region().getIntVolatile(bitmap)).as("a take that found them empty cleared the marks")
                .isZero();
        assertThat(ring.isEmpty()).isTrue();
    }

    @Test
    void messageLongerThanTheBufferStaysQueued() throws IOException {
        PriorityRing ring = ring(4, 32);
        send(ring, "0123456789", 4);
        send(ring, "xy", 4);
        MessageInfo info = new MessageInfo();
        assertThat(ring.poll(new byte[4], 0, 4, info)).isEqualTo(RingStatus.TOO_LARGE);
        assertThat(info.length()).isEqualTo(10);
        assertThat(info.priority()).isEqualTo(4);
        assertThat(ring.size()).isEqualTo(2);
        ByteBuffer small = ByteBuffer.allocate(9);
        assertThat(ring.poll(small, info)).isEqualTo(RingStatus.TOO_LARGE);
        assertThat(small.position()).isZero();
        assertThat(receive(ring, info)).isEqualTo("0123456789");
        assertThat(receive(ring, info)).isEqualTo("xy");
    }

    @Test
    void oversizeOfferIsRefusedAndTakesNothing() throws IOException {
        PriorityRing ring = ring(2, 4);
        assertThat(send(ring, "12345", 0)).isEqualTo(RingStatus.TOO_LARGE);
        assertThat(ring.size()).isZero();
        assertThat(send(ring, "1234", 0)).isEqualTo(RingStatus.SENT_TO_EMPTY);
        assertThat(send(ring, "", 0)).isEqualTo(RingStatus.SENT);
        assertThat(receive(ring, null)).isEqualTo("1234");
        assertThat(receive(ring, null)).isEmpty();
    }

    @Test
    void byteBuffersMoveOnlyOnSuccess() throws IOException {
        PriorityRing ring = ring(1, 16);
        ByteBuffer src = ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(ring.offer(src, 3, SENDER, 1)).isEqualTo(RingStatus.SENT_TO_EMPTY);
        assertThat(src.hasRemaining()).isFalse();
        ByteBuffer again = ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII));
        assertThat(ring.offer(again, 3, SENDER, 1)).isEqualTo(RingStatus.FULL);
        assertThat(again.position()).isZero();
        ByteBuffer dst = ByteBuffer.allocateDirect(32);
        dst.position(2);
        assertThat(ring.poll(dst, null)).isEqualTo(5);
        assertThat(dst.position()).isEqualTo(7);
        assertThat(dst.limit()).isEqualTo(32);
        byte[] got = new byte[5];
        dst.get(2, got);
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("hello");
    }

    @Test
    void wrapsAroundManyTimes() throws IOException {
        PriorityRing ring = ring(5, 16);
        byte[] buf = new byte[16];
        byte[] msg = new byte[12];
        MessageInfo info = new MessageInfo();
        long next = 0;
        long expected = 0;
        for (int round = 0; round < 20_000; round++) {
            int burst = 1 + round % 5;
            for (int i = 0; i < burst; i++) {
                ByteBuffer.wrap(msg).putLong(0, next).putInt(8, (int) (next * 31));
                assertThat(ring.offer(msg, 0, msg.length, 9, SENDER, 1)).isGreaterThanOrEqualTo(0);
                next++;
            }
            for (int i = 0; i < burst; i++) {
                assertThat(ring.poll(buf, 0, buf.length, info)).isEqualTo(12);
                ByteBuffer b = ByteBuffer.wrap(buf);
                assertThat(b.getLong(0)).isEqualTo(expected);
                assertThat(b.getInt(8)).isEqualTo((int) (expected * 31));
                expected++;
            }
        }
        assertThat(expected).isGreaterThan(50_000);
        assertThat(ring.size()).isZero();
        assertThat(ring.isEmpty()).isTrue();
    }

    @Test
    void attachChecksTheLayout() throws IOException {
        MappedRegion region = region(8, 24);
        long length = PriorityRingDescriptor.length(8, 24);
        assertThatThrownBy(() -> PriorityRing.attach(region, BASE, length, "test ring"))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED));
        PriorityRing.initialize(region, BASE, 8, 24);
        PriorityRing attached = PriorityRing.attach(region, BASE, length, "test ring");
        assertThat(attached.capacity()).isEqualTo(8);
        assertThat(attached.maxMessageSize()).isEqualTo(24);
        assertThatThrownBy(() -> PriorityRing.attach(region, BASE, length - 1, "test ring"))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED));
        region.putInt(BASE + PriorityRingDescriptor.SLOT_SIZE_OFFSET, 3);
        assertThatThrownBy(() -> PriorityRing.attach(region, BASE, length, "test ring"))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED));
    }

    @Test
    void descriptorSizes() {
        assertThat(PriorityRingDescriptor.indexLength(1)).isEqualTo(1);
        assertThat(PriorityRingDescriptor.indexLength(256)).isEqualTo(256);
        assertThat(PriorityRingDescriptor.indexLength(257)).isEqualTo(512);
        assertThat(PriorityRingDescriptor.freeLength(257)).isEqualTo(1024);
        // the layout before (PRN3): a free ring of C entries, the priorities' rings right after it
        assertThat(PriorityRingDescriptor.freeLength(257, PriorityRingDescriptor.FREE_SCALE_PRN3)).isEqualTo(512);
        assertThat(PriorityRingDescriptor.slotsOffset(257, PriorityRingDescriptor.FREE_SCALE_PRN3))
                .isEqualTo(PriorityRingDescriptor.ENTRIES_OFFSET + 33L * 512 * PriorityRingDescriptor.ENTRY_SIZE);
        assertThat(PriorityRingDescriptor.entryOffset(257, PriorityRingDescriptor.FREE_SCALE_PRN3, 1, 0))
                .isEqualTo(PriorityRingDescriptor.ENTRIES_OFFSET + 512L * PriorityRingDescriptor.ENTRY_SIZE);
        assertThat(PriorityRingDescriptor.slotsOffset(257))
                .isEqualTo(PriorityRingDescriptor.ENTRIES_OFFSET + 34L * 512 * PriorityRingDescriptor.ENTRY_SIZE);
        assertThat(PriorityRingDescriptor.freeScale(PriorityRingDescriptor.MAGIC_PRN3)).isEqualTo(1);
        assertThat(PriorityRingDescriptor.freeScale(PriorityRingDescriptor.MAGIC)).isEqualTo(2);
        assertThat(PriorityRingDescriptor.freeScale(0x50524e32)).isZero();
        assertThat(PriorityRingDescriptor.slotSize(1)).isEqualTo(PriorityRingDescriptor.SLOT_HEADER_SIZE + 8);
        assertThat(PriorityRingDescriptor.slotsOffset(3) % PriorityRingDescriptor.CACHE_LINE).isZero();
    }
}
