package org.multios.ipc.net.internal.bridge;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.multios.ipc.net.internal.stream.PeerContexts;

/**
 * The worker threads of one bridge, named {@code ipc-net-bridge-<id>-<n>}: at most a fixed
 * number at once, none queued, and each request also holds one of the network mechanism's
 * workers ({@link PeerContexts#takeWorker}) while it runs. Late mapping faults end in the task
 * ({@link WorkerFaults}), not the thread.
 */
final class BridgeWorkers implements Executor {
    private final PeerContexts shared;
    private final ThreadPoolExecutor threads;

    BridgeWorkers(long bridgeId, int max, PeerContexts shared) {
        this.shared = shared;
        AtomicInteger count = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(() -> WorkerFaults.runSurvivingLateFaults(r),
                    "ipc-net-bridge-" + bridgeId + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs a request on one of this bridge's workers, if one of the mechanism's is free too.
     *
     * @throws RejectedExecutionException if either has none free (the task does not run)
     */
    @Override
    public void execute(Runnable task) {
        if (!shared.takeWorker()) {
            throw new RejectedExecutionException("every worker of the network mechanism is busy");
        }
        try {
            threads.execute(() -> {
                try {
                    task.run();
                } finally {
                    shared.returnWorker();
                }
            });
        } catch (RejectedExecutionException busy) {
            shared.returnWorker();
            throw busy;
        }
    }

    /** Takes no more requests; those running finish. */
    void shutdown() {
        threads.shutdown();
    }
}
