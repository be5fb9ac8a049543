package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectType;

/** The shared memory service as a user works with it, through the plain-Java bootstrap. */
class SharedMemoryServiceTest extends ShmTestSupport {

    @Nested
    class Workflow {
        @Test
        void createMapWriteThenOpenFromAnotherProcessAndRead() {
            IpcContext producer = open();
            IpcContext consumer = open();

            SharedMemory created = shm(producer).create("orders", 4096, 0660);
            assertThat(created.type()).isEqualTo(ObjectType.SHARED_MEMORY);
            assertThat(created.name()).contains("orders");
            assertThat(created.size()).isEqualTo(4096);
            assertThat(created.isUnlinked()).isFalse();
            assertThat(created.isClosed()).isFalse();

            byte[] message = "hello, shared world".getBytes();
            try (Mapping m = created.map(MapAccess.READ_WRITE)) {
                assertThat(m.access()).isEqualTo(MapAccess.READ_WRITE);
                assertThat(m.offset()).isZero();
                assertThat(m.length()).isEqualTo(4096);
                assertThat(m.segment()).isSameAs(created);
                assertThat(m.address()).isNotZero();
                m.write(16, message, 0, message.length);
            }

            SharedMemory opened = shm(consumer).open("orders");
            assertThat(opened.size()).isEqualTo(4096);
            assertThat(opened.name()).contains("orders");
            byte[] buffer = new byte[message.length];
            assertThat(opened.read(16, buffer)).isEqualTo(message.length);
            assertThat(buffer).isEqualTo(message);
            try (Mapping m = opened.map(MapAccess.READ_ONLY)) {
                byte[] again = new byte[message.length];
                m.read(16, again, 0, again.length);
                assertThat(again).isEqualTo(message);
            }
        }

        @Test
        void writesOfEitherSideAreSeenByTheOtherSidesLiveMapping() {
            IpcContext a = open();
            IpcContext b = open();
            SharedMemory sa = shm(a).create("pingpong", 8192, 0600);
            SharedMemory sb = shm(b).open("pingpong");
            try (Mapping ma = sa.map(MapAccess.READ_WRITE); Mapping mb = sb.map(MapAccess.READ_WRITE)) {
                ma.putLong(0, 1234L);
                assertThat(mb.getLong(0)).isEqualTo(1234L);
                mb.putIntVolatile(4096, 77);
                assertThat(ma.getIntVolatile(4096)).isEqualTo(77);
                sb.write(8000, new byte[] { 9, 8, 7 });
                assertThat(ma.getByte(8002)).isEqualTo((byte) 7);
            }
        }

        @Test
        void aNewSegmentIsZeroed() {
            SharedMemory s = shm(open()).create("zeros", 64 * 1024, 0600);
            byte[] all = new byte[64 * 1024];
            java.util.Arrays.fill(all, (byte) 1);
            assertThat(s.read(0, all)).isEqualTo(all.length);
            assertThat(all).containsOnly(0);
        }

        @Test
        void handleWriteAndReadRoundTrip() {
            SharedMemory s = shm(open()).create("rw", 1000, 0600);
            byte[] data = pattern(1000, 5);
            s.write(0, data);
            byte[] back = new byte[1000];
            assertThat(s.read(0, back)).isEqualTo(1000);
            assertThat(back).isEqualTo(data);
            byte[] tail = new byte[10];
            assertThat(s.read(990, tail)).isEqualTo(10);
            assertThat(tail).containsExactly(java.util.Arrays.copyOfRange(data, 990, 1000));
            assertThat(s.read(1000, new byte[0])).isZero();
        }

