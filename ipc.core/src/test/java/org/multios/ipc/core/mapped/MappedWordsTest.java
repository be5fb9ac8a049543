package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;

/**
 * The raw-address view of a region ({@link MappedWords}) keeps the region's safety: no access
 * outside the window or misaligned, no write to a read-only mapping, and a detached region reads
 * zeros. Truncated files: {@link TruncatedWordsTest}.
 */
@Timeout(60)
class MappedWordsTest {
    private static final int PAGE = ObjectFileDescriptor.PAGE_SIZE;
    private static final int LENGTH = 4 * PAGE;
    /** A word in the last page: past the end once the file is cut to one page. */
    private static final int LAST_PAGE_WORD = LENGTH - PAGE + 64;

    @TempDir
    Path root;

    private ObjectDirectory directory;
    private Permissions permissions;

    @BeforeEach
    void create() throws IOException {
        directory = new ObjectDirectory(new IpcEnvironment(root, IpcLimits.defaults()), ObjectType.SHARED_MEMORY);
        PosixFileAttributes a = Files.readAttributes(root, PosixFileAttributes.class);
        permissions = new Permissions(a.owner().getName(), a.group().getName(), 0600);
    }

    private ObjectDirectory.Created named(String name) {
        return directory.create(name, LENGTH, permissions, r -> new ObjectFileHeader(r)
                .initialize(ObjectType.SHARED_MEMORY, 1, LENGTH, 0, 0600, 1, 1, 1));
    }

    @Test
    void usesNativeAddressesHere() {
        assumeThat(Runtime.version().feature()).as("Java 24 on: the buffers, unless told").isLessThan(24);
        assertThat(MappedWords.isRaw()).as("sun.misc.Unsafe links on the test's JVM").isTrue();
    }

    /**
     * Run by hand on Java 23 or later with {@code --sun-misc-unsafe-memory-access=deny} and
     * {@code -Dorg.multios.ipc.mapped.rawAccess=true}: every {@code sun.misc.Unsafe} memory
     * access throws UnsupportedOperationException there, so the view must use the buffers
     * (before, every access threw).
     */
    @Test
    void deniedUnsafeMemoryAccessFallsBackToTheBuffers() {
        assumeThat(ManagementFactory.getRuntimeMXBean().getInputArguments())
                .as("run with --sun-misc-unsafe-memory-access=deny").contains("--sun-misc-unsafe-memory-access=deny");
        assertThat(MappedWords.isRaw()).isFalse();
        MappedWords words = MappedRegion.buffer(LENGTH).words();
        assertThat(words.compareAndSetLong(64, 0, 5)).isTrue();
        assertThat(words.getAndAddInt(128, 2)).isZero();
        assertThat(words.getLongVolatile(64)).isEqualTo(5);
    }

    @Test
    void accessesAreTheRegionsWords() {
        MappedRegion region = MappedRegion.buffer(LENGTH);
        MappedWords words = region.words();
        assertThat(region.words()).as("one per region").isSameAs(words);

        words.putIntRelease(64, 7);
        assertThat(region.getIntVolatile(64)).isEqualTo(7);
        assertThat(words.compareAndSetInt(64, 7, 8)).isTrue();
        assertThat(words.compareAndSetInt(64, 7, 9)).isFalse();
        assertThat(words.getAndAddInt(64, 2)).isEqualTo(8);
        assertThat(words.getIntVolatile(64)).isEqualTo(10);

        region.putLongVolatile(LENGTH - 8, 1L << 40);
        assertThat(words.getLong(LENGTH - 8)).isEqualTo(1L << 40);
        assertThat(words.getAndAddLong(LENGTH - 8, 1)).isEqualTo(1L << 40);
        assertThat(words.compareAndSetLong(LENGTH - 8, (1L << 40) + 1, -1)).isTrue();
        words.putLongRelease(LENGTH - 8, 3);
        assertThat(region.getLong(LENGTH - 8)).isEqualTo(3);

        words.putInt(128, -5);
        words.putLong(136, 1L << 50);
        assertThat(region.getInt(128)).isEqualTo(-5);
        assertThat(region.getLong(136)).isEqualTo(1L << 50);
    }

    @Test
    void conditionalCountsAndOwnedAdditions() {
        MappedRegion region = MappedRegion.buffer(LENGTH);
        MappedWords words = region.words();
        assertThat(words.decrementIfPositive(64)).as("0: not lowered").isZero();
        assertThat(region.getIntVolatile(64)).isZero();
        assertThat(words.incrementIfBelow(64, 2)).isZero();
        assertThat(words.incrementIfBelow(64, 2)).isEqualTo(1);
        assertThat(words.incrementIfBelow(64, 2)).as("at the limit: not raised").isEqualTo(2);
        assertThat(region.getIntVolatile(64)).isEqualTo(2);
        assertThat(words.decrementIfPositive(64)).isEqualTo(2);
        assertThat(region.getIntVolatile(64)).isEqualTo(1);
        region.putIntVolatile(64, -3);
        assertThat(words.decrementIfPositive(64)).as("negative: not lowered").isEqualTo(-3);
        assertThat(region.getIntVolatile(64)).isEqualTo(-3);

        words.addOwnedLong(LENGTH - 8, 5);
        words.addOwnedLong(LENGTH - 8, -2);
        assertThat(region.getLongVolatile(LENGTH - 8)).isEqualTo(3);
        assertThatThrownBy(() -> words.addOwnedLong(LENGTH, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> words.addOwnedLong(68, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> words.decrementIfPositive(LENGTH)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> words.incrementIfBelow(66, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void noAccessLeavesTheWindowOrIsMisaligned() {
        MappedWords words = MappedRegion.buffer(LENGTH).words();
        assertThatThrownBy(() -> words.getIntVolatile(LENGTH)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> words.getLongVolatile(68)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> words.getLong(LENGTH)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> words.getInt(-4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> words.putLongRelease(LENGTH, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> words.compareAndSetInt(LENGTH + PAGE, 0, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> words.getAndAddLong(Long.MIN_VALUE, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> words.compareAndSetInt(66, 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> words.putInt(LENGTH, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> words.putLong(LENGTH, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> words.putLong(68, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReadOnlyMappingIsNeverWritten() throws IOException {
        Path file = named("read-only").path();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedWords words = MappedRegion.map(ch, LENGTH, false).words();
            assertThat(words.getIntVolatile(64)).isEqualTo(0);
            // unguarded, each of these is a write into a read-only page: SIGSEGV, the JVM aborts
            assertThatThrownBy(() -> words.putIntRelease(64, 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> words.putInt(64, 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> words.putLong(64, 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> words.compareAndSetInt(64, 0, 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> words.getAndAddLong(128, 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> words.decrementIfPositive(64)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> words.incrementIfBelow(64, 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> words.addOwnedLong(128, 1)).isInstanceOf(ReadOnlyBufferException.class);
        }
    }

    @Test
    void aDetachedRegionReadsZerosAndWritesReachNoFile() throws IOException {
        ObjectDirectory.Created file = named("detached");
        MappedWords words = file.region().words();
        words.putIntVolatile(LAST_PAGE_WORD, 5);
        file.region().detach();

        assertThat(words.getIntVolatile(LAST_PAGE_WORD)).isZero();
        assertThat(words.compareAndSetInt(LAST_PAGE_WORD, 0, 6)).isTrue();
        try (FileChannel ch = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            MappedRegion again = MappedRegion.map(ch, LENGTH, false);
            assertThat(again.getIntVolatile(LAST_PAGE_WORD)).as("the file keeps its word").isEqualTo(5);
        }
    }
}
