package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.multios.ipc.core.mapped.ObjectFileDescriptor.PAGE_SIZE;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;

class ObjectFileHeaderTest {
    @TempDir
    Path dir;

    private MappedRegion region(long length) throws IOException {
        Path file = dir.resolve("object");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return MappedRegion.map(ch, length, true);
        }
    }

    private static IpcException corrupted(Runnable r) {
        IpcException e = catchThrowableOfType(IpcException.class, r::run);
        assertThat(e).isNotNull();
        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.CORRUPTED);
        return e;
    }

    @Test
    void initializedHeaderVerifiesAndReadsBack() throws IOException {
        MappedRegion r = region(PAGE_SIZE + 100);
        ObjectFileHeader h = new ObjectFileHeader(r);
        h.initialize(ObjectType.SHARED_MEMORY, 3, PAGE_SIZE, 100, 0640, 4242, 1_000, 2_000);
        assertThatCode(() -> h.verify(ObjectType.SHARED_MEMORY, 3, r.length(), "x")).doesNotThrowAnyException();
        assertThat(h.headerLength()).isEqualTo(PAGE_SIZE);
        assertThat(h.dataLength()).isEqualTo(100);
        assertThat(h.creatorPid()).isEqualTo(4242);
        assertThat(h.creatorStartMillis()).isEqualTo(1_000);
        assertThat(h.createdAtMillis()).isEqualTo(2_000);
        byte[] magic = new byte[8];
        r.getBytes(0, magic, 0, 8);
        assertThat(magic).isEqualTo(ObjectFileDescriptor.MAGIC);
    }

    @Test
    void mismatchesAreCorruptedWithTheObjectNamed() throws IOException {
        MappedRegion r = region(PAGE_SIZE + 100);
        ObjectFileHeader h = new ObjectFileHeader(r);
        assertThat(corrupted(() -> h.verify(ObjectType.SHARED_MEMORY, 1, r.length(), "thing 'x'")))
                .hasMessageContaining("thing 'x'").hasMessageContaining("magic");
        h.initialize(ObjectType.QUEUE, 1, PAGE_SIZE, 100, 0600, 1, 0, 0);
        assertThat(corrupted(() -> h.verify(ObjectType.SHARED_MEMORY, 1, r.length(), "x")))
                .hasMessageContaining("not a shm");
        assertThat(corrupted(() -> h.verify(ObjectType.QUEUE, 2, r.length(), "x")))
                .hasMessageContaining("layout version 1");
        assertThat(corrupted(() -> h.verify(ObjectType.QUEUE, 1, PAGE_SIZE + 99, "x")))
                .hasMessageContaining("truncated?");
        assertThat(corrupted(() -> h.verify(ObjectType.QUEUE, 1, 10, "x")))
                .hasMessageContaining("shorter than a header");
    }

    @Test
    void aHugeDataLengthIsCorrupted() throws IOException {
        MappedRegion r = region(PAGE_SIZE + 100);
        ObjectFileHeader h = new ObjectFileHeader(r);
        h.initialize(ObjectType.SHARED_MEMORY, 1, PAGE_SIZE, Long.MAX_VALUE - 100, 0600, 1, 0, 0);
        corrupted(() -> h.verify(ObjectType.SHARED_MEMORY, 1, r.length(), "x"));
    }
}
