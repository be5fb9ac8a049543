package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.net.NetService;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Common ground of the network tests: an IPC root of their own (short, so that Unix socket
 * paths fit), contexts opened through the plain-Java bootstrap and closed after each test.
 */
abstract class NetTestSupport {
    @TempDir
    Path tempDir;

    /** The IPC root of the current test. */
    Path root;

    private final List<IpcContext> contexts = new ArrayList<>();

    @BeforeEach
    void makeRoot() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "ipcnet");
    }

    @AfterEach
    void closeAndClean() throws IOException {
        for (IpcContext c : contexts) {
            c.close();
        }
        contexts.clear();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A context of this process on the test's root, closed after the test. */
    IpcContext context() {
        IpcContext c = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
        contexts.add(c);
        return c;
    }

    NetService net() {
        return context().service(NetService.class);
    }

    static void assertIpcError(IpcError error, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpcException.class,
                e -> org.assertj.core.api.Assertions.assertThat(e.error()).as(e.getMessage()).isEqualTo(error));
    }
}
