package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;

/**
 * Issue #16 item 2: a segment's file grown by another process to a huge sparse size
 * ({@code truncate -s 70T}, or 2^61 bytes) is refused before anything is mapped, with
 * LIMIT_EXCEEDED naming it; the mechanism keeps serving. Before, the open tried to map it all.
 */
@Timeout(60)
class HostileSegmentFileTest extends ShmTestSupport {
    private static void grow(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 70L << 40, 1L << 61 })
    void aHugeSparseSegmentFileIsRefusedAndTheMechanismKeepsServing(long size) throws IOException {
        IpcContext ctx = open();
        shm(ctx).create("big", 4096, 0600).close();
        grow(segmentFile("big"), size);

        expectError(IpcError.LIMIT_EXCEEDED, () -> shm(ctx).open("big")).hasMessageContaining("big")
                .hasMessageContaining(Long.toString(size));

        try (SharedMemory other = shm(ctx).create("other", 4096, 0600)) {
            other.write(0, new byte[] { 7 });
            byte[] b = new byte[1];
            shm(ctx).open("other").read(0, b);
            assertThat(b[0]).isEqualTo((byte) 7);
        }
    }
}