        @Test
        void anonymousSegmentsAreSharedByTheirMappingsOnly() {
            IpcContext ctx = open();
            SharedMemory anon = shm(ctx).createAnonymous(8192);
            assertThat(anon.name()).isEmpty();
            assertThat(anon.size()).isEqualTo(8192);
            try (Mapping one = anon.map(MapAccess.READ_WRITE); Mapping two = anon.map(MapAccess.READ_ONLY)) {
                one.putLong(8, 55);
                assertThat(two.getLong(8)).isEqualTo(55);
                assertThat(two.getLongVolatile(8)).isEqualTo(55);
            }
            anon.write(100, new byte[] { 1, 2 });
            byte[] b = new byte[2];
            anon.read(100, b);
            assertThat(b).containsExactly(1, 2);
            assertThat(filesInShmDirectory()).as("an anonymous segment has no file name").isEmpty();
            SharedMemory another = shm(ctx).createAnonymous(8192);
            assertThat(another.id()).isNotEqualTo(anon.id());
            byte[] c = new byte[2];
            another.read(100, c);
            assertThat(c).containsExactly(0, 0);
        }

        @Test
        void anonymousSegmentIsNeverUnlinked() {
            SharedMemory anon = shm(open()).createAnonymous(4096);
            assertThat(anon.isUnlinked()).isFalse();
        }

        @Test
        void windowsUseOffsetsRelativeToTheirStart() {
            SharedMemory s = shm(open()).create("windows", 16 * 1024, 0600);
            try (Mapping whole = s.map(MapAccess.READ_WRITE);
                    Mapping window = s.map(MapAccess.READ_WRITE, 4096, 4096)) {
                assertThat(window.offset()).isEqualTo(4096);
                assertThat(window.length()).isEqualTo(4096);
                window.putInt(0, 0x12345678);
                window.putByte(4095, (byte) 66);
                assertThat(whole.getInt(4096)).isEqualTo(0x12345678);
                assertThat(whole.getByte(8191)).isEqualTo((byte) 66);
                whole.putLong(6000, 99);
                assertThat(window.getLong(6000 - 4096)).isEqualTo(99);
                assertThat(window.address() - whole.address()).isEqualTo(4096);
                expectError(IpcError.INVALID_ARGUMENT, () -> window.getByte(4096));
                expectError(IpcError.INVALID_ARGUMENT, () -> window.getByte(-1));
                expectError(IpcError.INVALID_ARGUMENT, () -> window.putInt(4093, 1));
            }
        }

        @Test
        void atomicAlignmentIsCheckedAgainstTheSegmentStart() {
            SharedMemory s = shm(open()).create("align", 4096, 0600);
            try (Mapping w = s.map(MapAccess.READ_WRITE, 4, 64)) {
                assertThat(w.getIntVolatile(0)).isZero();
                w.putIntVolatile(0, 3);
                expectError(IpcError.INVALID_ARGUMENT, () -> w.getLongVolatile(0)).hasMessageContaining("aligned");
                w.putLongVolatile(4, 5);
                assertThat(w.getAndAddLong(4, 1)).isEqualTo(5);
                try (Mapping whole = s.map(MapAccess.READ_ONLY)) {
                    assertThat(whole.getIntVolatile(4)).isEqualTo(3);
                    assertThat(whole.getLongVolatile(8)).isEqualTo(6);
                }
            }
        }

        @Test
        void byteBufferAccessAdvancesPositions() {
            SharedMemory s = shm(open()).create("buffers", 4096, 0600);
            try (Mapping m = s.map(MapAccess.READ_WRITE)) {
                ByteBuffer src = ByteBuffer.wrap(pattern(50, 2));
                src.position(10);
                m.write(300, src);
                assertThat(src.position()).isEqualTo(50);
                ByteBuffer dst = ByteBuffer.allocateDirect(45);
                dst.position(5);
                m.read(300, dst);
                assertThat(dst.position()).isEqualTo(45);
                for (int i = 0; i < 40; i++) {
                    assertThat(dst.get(5 + i)).isEqualTo(src.get(10 + i));
                }
            }
        }

