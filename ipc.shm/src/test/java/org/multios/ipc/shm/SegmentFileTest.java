package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.core.mapped.ObjectFileDescriptor.COMMON_LAYOUT_VERSION_OFFSET;
import static org.multios.ipc.core.mapped.ObjectFileDescriptor.DATA_LENGTH_OFFSET;
import static org.multios.ipc.core.mapped.ObjectFileDescriptor.HEADER_LENGTH_OFFSET;
import static org.multios.ipc.core.mapped.ObjectFileDescriptor.MAGIC;
import static org.multios.ipc.core.mapped.ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET;
import static org.multios.ipc.core.mapped.ObjectFileDescriptor.OBJECT_TYPE_OFFSET;
import static org.multios.ipc.core.mapped.ObjectFileDescriptor.PAGE_SIZE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.Permissions;
import org.multios.ipc.local.LocalIdentity;

/** A named segment as a file under the IPC root: its mode, its header, and POSIX unlink. */
class SegmentFileTest extends ShmTestSupport {

    private static Set<PosixFilePermission> posix(int mode) {
        StringBuilder s = new StringBuilder();
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            s.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }

    /** Creates a segment and closes every handle on it, so that its file can be tampered with. */
    private void createAndLetGo(String name, long size) {
        IpcContext ctx = open();
        shm(ctx).create(name, size, 0600).write(0, new byte[] { 1, 2, 3 });
        ctx.close();
    }

