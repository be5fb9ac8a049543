package org.multios.ipc.net.internal.bridge;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in the order they were added, on a shared executor: at most one
 * of its threads works for the lane at a time, so a connection's SENDs reach the object in
 * the order the peer sent them.
 */
final class SerialLane {
    private final Executor executor;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialLane(Executor executor) {
        this.executor = executor;
    }

    /**
     * Queues a task behind those already added.
     *
     * @throws RejectedExecutionException if no thread could be started for the lane (the task
     *         is not kept)
     */
    void add(Runnable task) {
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException busy) {
                tasks.remove(task);
                scheduled.set(false);
                throw busy;
            }
        }
    }

    private void drain() {
        do {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
            scheduled.set(false);
        } while (!tasks.isEmpty() && scheduled.compareAndSet(false, true));
    }
}