        @Test
        void fillAndAllAtomicOperations() {
            SharedMemory s = shm(open()).create("atomics", 4096, 0600);
            try (Mapping m = s.map(MapAccess.READ_WRITE)) {
                m.fill(0, 4096, (byte) 0x11);
                assertThat(m.getByte(4095)).isEqualTo((byte) 0x11);
                m.fill(0, 64, (byte) 0);
                m.putIntRelease(0, 1);
                assertThat(m.getIntAcquire(0)).isEqualTo(1);
                assertThat(m.compareAndSetInt(0, 1, 2)).isTrue();
                assertThat(m.compareAndSetInt(0, 1, 3)).isFalse();
                assertThat(m.getAndAddInt(0, 10)).isEqualTo(2);
                assertThat(m.getAndSetInt(0, -7)).isEqualTo(12);
                assertThat(m.getIntVolatile(0)).isEqualTo(-7);
                m.putLongRelease(8, 1L << 50);
                assertThat(m.getLongAcquire(8)).isEqualTo(1L << 50);
                assertThat(m.compareAndSetLong(8, 1L << 50, 3)).isTrue();
                assertThat(m.compareAndSetLong(8, 1L << 50, 4)).isFalse();
                assertThat(m.getAndAddLong(8, 4)).isEqualTo(3);
                assertThat(m.getAndSetLong(8, 0)).isEqualTo(7);
                assertThat(m.getLongVolatile(8)).isZero();
                assertThat(m.getByte(64)).isEqualTo((byte) 0x11);
            }
        }
    }

    @Nested
    class Bounds {
        @Test
        void mapWindowsOutsideTheSegmentAreRefusedNamingIt() {
            SharedMemory s = shm(open()).create("bounded", 4096, 0600);
            long[][] bad = {
                    { -1, 10 }, { 0, 0 }, { 0, -1 }, { 0, 4097 }, { 4096, 1 }, { 4000, 97 },
                    { Long.MAX_VALUE, 1 }, { 1, Long.MAX_VALUE }, { Long.MIN_VALUE, 8 }, { 0, Long.MIN_VALUE } };
            for (long[] w : bad) {
                expectError(IpcError.INVALID_ARGUMENT, "window " + w[0] + "+" + w[1], () -> s.map(MapAccess.READ_ONLY, w[0], w[1])).hasMessageContaining("shared memory 'bounded'");
            }
            try (Mapping ok = s.map(MapAccess.READ_ONLY, 4095, 1)) {
                assertThat(ok.getByte(0)).isZero();
            }
            expectError(IpcError.INVALID_ARGUMENT, () -> s.map(null));
        }

        @Test
        void accessesOutsideTheMappingAreRefusedAndTouchNothing() {
            SharedMemory s = shm(open()).create("edges", 4096, 0600);
            try (Mapping m = s.map(MapAccess.READ_WRITE)) {
                List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = List.of(
                        () -> m.getByte(4096), () -> m.getByte(-1), () -> m.putByte(4096, (byte) 1),
                        () -> m.getInt(4093), () -> m.putInt(4093, 1), () -> m.getLong(4089),
                        () -> m.putLong(4089, 1), () -> m.getLong(Long.MAX_VALUE), () -> m.getLong(Long.MIN_VALUE),
                        () -> m.putLong(Long.MAX_VALUE - 3, 1), () -> m.getLongVolatile(4096),
                        () -> m.compareAndSetLong(-8, 0, 1), () -> m.getAndAddInt(4096, 1),
                        () -> m.read(4090, new byte[10], 0, 10), () -> m.write(4090, new byte[10], 0, 10),
                        () -> m.write(-1, new byte[1], 0, 1), () -> m.read(0, new byte[10], 5, 6),
                        () -> m.read(0, new byte[10], -1, 2), () -> m.write(0, new byte[10], 0, -1),
                        () -> m.write(0, new byte[10], Integer.MAX_VALUE, 2),
                        () -> m.fill(4095, 2, (byte) 1), () -> m.fill(0, -1, (byte) 1),
                        () -> m.fill(Long.MAX_VALUE, 1, (byte) 1), () -> m.fill(1, Long.MAX_VALUE, (byte) 1));
                for (int i = 0; i < calls.size(); i++) {
                    expectError(IpcError.INVALID_ARGUMENT, "call " + i, calls.get(i))
                            .hasMessageContaining("shared memory 'edges'");
                }
                byte[] all = new byte[4096];
                m.read(0, all, 0, all.length);
                assertThat(all).as("nothing was written").containsOnly(0);
            }
        }

