package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
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
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.stream.Reactor;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.PeerAuthority;
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
    private NetMechanismFactory netFactory;

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

    /** A context whose network mechanism has the given settings (the other mechanisms as the class path has them). */
    IpcContext context(NetSettings settings) {
        return context(new NetMechanismFactory(settings));
    }

    /** A context whose network mechanism has the given settings and peer authority. */
    IpcContext context(NetSettings settings, PeerAuthority authority) {
        return context(new NetMechanismFactory(settings, () -> authority));
    }

    /** A context whose network mechanism runs its reactor on the given clock. */
    IpcContext context(NetSettings settings, Reactor.Timing timing) {
        return context(new NetMechanismFactory(settings, PosixPeers::new, timing));
    }

    private IpcContext context(NetMechanismFactory factory) {
        List<MechanismFactory> factories = new ArrayList<>();
        for (MechanismFactory f : ServiceLoader.load(MechanismFactory.class, getClass().getClassLoader())) {
            if (!(f instanceof NetMechanismFactory)) {
                factories.add(f);
            }
        }
        netFactory = factory;
        factories.add(netFactory);
        IpcContext c = LocalPlatform.open(new IpcEnvironment(root, IpcLimits.defaults()), factories);
        contexts.add(c);
        return c;
    }

    /** The network mechanism of the last {@link #context(NetSettings)}. */
    NetMechanism netMechanism() {
        return netFactory.started().iterator().next();
    }

    /** Errors the reactor threads of {@link #context(NetSettings)} caught; 0 when all is well. */
    long reactorFaults() {
        return netFactory.started().stream().mapToLong(NetMechanism::reactorFaults).sum();
    }

    /**
     * Runs {@code action} with System.err (where the SLF4J simple logger writes) captured;
     * returns the ipc.audit lines.
     */
    static List<String> auditLinesOf(ThrowingRunnable action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        String text;
        try {
            action.run();
        } finally {
            System.setErr(original);
            capture.flush();
            text = captured.toString(StandardCharsets.UTF_8);
            original.print(text);
        }
        return text.lines().filter(l -> l.contains("ipc.audit")).toList();
    }

    /** Sends one frame from {@code from} and checks that {@code to}, the other end, receives it whole. */
    static void assertCarriesAFrame(Connection from, Connection to) {
        byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
        from.send(1, ping, 0, ping.length, 0);
        byte[] got = new byte[16];
        MessageInfo info = new MessageInfo();
        assertThat(to.receive(got, 0, got.length, info, Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(new String(got, 0, info.length(), StandardCharsets.UTF_8)).isEqualTo("ping");
    }

    /** An action that may throw anything. */
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static void assertIpcError(IpcError error, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).as(e.getMessage()).isEqualTo(error));
    }

    /** Whether {@code thread} is inside {@code method} of a class named {@code ...className}. */
    static boolean isIn(Thread thread, String className, String method) {
        for (StackTraceElement e : thread.getStackTrace()) {
            if (e.getClassName().endsWith(className) && e.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    /** Waits (at most 20 s) until {@code thread} is inside {@code method} of a class named {@code ...className}. */
    static void awaitWaitingIn(Thread thread, String className, String method) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - deadline < 0) {
            if (!thread.isAlive()) {
                throw new AssertionError(thread.getName() + " ended before it waited");
            }
            if (isIn(thread, className, method)) {
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError(thread.getName() + " did not wait in " + className + "." + method + " within 20 s");
    }
}
