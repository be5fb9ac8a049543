package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessMapsTest {
    @TempDir
    Path dir;

    private Path file(String name) throws IOException {
        Path f = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(8192);
        }
        return f;
    }

    @Test
    void aFileThisJvmMapsListsThisJvm() throws IOException {
        assumeTrue(ProcessMaps.isSupported());
        Path f = file("mapped");
        MappedRegion region;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            region = MappedRegion.map(ch, 8192, true);
        }
        region.putByte(0, (byte) 1);
        assertThat(ProcessMaps.mappers(f)).contains(ProcessHandle.current().pid());
        assertThat(ProcessMaps.mayBeMapped(f)).isTrue();
        assertThat(region.getByte(0)).isEqualTo((byte) 1);
    }

    @Test
    void aFileNobodyMapsHasNoMappers() throws IOException {
        assumeTrue(ProcessMaps.isSupported());
        assertThat(ProcessMaps.mappers(file("unmapped"))).isEmpty();
        assertThat(ProcessMaps.mappers(dir.resolve("absent"))).isEmpty();
    }

    /** A process whose maps cannot be read may map any file, and is named as the one that could not be read. */
    @Test
    void aProcessWhoseMapsCannotBeReadMayMapAnyFileAndIsNamed() throws IOException {
        assumeTrue(ProcessMaps.isSupported());
        long self = ProcessHandle.current().pid();
        Path f = file("unmapped");
        java.util.Map<String, Object> id = java.nio.file.Files.readAttributes(f, "unix:dev,ino");
        long dev = ((Number) id.get("dev")).longValue();
        long ino = ((Number) id.get("ino")).longValue();
        ProcessMaps refusing = ProcessMaps.considering(pid -> pid == self, pid -> pid == self);

        assertThat(refusing.mayMap(dev, ino)).isTrue();
        assertThat(refusing.mayHoldOpen(dev, ino)).isTrue();
        assertThat(refusing.mappers(dev, ino).unread()).containsExactly(self);
        assertThat(refusing.mappers(dev, ino).seen()).isEmpty();
        assertThat(refusing.command(self)).isNotEmpty();
        ProcessMaps readable = ProcessMaps.considering(pid -> pid == self);
        assertThat(readable.mayMap(dev, ino)).isFalse();
        assertThat(readable.mayHoldOpen(dev, ino)).isFalse();
    }

    /**
     * Issue #21, item 2: a maps file that fails to read for any reason but its process having
     * ended (here a real I/O error: it is a directory; in the field a descriptor limit or another
     * user's process) counts as mapping the file. A process whose maps is gone has ended and maps
     * nothing. Read from a {@code /proc} of this test's making, so that nothing else of the JVM
     * is starved, as the descriptor-exhausting test before was.
     */
    @Test
    void aMapsFileThatFailsToReadMayMapAnyFileAndOneThatIsGoneMapsNothing() throws IOException {
        Path proc = dir.resolve("proc");
        java.nio.file.Files.createDirectories(proc.resolve("41").resolve("maps"));
        java.nio.file.Files.createDirectories(proc.resolve("42"));
        ProcessMaps failing = new ProcessMaps(proc, pid -> true, pid -> false);

        assertThat(failing.mappers(1, 2).unread()).containsExactly(41L);
        assertThat(failing.mayMap(1, 2)).isTrue();

        ProcessMaps ended = new ProcessMaps(proc, pid -> pid == 42, pid -> false);
        assertThat(ended.mayMap(1, 2)).isFalse();
    }
}