        @Test
        void byteBufferOutOfRangeMovesNoPosition() {
            SharedMemory s = shm(open()).create("bbedges", 4096, 0600);
            try (Mapping m = s.map(MapAccess.READ_WRITE)) {
                ByteBuffer src = ByteBuffer.wrap(pattern(20, 1));
                expectError(IpcError.INVALID_ARGUMENT, () -> m.write(4090, src));
                assertThat(src.position()).isZero();
                ByteBuffer dst = ByteBuffer.allocate(20);
                expectError(IpcError.INVALID_ARGUMENT, () -> m.read(4090, dst));
                assertThat(dst.position()).isZero();
                expectError(IpcError.INVALID_ARGUMENT, () -> m.read(0, ByteBuffer.allocate(4).asReadOnlyBuffer()));
                assertThat(m.getByte(4095)).isZero();
            }
        }

        @Test
        void handleWriteAndReadOutsideTheSegmentAreRefused() {
            SharedMemory s = shm(open()).create("hbounds", 100, 0600);
            expectError(IpcError.INVALID_ARGUMENT, () -> s.write(-1, new byte[1]))
                    .hasMessageContaining("shared memory 'hbounds'");
            expectError(IpcError.INVALID_ARGUMENT, () -> s.write(95, new byte[10]));
            expectError(IpcError.INVALID_ARGUMENT, () -> s.write(101, new byte[0]));
            expectError(IpcError.INVALID_ARGUMENT, () -> s.write(Long.MAX_VALUE, new byte[1]));
            expectError(IpcError.INVALID_ARGUMENT, () -> s.read(-1, new byte[1]))
                    .hasMessageContaining("shared memory 'hbounds'");
            expectError(IpcError.INVALID_ARGUMENT, () -> s.read(101, new byte[1]));
            expectError(IpcError.INVALID_ARGUMENT, () -> s.read(Long.MAX_VALUE, new byte[1]));
            byte[] all = new byte[100];
            s.read(0, all);
            assertThat(all).as("nothing was written").containsOnly(0);
        }

        @Test
        void handleReadPastTheEndIsRefused() {
            SharedMemory s = shm(open()).create("shortread", 100, 0600);
            expectError(IpcError.INVALID_ARGUMENT, () -> s.read(95, new byte[10]));
        }

