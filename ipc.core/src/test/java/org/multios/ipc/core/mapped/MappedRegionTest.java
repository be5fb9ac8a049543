package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.core.mapped.MappedRegion.CHUNK_SIZE;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedRegionTest {
    @TempDir
    Path dir;

    /** A sparse file of the given length, mapped read-write. */
    private MappedRegion mapNew(String name, long length) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
        return map(file, length, true);
    }

    private static MappedRegion map(Path file, long length, boolean writable) throws IOException {
        try (FileChannel ch = writable
                ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ)) {
            return MappedRegion.map(ch, length, writable);
        }
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    @Nested
    class SmallRegion {
        @Test
        void plainRoundTripsOfEveryWidth() throws IOException {
            MappedRegion r = mapNew("small", 8192);
            assertThat(r.length()).isEqualTo(8192);
            assertThat(r.isWritable()).isTrue();

            r.putByte(0, (byte) 0x7f);
            r.putByte(8191, (byte) -1);
            r.putInt(4, 0xCAFEBABE);
            r.putInt(9, -123456789);
            r.putLong(16, 0x0123456789ABCDEFL);
            r.putLong(27, Long.MIN_VALUE + 5);

            assertThat(r.getByte(0)).isEqualTo((byte) 0x7f);
            assertThat(r.getByte(8191)).isEqualTo((byte) -1);
            assertThat(r.getInt(4)).isEqualTo(0xCAFEBABE);
            assertThat(r.getInt(9)).isEqualTo(-123456789);
            assertThat(r.getLong(16)).isEqualTo(0x0123456789ABCDEFL);
            assertThat(r.getLong(27)).isEqualTo(Long.MIN_VALUE + 5);
        }

        @Test
        void clearZeroesExactlyItsRangeAtAnyAlignmentAndLength() throws IOException {
            MappedRegion r = mapNew("clear", 4096);
            for (int offset = 0; offset < 17; offset++) {
                for (int length = 0; length < 40; length++) {
                    r.fill(0, 128, (byte) 0x5a);
                    r.clear(offset, length);
                    for (int i = 0; i < 128; i++) {
                        byte expected = i >= offset && i < offset + length ? 0 : (byte) 0x5a;
                        assertThat(r.getByte(i)).as("byte %d after clear(%d, %d)", i, offset, length).isEqualTo(expected);
                    }
                }
            }
        }

        @Test
        void multiByteValuesAreInNativeOrder() throws IOException {
            MappedRegion r = mapNew("order", 4096);
            r.putLong(8, 0x0102030405060708L);
            byte[] raw = new byte[8];
            r.getBytes(8, raw, 0, 8);
            assertThat(ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).getLong()).isEqualTo(0x0102030405060708L);
        }

        @Test
        void atomicIntOperations() throws IOException {
            MappedRegion r = mapNew("aint", 4096);
            r.putIntVolatile(64, 10);
            assertThat(r.getIntVolatile(64)).isEqualTo(10);
            r.putIntRelease(64, 11);
            assertThat(r.getIntAcquire(64)).isEqualTo(11);
            assertThat(r.compareAndSetInt(64, 10, 99)).isFalse();
            assertThat(r.getInt(64)).isEqualTo(11);
            assertThat(r.compareAndSetInt(64, 11, 12)).isTrue();
            assertThat(r.getAndAddInt(64, 5)).isEqualTo(12);
            assertThat(r.getAndSetInt(64, -1)).isEqualTo(17);
            assertThat(r.getAndAddInt(64, 1)).isEqualTo(-1);
            assertThat(r.getIntVolatile(64)).isZero();
            r.putIntVolatile(68, Integer.MAX_VALUE);
            assertThat(r.getAndAddInt(68, 1)).isEqualTo(Integer.MAX_VALUE);
            assertThat(r.getInt(68)).isEqualTo(Integer.MIN_VALUE);
        }

        @Test
        void atomicLongOperations() throws IOException {
            MappedRegion r = mapNew("along", 4096);
            r.putLongVolatile(128, 1L << 40);
            assertThat(r.getLongVolatile(128)).isEqualTo(1L << 40);
            r.putLongRelease(128, 7);
            assertThat(r.getLongAcquire(128)).isEqualTo(7);
            assertThat(r.compareAndSetLong(128, 8, 1)).isFalse();
            assertThat(r.compareAndSetLong(128, 7, 100)).isTrue();
            assertThat(r.getAndAddLong(128, -50)).isEqualTo(100);
            assertThat(r.getAndSetLong(128, Long.MAX_VALUE)).isEqualTo(50);
            assertThat(r.getAndAddLong(128, 1)).isEqualTo(Long.MAX_VALUE);
            assertThat(r.getLong(128)).isEqualTo(Long.MIN_VALUE);
        }

        @Test
        void twoMappingsOfOneFileShareMemory() throws IOException {
            MappedRegion a = mapNew("shared", 4096);
            MappedRegion b = map(dir.resolve("shared"), 4096, true);
            a.putLongVolatile(0, 41);
            assertThat(b.getAndAddLong(0, 1)).isEqualTo(41);
            assertThat(a.getLongVolatile(0)).isEqualTo(42);
            b.putBytes(100, new byte[] { 1, 2, 3 }, 0, 3);
            assertThat(a.getByte(102)).isEqualTo((byte) 3);
            assertThat(a.address(0)).isNotEqualTo(b.address(0));
            assertThat(a.address(100) - a.address(0)).isEqualTo(100);
        }

        @Test
        void readOnlyRegionReads() throws IOException {
            MappedRegion w = mapNew("ro", 4096);
            w.putInt(0, 5);
            MappedRegion r = map(dir.resolve("ro"), 4096, false);
            assertThat(r.isWritable()).isFalse();
            assertThat(r.getInt(0)).isEqualTo(5);
            assertThat(r.getIntVolatile(0)).isEqualTo(5);
        }

        @Test
        void bulkCopiesWithArrayOffsets() throws IOException {
            MappedRegion r = mapNew("bulk", 4096);
            byte[] src = pattern(100, 3);
            r.putBytes(1000, src, 10, 50);
            byte[] dst = new byte[70];
            r.getBytes(1000, dst, 5, 50);
            for (int i = 0; i < 50; i++) {
                assertThat(dst[5 + i]).isEqualTo(src[10 + i]);
            }
            assertThat(dst[4]).isZero();
            assertThat(dst[55]).isZero();
            r.putBytes(0, src, 0, 0);
            assertThat(r.getByte(0)).isZero();
        }

        @Test
        void byteBufferCopiesAdvancePositions() throws IOException {
            MappedRegion r = mapNew("bb", 4096);
            ByteBuffer src = ByteBuffer.wrap(pattern(64, 1));
            src.position(4).limit(36);
            r.putBytes(200, src);
            assertThat(src.position()).isEqualTo(36);
            assertThat(src.hasRemaining()).isFalse();

            ByteBuffer heap = ByteBuffer.allocate(40);
            heap.position(8);
            r.getBytes(200, heap);
            assertThat(heap.position()).isEqualTo(40);
            for (int i = 0; i < 32; i++) {
                assertThat(heap.get(8 + i)).isEqualTo(src.get(4 + i));
            }

            ByteBuffer direct = ByteBuffer.allocateDirect(32);
            r.getBytes(200, direct);
            assertThat(direct.position()).isEqualTo(32);
            direct.flip();
            assertThat(direct).isEqualTo(src.duplicate().position(4).limit(36));

            ByteBuffer empty = ByteBuffer.allocate(0);
            r.getBytes(4096, empty);
            assertThat(empty.position()).isZero();
        }

        @Test
        void fillSetsExactlyTheRange() throws IOException {
            MappedRegion r = mapNew("fill", 200_000);
            r.fill(10, 150_000, (byte) 0x5A);
            assertThat(r.getByte(9)).isZero();
            assertThat(r.getByte(10)).isEqualTo((byte) 0x5A);
            assertThat(r.getByte(70_000)).isEqualTo((byte) 0x5A);
            assertThat(r.getByte(150_009)).isEqualTo((byte) 0x5A);
            assertThat(r.getByte(150_010)).isZero();
            r.fill(10, 150_000, (byte) 0);
            assertThat(r.getByte(100_000)).isZero();
            r.fill(0, 0, (byte) 1);
            assertThat(r.getByte(0)).isZero();
        }

        @Test
        void accessOutsideTheRegionThrowsIndexOutOfBounds() throws IOException {
            MappedRegion r = mapNew("oob", 4096);
            assertThatThrownBy(() -> r.getByte(4096)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> r.getInt(4094)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> r.putLong(1L << 31, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        }

        @Test
        void nonPositiveLengthIsRefused() throws IOException {
            Path file = dir.resolve("zero");
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(4096);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                assertThatThrownBy(() -> MappedRegion.map(ch, 0, true)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> MappedRegion.map(ch, -1, true)).isInstanceOf(IllegalArgumentException.class);
            }
        }

        /** Issue #16 item 2: before, 2^61 bytes overflowed the chunk count (NegativeArraySizeException). */
        @Test
        void aLengthWhoseChunksOverflowAnIntIsRefused() throws IOException {
            Path file = dir.resolve("huge");
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(4096);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                for (long length : new long[] { 1L << 61, Long.MAX_VALUE }) {
                    assertThatThrownBy(() -> MappedRegion.map(ch, length, false))
                            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Long.toString(length));
                }
            }
        }

        @Test
        void mappingStaysValidAfterTheChannelCloses() throws IOException {
            MappedRegion r = mapNew("closed-channel", 4096);
            r.putLong(0, 77);
            r.force();
            MappedRegion again = map(dir.resolve("closed-channel"), 4096, false);
            assertThat(again.getLong(0)).isEqualTo(77);
        }
    }

    /** A region of more than one chunk: a sparse file on disk, only a few pages touched. */
    @Nested
    class AcrossTheChunkBoundary {
        private static final long B = CHUNK_SIZE;

        private MappedRegion big() throws IOException {
            MappedRegion r = mapNew("big", B + 256 * 1024 + 100);
            assertThat(r.length()).isEqualTo(B + 256 * 1024 + 100);
            return r;
        }

        @Test
        void bulkArrayCopyStraddlingTheBoundary() throws IOException {
            MappedRegion r = big();
            byte[] src = pattern(10_000, 9);
            r.putBytes(B - 4_000, src, 0, src.length);
            byte[] dst = new byte[src.length];
            r.getBytes(B - 4_000, dst, 0, dst.length);
            assertThat(dst).isEqualTo(src);
            assertThat(r.getByte(B - 1)).isEqualTo(src[3_999]);
            assertThat(r.getByte(B)).isEqualTo(src[4_000]);
            assertThat(r.getByte(B - 4_001)).isZero();
            assertThat(r.getByte(B + 6_000)).isZero();
        }

        @Test
        void bulkArrayCopyWithOffsetsStraddlingTheBoundary() throws IOException {
            MappedRegion r = big();
            byte[] src = pattern(300, 4);
            r.putBytes(B - 7, src, 100, 20);
            byte[] dst = new byte[40];
            r.getBytes(B - 7, dst, 10, 20);
            for (int i = 0; i < 20; i++) {
                assertThat(dst[10 + i]).isEqualTo(src[100 + i]);
            }
        }

        @Test
        void byteBufferCopiesStraddlingTheBoundaryAdvancePositions() throws IOException {
            MappedRegion r = big();
            ByteBuffer src = ByteBuffer.allocateDirect(5_000);
            src.put(pattern(5_000, 2)).flip();
            src.position(1_000);
            r.putBytes(B - 2_000, src);
            assertThat(src.position()).isEqualTo(5_000);

            ByteBuffer dst = ByteBuffer.allocate(4_500);
            dst.position(500);
            r.getBytes(B - 2_000, dst);
            assertThat(dst.position()).isEqualTo(4_500);
            byte[] expected = pattern(5_000, 2);
            for (int i = 0; i < 4_000; i++) {
                assertThat(dst.get(500 + i)).as("byte %d", i).isEqualTo(expected[1_000 + i]);
            }
        }

        @Test
        void unalignedIntsAndLongsAcrossTheBoundary() throws IOException {
            MappedRegion r = big();
            for (int shift = 1; shift < Integer.BYTES; shift++) {
                int v = 0x11223344 * shift;
                r.putInt(B - shift, v);
                assertThat(r.getInt(B - shift)).as("int straddling by %d", shift).isEqualTo(v);
            }
            for (int shift = 1; shift < Long.BYTES; shift++) {
                long v = 0x0102030405060708L * shift + shift;
                r.putLong(B - shift, v);
                assertThat(r.getLong(B - shift)).as("long straddling by %d", shift).isEqualTo(v);
                byte[] raw = new byte[8];
                r.getBytes(B - shift, raw, 0, 8);
                assertThat(ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).getLong()).isEqualTo(v);
            }
        }

        @Test
        void valuesWrittenAsBytesAcrossTheBoundaryReadAsWords() throws IOException {
            MappedRegion r = big();
            byte[] raw = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, -2L).array();
            r.putBytes(B - 5, raw, 0, 8);
            assertThat(r.getLong(B - 5)).isEqualTo(-2L);
            assertThat(r.getInt(B - 5)).isEqualTo(ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).getInt(0));
        }

        @Test
        void atomicsOnEitherSideOfTheBoundaryAndInTheLastChunk() throws IOException {
            MappedRegion r = big();
            r.putLongVolatile(B - 8, 1);
            r.putLongVolatile(B, 2);
            assertThat(r.getAndAddLong(B - 8, 10)).isEqualTo(1);
            assertThat(r.compareAndSetLong(B, 2, 20)).isTrue();
            assertThat(r.getLongVolatile(B - 8)).isEqualTo(11);
            assertThat(r.getLongVolatile(B)).isEqualTo(20);
            assertThat(r.getAndAddInt(B + 4, 3)).isZero();
            assertThat(r.getIntAcquire(B + 4)).isEqualTo(3);
            long last = r.length() - 100 - 8;
            r.putLongRelease(last, 9);
            assertThat(r.getAndSetLong(last, 10)).isEqualTo(9);
            assertThat(r.getLong(last)).isEqualTo(10);
            assertThat(r.address(B) - r.address(B - 8)).as("chunks are separate mappings").isNotZero();
        }

        @Test
        void fillAcrossTheBoundary() throws IOException {
            MappedRegion r = big();
            r.fill(B - 100_000, 200_000, (byte) 7);
            assertThat(r.getByte(B - 100_001)).isZero();
            assertThat(r.getByte(B - 100_000)).isEqualTo((byte) 7);
            assertThat(r.getByte(B - 1)).isEqualTo((byte) 7);
            assertThat(r.getByte(B)).isEqualTo((byte) 7);
            assertThat(r.getByte(B + 99_999)).isEqualTo((byte) 7);
            assertThat(r.getByte(B + 100_000)).isZero();
        }

        @Test
        void lastByteOfTheRegion() throws IOException {
            MappedRegion r = big();
            long end = r.length() - 1;
            r.putByte(end, (byte) 42);
            assertThat(r.getByte(end)).isEqualTo((byte) 42);
            assertThatThrownBy(() -> r.getByte(end + 1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
