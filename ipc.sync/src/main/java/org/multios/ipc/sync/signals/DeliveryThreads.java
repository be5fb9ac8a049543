package org.multios.ipc.sync.signals;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of one signal mechanism: a bounded pool that runs handlers (threads named
 * {@value #DELIVERY_PREFIX}N) and one watchdog thread ({@value #WATCHDOG_NAME}) that enforces
 * the handler time budget. Idle pool threads end after a while; {@link #close} stops them all.
 */
final class DeliveryThreads {
    /** Every thread of the mechanism has a name starting with this. */
    static final String PREFIX = "ipc-signal-";
    static final String DELIVERY_PREFIX = PREFIX + "delivery-";
    static final String WATCHDOG_NAME = PREFIX + "watchdog";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryThreads.class);
    private static final long IDLE_SECONDS = 30;

    private final ThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor watchdog;

    DeliveryThreads(int threads) {
        AtomicInteger next = new AtomicInteger();
        ThreadFactory deliveryFactory = r -> named(r, DELIVERY_PREFIX + next.incrementAndGet());
        this.pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), deliveryFactory);
        this.pool.allowCoreThreadTimeOut(true);
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> named(r, WATCHDOG_NAME));
        this.watchdog.setRemoveOnCancelPolicy(true);
        this.watchdog.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
        this.watchdog.allowCoreThreadTimeOut(true);
    }

    private static Thread named(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> LOG.error("uncaught failure on {}", thread.getName(), e));
        return t;
    }

    /**
     * Runs a task on the pool.
     *
     * @return false if the pool is closed and the task will not run
     */
    boolean execute(Runnable task) {
        try {
            pool.execute(task);
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    /** Runs a check after the given delay, unless cancelled; null if the watchdog is closed. */
    ScheduledFuture<?> schedule(Runnable check, Duration delay) {
        try {
            return watchdog.schedule(check, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    /**
     * Stops both executors: running handlers are interrupted, and this waits up to
     * {@code grace} for the threads to end. A handler that ignores interruption can keep its
     * thread beyond that; it is logged.
     */
    void close(Duration grace) {
        watchdog.shutdownNow();
        pool.shutdownNow();
        try {
            long deadline = System.nanoTime() + grace.toNanos();
            boolean ended = pool.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)
                    && watchdog.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!ended) {
                LOG.warn("signal delivery threads still running {} after close: a handler ignores interruption",
                        grace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