        @Test
        void writesThroughAReadOnlyMappingAreDenied() {
            SharedMemory s = shm(open()).create("readonly", 4096, 0600);
            s.write(0, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
            try (Mapping ro = s.map(MapAccess.READ_ONLY)) {
                List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> writes = List.of(
                        () -> ro.putByte(0, (byte) 9), () -> ro.putInt(0, 9), () -> ro.putLong(0, 9),
                        () -> ro.write(0, new byte[] { 9 }, 0, 1), () -> ro.write(0, ByteBuffer.wrap(new byte[] { 9 })),
                        () -> ro.fill(0, 8, (byte) 9), () -> ro.putIntVolatile(0, 9), () -> ro.putIntRelease(0, 9),
                        () -> ro.compareAndSetInt(0, 0x04030201, 9), () -> ro.getAndAddInt(0, 9),
                        () -> ro.getAndSetInt(0, 9), () -> ro.putLongVolatile(0, 9), () -> ro.putLongRelease(0, 9),
                        () -> ro.compareAndSetLong(0, ro.getLong(0), 9), () -> ro.getAndAddLong(0, 9),
                        () -> ro.getAndSetLong(0, 9));
                for (int i = 0; i < writes.size(); i++) {
                    expectError(IpcError.PERMISSION_DENIED, "write " + i, writes.get(i))
                            .hasMessageContaining("shared memory 'readonly'");
                }
                byte[] b = new byte[8];
                ro.read(0, b, 0, 8);
                assertThat(b).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
                assertThat(ro.getIntVolatile(4)).isEqualTo(ro.getInt(4));
                assertThat(ro.getLongAcquire(0)).isEqualTo(ro.getLong(0));
            }
        }

        @Test
        void misalignedAtomicsAreRefused() {
            SharedMemory s = shm(open()).create("misaligned", 4096, 0600);
            try (Mapping m = s.map(MapAccess.READ_WRITE)) {
                List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = List.of(
                        () -> m.getIntVolatile(1), () -> m.putIntVolatile(2, 1), () -> m.getIntAcquire(3),
                        () -> m.putIntRelease(5, 1), () -> m.compareAndSetInt(6, 0, 1), () -> m.getAndAddInt(7, 1),
                        () -> m.getAndSetInt(9, 1), () -> m.getLongVolatile(4), () -> m.putLongVolatile(1, 1),
                        () -> m.getLongAcquire(12), () -> m.putLongRelease(2, 1), () -> m.compareAndSetLong(20, 0, 1),
                        () -> m.getAndAddLong(3, 1), () -> m.getAndSetLong(4092, 1));
                for (int i = 0; i < calls.size(); i++) {
                    expectError(IpcError.INVALID_ARGUMENT, "call " + i, calls.get(i))
                            .hasMessageContaining("aligned").hasMessageContaining("shared memory 'misaligned'");
                }
                byte[] all = new byte[64];
                m.read(0, all, 0, 64);
                assertThat(all).containsOnly(0);
            }
        }
    }

    @Nested
    class Closing {
        @Test
        void aClosedMappingFailsWithClosed() {
            SharedMemory s = shm(open()).create("closing", 4096, 0600);
            Mapping m = s.map(MapAccess.READ_WRITE);
            m.putLong(0, 5);
            m.close();
            m.close();
            assertThat(m.isClosed()).isTrue();
            List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = List.of(
                    () -> m.getByte(0), () -> m.putByte(0, (byte) 1), () -> m.getLong(0), () -> m.putInt(0, 1),
                    () -> m.read(0, new byte[1], 0, 1), () -> m.write(0, new byte[1], 0, 1),
                    () -> m.write(0, ByteBuffer.allocate(1)), () -> m.fill(0, 1, (byte) 1),
                    () -> m.getLongVolatile(0), () -> m.compareAndSetInt(0, 0, 1), () -> m.getAndAddLong(0, 1),
                    () -> m.address());
            for (int i = 0; i < calls.size(); i++) {
                expectError(IpcError.CLOSED, "call " + i, calls.get(i));
            }
            try (Mapping again = s.map(MapAccess.READ_ONLY)) {
                assertThat(again.getLong(0)).as("the data stays").isEqualTo(5);
            }
        }

        @Test
        void closingAHandleLeavesItsMappingsUsable() {
            SharedMemory s = shm(open()).create("posixclose", 4096, 0600);
            Mapping m = s.map(MapAccess.READ_WRITE);
            s.close();
            s.close();
            assertThat(s.isClosed()).isTrue();
            expectError(IpcError.CLOSED, () -> s.map(MapAccess.READ_ONLY));
            expectError(IpcError.CLOSED, () -> s.write(0, new byte[1]));
            expectError(IpcError.CLOSED, () -> s.read(0, new byte[1]));
            m.putLong(8, 3);
            assertThat(m.getAndAddLong(8, 1)).isEqualTo(3);
            m.close();
        }

