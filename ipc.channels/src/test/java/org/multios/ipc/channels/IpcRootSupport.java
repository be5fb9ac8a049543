package org.multios.ipc.channels;

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

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;

/**
 * Common ground of the queue, channel and soak tests: an IPC root of their own (on /dev/shm
 * where it exists, else in a temporary directory), contexts opened through the plain-Java
 * bootstrap (each a separate IPC process to the platform) and closed after each test, and a
 * check of IPC error codes.
 */
public abstract class IpcRootSupport {
    @TempDir
    protected Path tempDir;

    /** The IPC root of the current test. */
    protected Path root;

    private Path ownShmFolder;
    private final List<IpcContext> contexts = new ArrayList<>();

    @BeforeEach
    void makeRoot() throws IOException {
        Path devShm = Path.of("/dev/shm");
        if (Files.isDirectory(devShm) && Files.isWritable(devShm)) {
            ownShmFolder = Files.createTempDirectory(devShm, "ipc-" + getClass().getSimpleName() + "-");
            root = ownShmFolder.resolve("root");
        } else {
            root = tempDir.resolve("root");
        }
    }

    @AfterEach
    void closeAndClean() {
        for (IpcContext c : contexts) {
            c.close();
        }
        contexts.clear();
        if (ownShmFolder != null) {
            try (Stream<Path> files = Files.walk(ownShmFolder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A new context (as another process would have) on this test's root, closed after the test. */
    protected IpcContext context(IpcLimits limits) {
        IpcContext c = Ipc.open(new IpcEnvironment(root, limits));
        contexts.add(c);
        return c;
    }

    /** A new context with the default limits, closed after the test. */
    protected IpcContext context() {
        return context(IpcLimits.defaults());
    }

    /** Asserts that the call fails with an IpcException of the given code and returns it. */
    protected static IpcException failsWith(IpcError error, ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("expected %s", error).isInstanceOf(IpcException.class);
        IpcException e = (IpcException) t;
        assertThat(e.error()).as(e.getMessage()).isEqualTo(error);
        return e;
    }
}
