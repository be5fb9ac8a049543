package org.multios.ipc.core.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipe's default capacity is 16 memory pages: 64 KiB with 4 KiB pages, more on ARM64 kernels
 * with 16 or 64 KiB pages, where a fixed 64 KiB understated it.
 */
class PipeSizeTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultIsSixteenPagesOfEachPageSize() {
        assertThat(FifoCalls.defaultPipeSize(4096)).isEqualTo(65536);
        assertThat(FifoCalls.defaultPipeSize(16384)).as("16 KiB pages (a Raspberry Pi 5's kernel)").isEqualTo(262144);
        assertThat(FifoCalls.defaultPipeSize(65536)).as("64 KiB pages").isEqualTo(1 << 20);
        assertThat(FifoCalls.defaultPipeSize(-1)).as("unknown").isEqualTo(FifoCalls.DEFAULT_PIPE_SIZE);
        assertThat(FifoCalls.defaultPipeSize()).isEqualTo(FifoCalls.defaultPipeSize(Posix.pageSize()));
    }

    @Test
    void aNewFifoHasTheDefaultOfThisMachine() {
        String fifo = dir.resolve("fifo").toString();
        assertThat(FifoCalls.mkfifo(fifo)).isZero();
        assertThat(FifoCalls.chmod(fifo, 0600)).isZero();
        int fd = FifoCalls.open(fifo, FifoCalls.O_RDONLY);
        assertThat(fd).isNotNegative();
        try {
            assertThat(FifoCalls.pipeSize(fd)).isEqualTo(FifoCalls.defaultPipeSize());
        } finally {
            FifoCalls.close(fd);
        }
        assertThat(FifoCalls.pipeSize(-1)).as("unknown descriptor").isEqualTo(FifoCalls.defaultPipeSize());
    }
}