        @Test
        void closingTheContextClosesHandlesAndMappingsButTheSegmentStays() {
            IpcContext ctx = open();
            SharedMemoryService service = shm(ctx);
            SharedMemory named = service.create("survivor", 4096, 0600);
            SharedMemory anon = service.createAnonymous(4096);
            Mapping m = named.map(MapAccess.READ_WRITE);
            Mapping window = named.map(MapAccess.READ_ONLY, 64, 64);
            Mapping am = anon.map(MapAccess.READ_WRITE);
            m.putLong(0, 4242);

            ctx.close();

            assertThat(named.isClosed()).isTrue();
            assertThat(anon.isClosed()).isTrue();
            assertThat(m.isClosed()).isTrue();
            assertThat(window.isClosed()).isTrue();
            assertThat(am.isClosed()).isTrue();
            expectError(IpcError.CLOSED, () -> m.getLong(0));
            expectError(IpcError.CLOSED, () -> window.getByte(0));
            expectError(IpcError.CLOSED, () -> am.putInt(0, 1));
            expectError(IpcError.CLOSED, () -> named.map(MapAccess.READ_ONLY));
            expectError(IpcError.CLOSED, () -> anon.read(0, new byte[1]));
            expectError(IpcError.CLOSED, () -> service.create("late", 4096, 0600));
            expectError(IpcError.CLOSED, () -> service.open("survivor"));
            expectError(IpcError.CLOSED, () -> ctx.service(SharedMemoryService.class));
            assertThat(segmentFile("late")).doesNotExist();

            SharedMemory reopened = shm(open()).open("survivor");
            byte[] b = new byte[8];
            reopened.read(0, b);
            assertThat(ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).getLong()).isEqualTo(4242);
        }
    }

    @Nested
    class SizesAndNames {
        @ParameterizedTest
        @ValueSource(longs = { 0, -1, -4096, Long.MIN_VALUE })
        void sizesBelowOneAreInvalid(long size) {
            SharedMemoryService service = shm(open());
            expectError(IpcError.INVALID_ARGUMENT, () -> service.create("tiny", size, 0600))
                    .hasMessageContaining("shared memory 'tiny'");
            expectError(IpcError.INVALID_ARGUMENT, () -> service.createAnonymous(size));
            assertThat(regularFilesUnderRoot()).isEmpty();
        }

        @Test
        void sizesAboveTheLimitExceedIt() {
            SharedMemoryService service = shm(open());
            long max = Limit.SEGMENT_SIZE.defaultValue();
            expectError(IpcError.LIMIT_EXCEEDED, () -> service.create("huge", max + 1, 0600))
                    .hasMessageContaining("shm.segment.size.max").hasMessageContaining("shared memory 'huge'");
            expectError(IpcError.LIMIT_EXCEEDED, () -> service.createAnonymous(max + 1))
                    .hasMessageContaining("shm.segment.size.max");
            expectError(IpcError.LIMIT_EXCEEDED, () -> service.create("huger", Long.MAX_VALUE, 0600))
                    .hasMessageContaining("shm.segment.size.max");
            assertThat(regularFilesUnderRoot()).isEmpty();
        }

        @Test
        void exactlyTheConfiguredLimitIsAllowed() {
            SharedMemoryService service = shm(open(IpcLimits.defaults().with(Limit.SEGMENT_SIZE, 64 * 1024)));
            assertThat(service.create("at-limit", 64 * 1024, 0600).size()).isEqualTo(64 * 1024);
            expectError(IpcError.LIMIT_EXCEEDED, () -> service.create("over", 64 * 1024 + 1, 0600))
                    .hasMessageContaining("shm.segment.size.max = 65536");
            assertThat(service.createAnonymous(64 * 1024).size()).isEqualTo(64 * 1024);
            assertThat(segmentFile("over")).doesNotExist();
        }

        @Test
        void theObjectCountLimitApplies() {
            SharedMemoryService service = shm(open(IpcLimits.defaults().with(Limit.OBJECTS, 2)));
            service.create("one", 4096, 0600);
            service.createAnonymous(4096);
            expectError(IpcError.LIMIT_EXCEEDED, () -> service.create("three", 4096, 0600))
                    .hasMessageContaining("objects.max");
            assertThat(segmentFile("three")).doesNotExist();
        }

