package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.pipe.PipeWriter;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.spi.RecordingCaller;

/**
 * Plain-Java IPC contexts on a fresh root (each acts as a separate process) and named worker
 * threads that the test owns and joins.
 */
abstract class PipeTestSupport {
    @TempDir
    Path root;

    /** The mechanism of {@link #pipes(RecordingCaller)}, made at its first call, closed after the test. */
    PipeMechanism mechanism;
    private final List<IpcContext> contexts = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    IpcContext context() {
        return context(IpcLimits.defaults());
    }

    IpcContext context(IpcLimits limits) {
        IpcContext c = LocalPlatform.open(new IpcEnvironment(root, limits), List.of(new PipeMechanismFactory()));
        contexts.add(c);
        return c;
    }

    PipeService pipes() {
        return context().service(PipeService.class);
    }

    /** The pipe service of {@code caller} on one mechanism on the test's root (each caller acts as a process). */
    PipeService pipes(RecordingCaller caller) {
        if (mechanism == null) {
            mechanism = new PipeMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        }
        return mechanism.bind(caller);
    }

    /** Runs {@code task} on a new thread of that name, joined after the test. */
    <T> Future<T> start(String name, Callable<T> task) {
        FutureTask<T> f = new FutureTask<>(task);
        Thread t = new Thread(f, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return f;
    }

    /** Waits until {@code thread} (started by {@link #start}) is waiting. */
    static void awaitWaiting(String threadName) throws InterruptedException {
        while (true) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(threadName)
                        && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING
                                || t.getState() == Thread.State.RUNNABLE && inPoll(t))) {
                    return;
                }
            }
            Thread.sleep(5);
        }
    }

    /** In {@code poll} (through JNA), or in the JDK's native read or write of a FIFO's blocking channel. */
    private static boolean inPoll(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            String m = e.getMethodName();
            if (m.equals("poll") || m.equals("invokeInt") || m.equals("read0") || m.equals("write0")) {
                return true;
            }
        }
        return false;
    }

    /** System calls a test waits for a thread to sleep in. */
    enum Syscall {
        READ(0, 63), WRITE(1, 64), POLL(7, -1);

        private final long x86;
        private final long arm64;

        Syscall(long x86, long arm64) {
            this.x86 = x86;
            this.arm64 = arm64;
        }

        boolean is(long number) {
            return number == ("aarch64".equals(System.getProperty("os.arch")) ? arm64 : x86);
        }
    }

    /**
     * Waits (at most 20 s) until the thread of that name sleeps in {@code call}, read from
     * {@code /proc/self/task/<tid>/syscall} (a {@code poll} only with a timeout: a probe polls with
     * none); on another architecture than x86-64 and ARM64, until it waits in the kernel at all.
     */
    static void awaitAsleepIn(Syscall call, String name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - deadline < 0) {
            if (asleepIn(call, name)) {
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError(name + " did not sleep in " + call + " within 20 s");
    }

    /**
     * Waits (at most 20 s) until the thread of that name waits for a Java lock (a monitor, where
     * interrupts do not reach it) or sleeps in {@code call}, as {@link #awaitAsleepIn} tells.
     */
    static void awaitLockedOutOrAsleepIn(Syscall call, String name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - deadline < 0) {
            if (threadNamed(name).getState() == Thread.State.BLOCKED || asleepIn(call, name)) {
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError(name + " neither waited for a lock nor slept in " + call + " within 20 s");
    }

    private static boolean asleepIn(Syscall call, String name) throws IOException {
        String comm = name.length() > 15 ? name.substring(0, 15) : name; // the kernel keeps 15 characters
        String arch = System.getProperty("os.arch");
        boolean known = "amd64".equals(arch) || "aarch64".equals(arch);
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String[] f = readTask(task.resolve("syscall")).split(" ");
                if (readTask(task.resolve("comm")).equals(comm) && f.length > 3 && !f[0].equals("running")
                        && (!known || call.is(Long.parseLong(f[0])) && (call != Syscall.POLL || !f[3].equals("0x0")))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String readTask(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException taskEnded) {
            return "";
        }
    }

    /** Fills a FIFO through a write that does not wait; the bytes written. */
    static long fill(PipeWriter w) {
        long filled = 0;
        int n;
        while ((n = w.tryWrite(new byte[4096], 0, 4096)) > 0) {
            filled += n;
        }
        return filled;
    }

    /** Reads what is there without waiting; the bytes read. */
    static long drain(PipeReader reader) {
        byte[] b = new byte[65536];
        long total = 0;
        int n;
        while ((n = reader.tryRead(b, 0, b.length)) > 0) {
            total += n;
        }
        return total;
    }

    static Thread threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name));
    }

    /** Asserts that {@code result} fails (within 20 s) with an IpcException of {@code error}. */
    static void assertFails(Future<?> result, IpcError error) throws Exception {
        try {
            throw new AssertionError("the wait ended without " + error + ": " + result.get(20, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).isEqualTo(error));
        }
    }

    static void assertError(ThrowingCallable call, IpcError error) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(error));
    }

    @AfterEach
    void closeContextsAndJoinThreads() throws InterruptedException {
        if (mechanism != null) {
            mechanism.close();
        }
        contexts.forEach(IpcContext::close);
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as("thread %s ended", t.getName()).isFalse();
        }
    }
}