    private void overwrite(String name, long position, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(segmentFile(name), StandardOpenOption.WRITE)) {
            ch.write(bytes, position);
        }
    }

    private static ByteBuffer intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, v);
    }

    private static ByteBuffer longBytes(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, v);
    }

    @Nested
    class Modes {
        @ParameterizedTest(name = "mode {0}")
        @ValueSource(ints = { 0640, 0604, 0600, 0644, 0660, 0666, 0606, 0400 })
        void theFileHasExactlyTheRequestedMode(int mode) throws IOException {
            String name = "mode-" + Integer.toOctalString(mode);
            SharedMemory s = shm(open()).create(name, 4096, mode);
            Path file = segmentFile(name);
            assertThat(file).isRegularFile();
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(posix(mode));
            assertThat(Files.getOwner(file).getName()).isEqualTo(LocalIdentity.user());
            assertThat(s.info().permissions().mode()).isEqualTo(mode);
            assertThat(Files.size(file)).as("header page plus data").isEqualTo(PAGE_SIZE + 4096);
        }

        @Test
        void explicitPermissionsWithTheCallersOwnerAndGroup() throws IOException {
            IpcContext ctx = open();
            Permissions p = new Permissions(LocalIdentity.user(), LocalIdentity.primaryGroup(), 0620);
            SharedMemory s = shm(ctx).create("explicit", 100, p);
            assertThat(Files.getPosixFilePermissions(segmentFile("explicit"))).isEqualTo(posix(0620));
            assertThat(s.info().permissions()).isEqualTo(p);
        }

        @Test
        void setPermissionsChangesTheFileMode() throws IOException {
            SharedMemory s = shm(open()).create("chmod", 100, 0600);
            s.setPermissions(s.info().permissions().withMode(0664));
            assertThat(Files.getPosixFilePermissions(segmentFile("chmod"))).isEqualTo(posix(0664));
        }

        @Test
        void theSegmentDirectoryIsReadableByOthers() throws IOException {
            shm(open()).create("dirmode", 100, 0600);
            assertThat(Files.getPosixFilePermissions(root.resolve("shm"))).isEqualTo(posix(0755));
        }

        @Test
        void aNewFileStartsWithTheMagic() throws IOException {
            shm(open()).create("magic", 100, 0600);
            byte[] head = new byte[MAGIC.length];
            try (var in = Files.newInputStream(segmentFile("magic"))) {
                assertThat(in.read(head)).isEqualTo(MAGIC.length);
            }
            assertThat(head).isEqualTo(MAGIC);
        }
    }

    @Nested
    class ForeignAndDamagedFiles {
        private void writeFile(String name, byte[] content) throws IOException {
            Files.createDirectories(root.resolve("shm"));
            Files.write(segmentFile(name), content);
        }

        @Test
        void randomBytesAreNotASegment() throws IOException {
            byte[] junk = new byte[3 * PAGE_SIZE];
            new Random(7).nextBytes(junk);
            junk[0] = 'X';
            writeFile("foreign", junk);
            expectError(IpcError.CORRUPTED, () -> shm(open()).open("foreign"))
                    .hasMessageContaining("shared memory 'foreign'").hasMessageContaining("magic");
        }

        @Test
        void anEmptyOrTinyFileIsNotASegment() throws IOException {
            writeFile("empty", new byte[0]);
            writeFile("tiny", new byte[] { 'M', 'O', 'S' });
            SharedMemoryService service = shm(open());
            expectError(IpcError.CORRUPTED, () -> service.open("empty")).hasMessageContaining("empty");
            expectError(IpcError.CORRUPTED, () -> service.open("tiny")).hasMessageContaining("shorter than a header");
        }

        @Test
        void aTruncatedSegmentIsCorrupted() throws IOException {
            createAndLetGo("truncated", 64 * 1024);
            try (FileChannel ch = FileChannel.open(segmentFile("truncated"), StandardOpenOption.WRITE)) {
                ch.truncate(PAGE_SIZE + 100);
            }
            expectError(IpcError.CORRUPTED, () -> shm(open()).open("truncated"))
                    .hasMessageContaining("shared memory 'truncated'").hasMessageContaining("truncated?");
        }

        @Test
        void aSegmentTruncatedIntoItsHeaderIsCorrupted() throws IOException {
            createAndLetGo("cut", 4096);
            try (FileChannel ch = FileChannel.open(segmentFile("cut"), StandardOpenOption.WRITE)) {
                ch.truncate(40);
            }
            expectError(IpcError.CORRUPTED, () -> shm(open()).open("cut")).hasMessageContaining("shared memory 'cut'");
            try (FileChannel ch = FileChannel.open(segmentFile("cut"), StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            expectError(IpcError.CORRUPTED, () -> shm(open()).open("cut"));
        }

        @Test
        void aBumpedSegmentLayoutVersionIsCorrupted() throws IOException {
            createAndLetGo("future", 4096);
            overwrite("future", OBJECT_LAYOUT_VERSION_OFFSET, intBytes(2));
            expectError(IpcError.CORRUPTED, () -> shm(open()).open("future"))
                    .hasMessageContaining("shared memory 'future'").hasMessageContaining("layout version 2");
        }

        @Test
        void aBumpedCommonLayoutVersionIsCorrupted() throws IOException {
            createAndLetGo("future-common", 4096);
            overwrite("future-common", COMMON_LAYOUT_VERSION_OFFSET, intBytes(99));
            expectError(IpcError.CORRUPTED, () -> shm(open()).open("future-common"))
                    .hasMessageContaining("header layout version 99");
        }

        @Test
        void anotherObjectTypeIsCorrupted() throws IOException {
            createAndLetGo("not-shm", 4096);
            overwrite("not-shm", OBJECT_TYPE_OFFSET, intBytes(1));
            expectError(IpcError.CORRUPTED, () -> shm(open()).open("not-shm")).hasMessageContaining("not a shm");
        }

        @Test
        void aDataLengthLargerThanTheFileIsCorrupted() throws IOException {
            createAndLetGo("liar", 4096);
            overwrite("liar", DATA_LENGTH_OFFSET, longBytes(1L << 40));
            expectError(IpcError.CORRUPTED, () -> shm(open()).open("liar")).hasMessageContaining("truncated?");
            overwrite("liar", DATA_LENGTH_OFFSET, longBytes(-1));
            expectError(IpcError.CORRUPTED, () -> shm(open()).open("liar"));
        }

        @Test
        void aHeaderLengthThatIsNotAPageMultipleIsCorrupted() throws IOException {
            createAndLetGo("oddheader", 4096);
            overwrite("oddheader", HEADER_LENGTH_OFFSET, intBytes(100));
            expectError(IpcError.CORRUPTED, () -> shm(open()).open("oddheader"));
        }

        @Test
        void aDataLengthThatOverflowsTheCheckIsCorrupted() throws IOException {
            createAndLetGo("overflow", 4096);
            overwrite("overflow", DATA_LENGTH_OFFSET, longBytes(Long.MAX_VALUE - 100));
            expectError(IpcError.CORRUPTED, () -> shm(open()).open("overflow"));
        }

        @Test
        void aDamagedFileDoesNotHideTheOthers() throws IOException {
            IpcContext ctx = open();
            shm(ctx).create("healthy", 4096, 0600);
            writeFile("broken", new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 });
            assertThat(ctx.runtime().objects()).extracting(o -> o.name().orElse("")).contains("healthy")
                    .doesNotContain("broken");
            assertThat(ctx.runtime().collectStale()).isEmpty();
            assertThat(segmentFile("broken")).exists();
        }
    }

    @Nested
    class Unlink {
        @Test
        void unlinkWhileMappedKeepsTheMappingAndFreesTheName() {
            IpcContext a = open();
            IpcContext b = open();
            SharedMemory old = shm(a).create("recycled", 4096, 0600);
            Mapping oldMapping = old.map(MapAccess.READ_WRITE);
            oldMapping.putLong(0, 111);
            SharedMemory oldElsewhere = shm(b).open("recycled");
            Mapping oldElsewhereMapping = oldElsewhere.map(MapAccess.READ_WRITE);

            shm(a).unlink("recycled");

            assertThat(segmentFile("recycled")).doesNotExist();
            assertThat(old.isUnlinked()).isTrue();
            assertThat(oldElsewhere.isUnlinked()).isTrue();
            assertThat(oldMapping.getLong(0)).isEqualTo(111);
            oldElsewhereMapping.putLong(8, 222);
            assertThat(oldMapping.getLong(8)).as("the unlinked memory is still shared").isEqualTo(222);
            expectError(IpcError.NOT_FOUND, () -> shm(b).open("recycled")).hasMessageContaining("recycled");
            expectError(IpcError.NOT_FOUND, () -> shm(a).unlink("recycled"));

            SharedMemory fresh = shm(b).create("recycled", 8192, 0600);
            assertThat(fresh.isUnlinked()).isFalse();
            assertThat(old.isUnlinked()).as("the name leads to another segment now").isTrue();
            assertThat(fresh.size()).isEqualTo(8192);
            try (Mapping m = fresh.map(MapAccess.READ_WRITE)) {
                assertThat(m.getLong(0)).as("the new segment does not see the old data").isZero();
                m.putLong(0, 333);
            }
            assertThat(oldMapping.getLong(0)).as("nor the old one the new data").isEqualTo(111);
            SharedMemory reopened = shm(a).open("recycled");
            assertThat(reopened.size()).isEqualTo(8192);
            byte[] v = new byte[8];
            reopened.read(0, v);
            assertThat(ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getLong()).isEqualTo(333);

            oldMapping.close();
            oldElsewhereMapping.close();
            old.close();
            oldElsewhere.close();
        }

        @Test
        void anUnlinkedSegmentIsNoLongerListed() {
            IpcContext ctx = open();
            SharedMemory s = shm(ctx).create("listed", 4096, 0600);
            assertThat(ctx.runtime().object(org.multios.ipc.ObjectType.SHARED_MEMORY, "listed")).isPresent();
            shm(ctx).unlink("listed");
            assertThat(ctx.runtime().object(org.multios.ipc.ObjectType.SHARED_MEMORY, "listed")).isEmpty();
            assertThat(s.info().capacity()).as("the handle still describes it").isEqualTo(4096);
        }
    }
}
