package org.multios.ipc.shm.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;

/**
 * Issue #21 item 4: the owner and group of an object file are one record. A writer paused
 * between writing the owner and the group (a hook in the writer) never lets a reader see the new
 * owner with the old group, neither through a mapping nor through the copy that feeds access
 * decisions: the reader waits, and reports CORRUPTED if the names never settle; a writer that
 * died mid-write is written over.
 */
@Timeout(30)
class ObjectFileNamesTest {
    @TempDir
    Path root;

    private ObjectDirectory directory;
    private final ExecutorService writers = Executors.newSingleThreadExecutor();

    @BeforeEach
    void create() {
        directory = new ObjectDirectory(new IpcEnvironment(root, IpcLimits.defaults()), ObjectType.SHARED_MEMORY);
        directory.create("names", ObjectFileDescriptor.PAGE_SIZE, new Permissions("carol", "staff", 0600),
                r -> new ObjectFileHeader(r).initialize(ObjectType.SHARED_MEMORY, 1, ObjectFileDescriptor.PAGE_SIZE, 0,
                        0600, 1, 1, 1));
    }

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    @Test
    void aReaderNeverSeesTheNamesOfAWriterPausedBetweenOwnerAndGroup() throws Exception {
        MappedRegion mapped = directory.open("names").region();
        List<Supplier<Permissions>> readers = List.of(() -> directory.permissions("names"),
                () -> ObjectDirectory.permissionsOf(directory.open("names")));
        CountDownLatch halfWritten = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ObjectFileHeader writer = new ObjectFileHeader(mapped, () -> {
            halfWritten.countDown();
            await(finish);
        });
        Future<?> write = writers.submit(() -> writer.owner("bob", "wheel"));
        await(halfWritten);
        for (Supplier<Permissions> read : readers) {
            IpcException e = catchThrowableOfType(IpcException.class, read::get);
            assertThat(e).as("a read while the owner is new and the group old").isNotNull();
            assertThat(e.error()).isEqualTo(IpcError.CORRUPTED);
            assertThat(e.getMessage()).contains("names").contains("did not settle");
        }
        finish.countDown();
        write.get(20, TimeUnit.SECONDS);
        for (Supplier<Permissions> read : readers) {
            Permissions p = read.get();
            assertThat(p.owner() + ":" + p.group()).isEqualTo("bob:wheel");
        }
    }

    @Test
    void aWriterThatDiedMidWriteIsWrittenOver() {
        MappedRegion mapped = directory.open("names").region();
        mapped.putIntVolatile(ObjectFileDescriptor.NAMES_SEQUENCE_OFFSET, 7); // odd: a writer never finished
        assertThat(catchThrowableOfType(IpcException.class, () -> directory.permissions("names")).error())
                .isEqualTo(IpcError.CORRUPTED);
        new ObjectFileHeader(mapped).owner("dave", "users");
        Permissions p = directory.permissions("names");
        assertThat(p.owner() + ":" + p.group()).isEqualTo("dave:users");
        assertThat(mapped.getIntVolatile(ObjectFileDescriptor.NAMES_SEQUENCE_OFFSET) % 2).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not reached");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
