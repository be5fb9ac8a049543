package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.spi.LocalPlatform;

/**
 * Plain-Java IPC contexts on a fresh root (each acts as a separate process) and named worker
 * threads that the test owns and joins.
 */
abstract class PipeTestSupport {
    @TempDir
    Path root;

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

    private static boolean inPoll(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals("poll") || e.getMethodName().equals("invokeInt")) {
                return true;
            }
        }
        return false;
    }

    static void assertError(ThrowingCallable call, IpcError error) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(error));
    }

    @AfterEach
    void closeContextsAndJoinThreads() throws InterruptedException {
        contexts.forEach(IpcContext::close);
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as("thread %s ended", t.getName()).isFalse();
        }
    }
}
