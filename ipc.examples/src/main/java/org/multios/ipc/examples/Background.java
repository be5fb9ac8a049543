package org.multios.ipc.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * The threads one example starts: each is named {@code ipc-example-<example>-<role>}, its
 * result or failure comes back through a {@link Future}, and closing ends (interrupts) and
 * joins the ones still running, so no example leaves a thread behind.
 */
public final class Background implements AutoCloseable {
    private static final long JOIN_MILLIS = 5_000;

    private final String example;
    private final List<Thread> threads = new ArrayList<>();

    /** Threads of the given example. */
    public Background(String example) {
        this.example = example;
    }

    /** Starts {@code work} on a new thread named after the example and the role. */
    public <T> Future<T> start(String role, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread thread = new Thread(task, "ipc-example-" + example + "-" + role);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return task;
    }

    /** Interrupts the threads still running and waits for them to end. */
    @Override
    public void close() throws InterruptedException {
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            t.join(JOIN_MILLIS);
        }
    }
}
