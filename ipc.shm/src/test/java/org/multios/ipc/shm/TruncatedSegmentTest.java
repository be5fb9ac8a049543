package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;

/**
 * Issue #16 item 2 for shared memory: a segment's file truncated by another process (the
 * {@code truncate} tool) while this one maps it. A read or write through the handle, and an
 * access (plain or atomic) through a mapping, gets CORRUPTED naming the segment, its file and the
 * sizes; the handle closes (later calls fail at once with CORRUPTED) and the mechanism keeps
 * serving other segments. Before, the fault came out as an InternalError, and on Java 17 an
 * atomic operation through a mapping (interpreted) aborted the whole JVM.
 */
@Timeout(60)
class TruncatedSegmentTest extends ShmTestSupport {
    private static void truncateFromAnotherProcess(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("truncate", "-s", "0", file.toString()).inheritIO().start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    private void keepsServing(IpcContext ctx) {
        try (SharedMemory other = shm(ctx).create("other", 4096, 0600)) {
            other.write(0, new byte[] { 7 });
            byte[] b = new byte[1];
            other.read(0, b);
            assertThat(b[0]).isEqualTo((byte) 7);
        }
    }

    @Test
    void aWriteThroughTheHandleIsCorruptedAndClosesIt() throws Exception {
        IpcContext ctx = open();
        SharedMemory s = shm(ctx).create("seg", 64 * 1024, 0600);
        s.write(0, new byte[] { 1, 2, 3 });
        Mapping m = s.map(MapAccess.READ_WRITE);
        truncateFromAnotherProcess(segmentFile("seg"));

        expectError(IpcError.CORRUPTED, () -> s.write(100, new byte[] { 4 })).hasMessageContaining("'seg'")
                .hasMessageContaining(segmentFile("seg").toString()).hasMessageContaining("truncated to 0 bytes");
        assertThat(s.isClosed()).isTrue();
        expectError(IpcError.CORRUPTED, () -> s.read(0, new byte[3])).hasMessageContaining("is closed");
        expectError(IpcError.CORRUPTED, () -> m.getInt(0)).hasMessageContaining("truncated");
        keepsServing(ctx);
    }

    @Test
    void anAtomicOperationThroughAMappingIsCorrupted() throws Exception {
        IpcContext ctx = open();
        SharedMemory s = shm(ctx).create("seg", 64 * 1024, 0600);
        Mapping m = s.map(MapAccess.READ_WRITE);
        m.putLongVolatile(0, 5);
        truncateFromAnotherProcess(segmentFile("seg"));

        expectError(IpcError.CORRUPTED, () -> m.compareAndSetLong(0, 5, 6)).hasMessageContaining("'seg'")
                .hasMessageContaining("truncated to 0 bytes");
        assertThat(s.isClosed()).isTrue();
        expectError(IpcError.CORRUPTED, () -> m.getAndAddInt(8, 1));
        keepsServing(ctx);
    }
}
