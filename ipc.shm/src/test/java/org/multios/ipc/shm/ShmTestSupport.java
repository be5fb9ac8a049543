package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.shm.internal.SharedMemoryFactory;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.spi.LocalPlatform;

/**
 * Common ground of the shared memory tests: an IPC root of their own (on /dev/shm where it
 * exists, for tmpfs behaviour, else in a temporary directory), contexts opened through the
 * plain-Java bootstrap and closed after each test, and a check of IPC error codes.
 */
abstract class ShmTestSupport {
    /** Why collection tests are skipped where {@link #canProveUnmapped()} is false. */
    static final String MAPS_UNREADABLE = "some process's maps cannot be read here (another user's, or an undumpable "
            + "process such as a container's init): collectStale may remove nothing";

    /**
     * Whether {@code collectStale} can prove here that no process maps a file: every process's
     * maps can be read (an unreadable one counts as mapping everything).
     */
    static boolean canProveUnmapped() {
        return ProcessMaps.isSupported()
                && !ProcessMaps.mayBeMapped(Path.of("/nonexistent-" + java.util.UUID.randomUUID()));
    }

    @TempDir
    Path tempDir;

    /** The IPC root of the current test. */
    protected Path root;

    private Path ownShmFolder;
    private final List<IpcContext> contexts = new ArrayList<>();

    /** Whether the root should be on /dev/shm when it exists; disk-backed tests say no. */
    protected boolean preferTmpfs() {
        return true;
    }

    @BeforeEach
    void makeRoot() throws IOException {
        Path devShm = Path.of("/dev/shm");
        if (preferTmpfs() && Files.isDirectory(devShm) && Files.isWritable(devShm)) {
            ownShmFolder = Files.createTempDirectory(devShm, "ipc-shm-test-");
            root = ownShmFolder.resolve("root");
        } else {
            root = tempDir.resolve("root");
        }
    }

    @AfterEach
    void closeAndClean() {
        for (int i = contexts.size() - 1; i >= 0; i--) {
            try {
                contexts.get(i).close();
            } catch (RuntimeException e) {
                // closing is tested elsewhere; clean up the rest
            }
        }
        contexts.clear();
        if (ownShmFolder != null) {
            deleteTree(ownShmFolder);
        }
    }

    /** A new context on the root with the default limits: another "process" of the platform. */
    protected IpcContext open() {
        return open(IpcLimits.defaults());
    }

    /** A new context on the root with the given limits. */
    protected IpcContext open(IpcLimits limits) {
        IpcContext c = LocalPlatform.open(new IpcEnvironment(root, limits), List.of(new SharedMemoryFactory()));
        contexts.add(c);
        return c;
    }

    protected static SharedMemoryService shm(IpcContext context) {
        return context.service(SharedMemoryService.class);
    }

    /** Where a named segment's file lives. */
    protected Path segmentFile(String name) {
        return root.resolve("shm").resolve(name);
    }

    /** Every file name in the segment directory, hidden ones included. */
    protected List<String> filesInShmDirectory() {
        Path dir = root.resolve("shm");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file anywhere under the root. */
    protected List<Path> regularFilesUnderRoot() {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the call, expects an IpcException with the given code and returns it. */
    protected static AbstractThrowableAssert<?, ? extends Throwable> expectError(IpcError expected,
            ThrowingCallable call) {
        return expectError(expected, "call", call);
    }

    /** As {@link #expectError(IpcError, ThrowingCallable)}, describing the call in failures. */
    protected static AbstractThrowableAssert<?, ? extends Throwable> expectError(IpcError expected, String what,
            ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("%s: expected an IpcException %s", what, expected).isInstanceOf(IpcException.class);
        IpcException e = (IpcException) t;
        assertThat(e.error()).as("%s: error code of: %s", what, e.getMessage()).isEqualTo(expected);
        return assertThat(t).as("%s: message", what);
    }

    protected static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    static void deleteTree(Path top) {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
