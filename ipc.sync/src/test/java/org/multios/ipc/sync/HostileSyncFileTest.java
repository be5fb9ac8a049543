package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.sync.internal.SyncFactories;

/**
 * Issue #16 item 2 for semaphores, mutexes, conditions and events: an object file grown by
 * another process to a huge sparse size ({@code truncate -s 70T}, or 2^61 bytes) is refused
 * before anything is mapped, with LIMIT_EXCEEDED naming it, and the mechanism keeps serving.
 * Before, the open tried to map the whole file. The root is on /dev/shm (tmpfs takes sparse
 * files of any size; a disk file system may not).
 */
@Timeout(60)
class HostileSyncFileTest {
    private Path folder;
    private IpcContext context;

    @BeforeEach
    void open() throws IOException {
        Path devShm = Path.of("/dev/shm");
        folder = Files.createTempDirectory(Files.isDirectory(devShm) ? devShm : Path.of("/tmp"), "ipc-sync-hostile-");
        context = LocalPlatform.open(new IpcEnvironment(folder.resolve("root"), IpcLimits.defaults()),
                List.of(new SyncFactories.Sync(), new SyncFactories.Events()));
    }

    @AfterEach
    void close() throws IOException {
        context.close();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One kind: how to create a named object, and how to open one. */
    private record Kind(String label, Consumer<String> create, Function<String, AutoCloseable> open) {
    }

    private List<Kind> kinds() {
        SyncService sync = context.service(SyncService.class);
        EventService events = context.service(EventService.class);
        return List.of(
                new Kind("semaphore", n -> sync.createSemaphore(n, SemaphoreOptions.of(1), 0600).close(),
                        sync::openSemaphore),
                new Kind("mutex", n -> sync.createMutex(n, MutexOptions.DEFAULT, 0600).close(), sync::openMutex),
                new Kind("condition", n -> sync.createCondition(n, 0600).close(), sync::openCondition),
                new Kind("event", n -> events.create(n, EventType.AUTO_RESET, Set.of(), 0600).close(), events::open));
    }

    @ParameterizedTest
    @ValueSource(longs = { 70L << 40, 1L << 61 })
    void aHugeSparseFileOfEveryKindIsRefusedAndTheMechanismKeepsServing(long size) throws Exception {
        for (Kind kind : kinds()) {
            kind.create().accept("big");
            try (RandomAccessFile f = new RandomAccessFile(
                    folder.resolve("root").resolve(kind.label()).resolve("big").toFile(), "rw")) {
                f.setLength(size);
            }

            IpcException e = catchThrowableOfType(() -> kind.open().apply("big").close(), IpcException.class);

            assertThat(e).as(kind.label()).isNotNull();
            assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.LIMIT_EXCEEDED);
            assertThat(e.getMessage()).contains("'big'").contains(Long.toString(size));
            kind.create().accept("other");
            kind.open().apply("other").close();
        }
    }
}
