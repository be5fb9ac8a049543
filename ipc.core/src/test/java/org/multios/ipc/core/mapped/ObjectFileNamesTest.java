package org.multios.ipc.core.mapped;

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
 * Issue #21 item 4: the owner and group in an object file's header are one record. A writer
 * paused between writing the owner and the group (a hook in the writer) never lets a reader see
 * the new owner with the old group, neither through a mapping nor through a copy of the header:
 * the reader waits, and reports CORRUPTED if the names never settle; a writer that died
 * mid-write is written over. (Access is decided on the owner record, not on these names: see
 * OwnerRecordTest.)
 */
@Timeout(30)
class ObjectFileNamesTest {
    @TempDir
    Path root;

    private static final int PAGE = ObjectFileDescriptor.PAGE_SIZE;

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
        MappedRegion mapped = directory.open("names", Long.MAX_VALUE).region();
        List<Supplier<ObjectFileHeader.Names>> readers = List.of(() -> namesIn(directory.snapshot("names", PAGE)),
                () -> namesIn(directory.open("names", Long.MAX_VALUE)));
        CountDownLatch halfWritten = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ObjectFileHeader writer = new ObjectFileHeader(mapped, () -> {
            halfWritten.countDown();
            await(finish);
        });
        Future<?> write = writers.submit(() -> writer.owner("bob", "wheel"));
        await(halfWritten);
        for (Supplier<ObjectFileHeader.Names> read : readers) {
            IpcException e = catchThrowableOfType(IpcException.class, read::get);
            assertThat(e).as("a read while the owner is new and the group old").isNotNull();
            assertThat(e.error()).isEqualTo(IpcError.CORRUPTED);
            assertThat(e.getMessage()).contains("names").contains("did not settle");
        }
        finish.countDown();
        write.get(20, TimeUnit.SECONDS);
        for (Supplier<ObjectFileHeader.Names> read : readers) {
            ObjectFileHeader.Names p = read.get();
            assertThat(p.owner() + ":" + p.group()).isEqualTo("bob:wheel");
        }
    }

    @Test
    void aWriterThatDiedMidWriteIsWrittenOver() {
        MappedRegion mapped = directory.open("names", Long.MAX_VALUE).region();
        mapped.putIntVolatile(ObjectFileDescriptor.NAMES_SEQUENCE_OFFSET, 7); // odd: a writer never finished
        assertThat(catchThrowableOfType(IpcException.class, () -> namesIn(directory.snapshot("names", PAGE))).error())
                .isEqualTo(IpcError.CORRUPTED);
        new ObjectFileHeader(mapped).owner("dave", "users");
        ObjectFileHeader.Names p = namesIn(directory.snapshot("names", PAGE));
        assertThat(p.owner() + ":" + p.group()).isEqualTo("dave:users");
        assertThat(mapped.getIntVolatile(ObjectFileDescriptor.NAMES_SEQUENCE_OFFSET) % 2).isZero();
    }

    private static ObjectFileHeader.Names namesIn(ObjectDirectory.Opened opened) {
        return new ObjectFileHeader(opened.region()).names("names");
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
