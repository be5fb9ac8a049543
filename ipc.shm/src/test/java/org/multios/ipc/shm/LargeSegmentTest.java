package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;

/**
 * Segments beyond 2 GiB. The root is on disk (not /dev/shm): the file's storage is reserved but
 * only a few pages are ever touched, so the test costs neither RAM nor much time.
 */
class LargeSegmentTest extends ShmTestSupport {
    private static final long GIB = 1L << 30;
    private static final long SIZE = 3 * GIB;
    private static final long TWO_GIB = 1L << 31;

    @Override
    protected boolean preferTmpfs() {
        return false;
    }

    private IpcLimits bigLimits() {
        return IpcLimits.defaults().with(Limit.SEGMENT_SIZE, 3 * GIB + GIB / 2).with(Limit.ROOT_BYTES, 4 * GIB);
    }

    private void assumeRoomOnDisk() throws IOException {
        FileStore store = Files.getFileStore(tempDir);
        assumeTrue(!"tmpfs".equals(store.type()) && !"ramfs".equals(store.type()),
                "the temporary directory is memory-backed (" + store.type() + ")");
        assumeTrue(store.getUsableSpace() >= 4 * GIB, "less than 4 GiB free on " + store);
    }

    private static void roundTrip(SharedMemory s, long offset, int length, int seed) {
        byte[] data = pattern(length, seed);
        s.write(offset, data);
        byte[] back = new byte[length];
        assertThat(s.read(offset, back)).isEqualTo(length);
        assertThat(back).as("bytes at %d", offset).isEqualTo(data);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aThreeGibSegmentWorksAcrossTwoGib() throws IOException {
        assumeRoomOnDisk();
        IpcContext a = open(bigLimits());
        IpcContext b = open(bigLimits());
        SharedMemory big = shm(a).create("big", SIZE, 0600);
        assertThat(big.size()).isEqualTo(SIZE);
        assertThat(Files.size(segmentFile("big"))).isEqualTo(SIZE + 4096);

        roundTrip(big, 0, 4096, 1);
        roundTrip(big, TWO_GIB - 4096, 4096, 2);
        roundTrip(big, TWO_GIB - 3, 16, 3);
        roundTrip(big, TWO_GIB + 1025, 100, 4);
        roundTrip(big, GIB - 4096 - 5, 10, 5);
        roundTrip(big, SIZE - 4096, 4096, 6);
        roundTrip(big, SIZE - 1, 1, 7);

        try (Mapping m = big.map(MapAccess.READ_WRITE)) {
            assertThat(m.length()).isEqualTo(SIZE);
            m.putLong(TWO_GIB - 4, 0x1122334455667788L);
            assertThat(m.getLong(TWO_GIB - 4)).isEqualTo(0x1122334455667788L);
            m.putInt(SIZE - 4, -5);
            assertThat(m.getInt(SIZE - 4)).isEqualTo(-5);
            m.putLongVolatile(TWO_GIB + 8, 40);
            assertThat(m.getAndAddLong(TWO_GIB + 8, 2)).isEqualTo(40);
            assertThat(m.compareAndSetLong(TWO_GIB + 8, 42, 43)).isTrue();
            assertThat(m.getAndAddInt(TWO_GIB + 200, 7)).isZero();
            assertThat(m.getLongVolatile(SIZE - 8)).isEqualTo(m.getLong(SIZE - 8));
            expectError(IpcError.INVALID_ARGUMENT, () -> m.getByte(SIZE));
            expectError(IpcError.INVALID_ARGUMENT, () -> m.getLong(SIZE - 7));
            expectError(IpcError.INVALID_ARGUMENT, () -> m.getLongVolatile(TWO_GIB + 4));
        }
        expectError(IpcError.INVALID_ARGUMENT, () -> big.write(SIZE - 1, new byte[2]));
        expectError(IpcError.INVALID_ARGUMENT, () -> big.read(SIZE + 1, new byte[1]));

        SharedMemory other = shm(b).open("big");
        assertThat(other.size()).isEqualTo(SIZE);
        try (Mapping window = other.map(MapAccess.READ_WRITE, TWO_GIB, 4096)) {
            assertThat(window.getLongVolatile(8)).isEqualTo(43);
            assertThat(window.getAndAddLong(8, 1)).isEqualTo(43);
            assertThat(window.getIntVolatile(200)).isEqualTo(7);
            byte[] one = new byte[100];
            window.read(1025, one, 0, 100);
            assertThat(one).isEqualTo(pattern(100, 4));
        }
        try (Mapping tail = other.map(MapAccess.READ_ONLY, SIZE - 4096, 4096)) {
            ByteBuffer last = ByteBuffer.allocate(4);
            tail.read(4092, last);
            assertThat(last.flip().order(tail.order()).getInt()).isEqualTo(-5);
        }
        try (Mapping m = big.map(MapAccess.READ_ONLY)) {
            assertThat(m.getLongVolatile(TWO_GIB + 8)).isEqualTo(44);
        }
        assertThat(a.runtime().object(org.multios.ipc.ObjectType.SHARED_MEMORY, "big").orElseThrow().capacity())
                .isEqualTo(SIZE);
    }

    @Test
    void theDefaultLimitStillRefusesLargeSegments() {
        expectError(IpcError.LIMIT_EXCEEDED, () -> shm(open()).create("big", SIZE, 0600))
                .hasMessageContaining("shm.segment.size.max");
        assertThat(segmentFile("big")).doesNotExist();
    }
}