        @ParameterizedTest
        @ValueSource(strings = { "", ".", "..", "a/b", "../escape", "with space", "tab\t", "é" })
        void badNamesAreInvalidAndTouchNoFile(String name) {
            SharedMemoryService service = shm(open());
            expectError(IpcError.INVALID_ARGUMENT, () -> service.create(name, 4096, 0600))
                    .hasMessageContaining("shm name");
            expectError(IpcError.INVALID_ARGUMENT, () -> service.open(name));
            expectError(IpcError.INVALID_ARGUMENT, () -> service.unlink(name));
            assertThat(regularFilesUnderRoot()).isEmpty();
            assertThat(tempDir.resolve("escape")).doesNotExist();
        }

        @Test
        void nullAndOverlongNamesAreInvalid() {
            SharedMemoryService service = shm(open());
            expectError(IpcError.INVALID_ARGUMENT, () -> service.create(null, 4096, 0600));
            expectError(IpcError.INVALID_ARGUMENT, () -> service.create("x".repeat(201), 4096, 0600))
                    .hasMessageContaining("201");
            assertThat(regularFilesUnderRoot()).isEmpty();
            String longest = "y".repeat(200);
            assertThat(service.create(longest, 4096, 0600).name()).contains(longest);
            assertThat(segmentFile(longest)).exists();
        }

        @Test
        void modesOutsideTheRangeAreInvalid() {
            SharedMemoryService service = shm(open());
            expectError(IpcError.INVALID_ARGUMENT, () -> service.create("badmode", 4096, 01000));
            expectError(IpcError.INVALID_ARGUMENT, () -> service.create("badmode", 4096, -1));
            expectError(IpcError.INVALID_ARGUMENT, () -> service.create("badmode", 4096, null));
            assertThat(regularFilesUnderRoot()).isEmpty();
        }

        @Test
        void creatingTwiceOpensTheSegmentFromAnyProcess() {
            IpcContext a = open();
            IpcContext b = open();
            SharedMemory first = shm(a).create("twice", 4096, 0600);
            first.write(0, new byte[] { 42 });
            byte[] b1 = new byte[1];
            shm(a).create("twice", 4096, 0600).read(0, b1);
            assertThat(b1[0]).as("a second create opens the segment").isEqualTo((byte) 42);
            SharedMemory fromB = shm(b).create("twice", 4096, 0644);
            fromB.read(0, b1);
            assertThat(b1[0]).as("so does another process's").isEqualTo((byte) 42);
            assertThat(fromB.permissions().mode()).as("the mode stays the existing one").isEqualTo(0600);
            expectError(IpcError.ALREADY_EXISTS, () -> shm(b).create("twice", 8192, 0600))
                    .hasMessageContaining("shared memory 'twice'").hasMessageContaining("size 4096, not 8192");
            expectError(IpcError.ALREADY_EXISTS, () -> shm(b).create("twice", 4096, 0600, true))
                    .hasMessageContaining("twice");
            shm(a).create("twice", 4096, 0600).read(0, b1);
            assertThat(b1[0]).as("the first segment is untouched").isEqualTo((byte) 42);
            assertThat(filesInShmDirectory()).containsExactly("twice");
        }

        @Test
        void openingOrUnlinkingAMissingSegmentIsNotFound() {
            SharedMemoryService service = shm(open());
            expectError(IpcError.NOT_FOUND, () -> service.open("missing")).hasMessageContaining("missing");
            expectError(IpcError.NOT_FOUND, () -> service.unlink("missing"));
        }
    }

    @Test
    void errorsAreIpcExceptionsNeverOtherRuntimeExceptions() {
        SharedMemory s = shm(open()).create("typed", 16, 0600);
        try (Mapping m = s.map(MapAccess.READ_WRITE)) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> m.getLong(12)))
                    .isExactlyInstanceOf(IpcException.class);
        }
    }
}
