package org.multios.ipc.core.mapped;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The threads of one mechanism that sleep in the kernel ({@link Futex}) without waking to look
 * around, and the one thread that watches them, so that an idle waiter costs next to nothing.
 *
 * <p>A thread blocked in {@code FUTEX_WAIT} does not notice {@link Thread#interrupt()}, and a
 * reason to stop that is only a flag (the handle closed, its grant revoked, a mutex holder that
 * died) wakes nobody by itself. Closing and revoking wake their sleepers directly
 * ({@code Futex.wake}); this watch is what bounds the rest: every {@link #CHECK_NANOS} it asks
 * each registered sleeper whether its thread is interrupted or its reason to stop holds (a
 * mutex locker's: its holder died; a ring's condition also sweeps for the slots of dead processes,
 * which wakes through the ring), and futex-wakes the word of each that does, again at every check while it still sleeps (so a wake
 * that came just before the sleeper entered the kernel is repeated, never lost). One thread
 * wakes ten times a second however many threads sleep, instead of every sleeper waking ten times
 * a second; with no sleeper at a check it parks until the next one registers.
 *
 * <p>Owned by a mechanism instance (no static state): started at its first sleeper, stopped by
 * {@link #close()} with its owner; waits after that sleep in slices of {@link #CHECK_NANOS}, as
 * before the watch existed. Nothing a stop condition meets ends the watch (a fault of a mapped
 * read that another process truncated is delivered to the watch's thread, late); should its
 * thread end anyway, the next sleeper starts another.
 */
public final class SleeperWatch implements AutoCloseable {
    /** How often the watch looks at its sleepers: the bound on noticing an interrupt. */
    public static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * The longest single sleep waits ask for. Only what nothing can wake needs it: a word whose
     * page was cut off by truncating the object's file (FUTEX_WAKE on it fails, so neither closing
     * nor the watch can wake its sleepers); the sleeper notices that itself at the end of this
     * sleep, as it re-reads its word. Everything else wakes sleepers at once or within
     * {@link #CHECK_NANOS}. 100 idle waiters wake 20 times a second in all.
     */
    public static final long LONGEST_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String threadName;
    private final Set<Sleeper> sleepers = ConcurrentHashMap.newKeySet();
    private volatile Thread thread;
    private volatile boolean idle;
    private volatile boolean closed;
    private volatile long checks;

    /** @param name what the watch's thread is named after: {@code ipc-sleepers-<name>} */
    public SleeperWatch(String name) {
        this.threadName = "ipc-sleepers-" + name;
    }

    /**
     * {@link Futex#await}, with the calling thread registered as a sleeper until it returns: the
     * watch wakes it once it is interrupted or {@code stop} answers true. Callers ask for at most
     * {@link #LONGEST_SLEEP_NANOS} (tests longer).
     */
    public int await(MappedRegion region, long offset, int expected, long timeoutNanos, BooleanSupplier stop) {
        if (closed) {
            return Futex.await(region, offset, expected, Math.min(timeoutNanos, CHECK_NANOS));
        }
        Sleeper s = enter(region, offset, stop);
        try {
            return Futex.await(region, offset, expected, closed ? Math.min(timeoutNanos, CHECK_NANOS) : timeoutNanos);
        } finally {
            sleepers.remove(s);
        }
    }

    /**
     * {@link Futex#awaitAny}, registered as {@link #await} is; the watch wakes the first word
     * (one is enough to end the sleep).
     */
    public int awaitAny(MappedRegion[] regions, long[] offsets, int[] expected, long timeoutNanos,
            BooleanSupplier stop) {
        if (closed) {
            return Futex.awaitAny(regions, offsets, expected, Math.min(timeoutNanos, CHECK_NANOS));
        }
        Sleeper s = enter(regions[0], offsets[0], stop);
        try {
            return Futex.awaitAny(regions, offsets, expected,
                    closed ? Math.min(timeoutNanos, CHECK_NANOS) : timeoutNanos);
        } finally {
            sleepers.remove(s);
        }
    }

    private Sleeper enter(MappedRegion region, long offset, BooleanSupplier stop) {
        Sleeper s = new Sleeper(Thread.currentThread(), region, offset, stop);
        sleepers.add(s);
        Thread t = thread;
        if (t == null || !t.isAlive()) {
            start();
        } else if (idle) {
            LockSupport.unpark(t);
        }
        return s;
    }

    /**
     * Starts the watch's thread, or a new one if it died: a thread of its own group, with no
     * context class loader or inherited thread-locals of the caller that happened to sleep first.
     */
    private synchronized void start() {
        Thread running = thread;
        if ((running == null || !running.isAlive()) && !closed) {
            Thread t = new Thread(null, this::watch, threadName, 0, false);
            t.setContextClassLoader(null);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    private void watch() {
        while (!closed) {
            try {
                check();
            } catch (RuntimeException | Error e) {
                // HotSpot delivers the fault of a mapped read late, at the thread's next call into
                // the VM: a stop condition read a word another process cut off by truncating its
                // file. The sleeper meets its own fault when it wakes; the watch goes on.
            }
        }
    }

    private void check() {
        if (sleepers.isEmpty()) {
            idle = true; // before the second look: a sleeper that registers now unparks us
            if (sleepers.isEmpty() && !closed) {
                LockSupport.park(this);
            }
            idle = false;
        }
        LockSupport.parkNanos(this, CHECK_NANOS);
        for (Sleeper s : sleepers) {
            if (s.mustWake()) {
                Futex.wake(s.region(), s.offset(), Integer.MAX_VALUE);
            }
        }
        checks++; // only this thread writes it
    }

    /** How many threads sleep registered now (tests, statistics). */
    public int sleeping() {
        return sleepers.size();
    }

    /** How many checks the watch has made (tests: a check passed after a sleeper registered). */
    public long checks() {
        return checks;
    }

    /** Stops the watch's thread and waits for it; later waits sleep in slices. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.NANOSECONDS.toMillis(CHECK_NANOS) * 10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // a sleeper still registered wakes now and sleeps its slices from here on
        for (Sleeper s : sleepers) {
            Futex.wake(s.region(), s.offset(), Integer.MAX_VALUE);
        }
    }

    /** One thread asleep on one word (none sleeps twice at once: no two live ones are equal). */
    private record Sleeper(Thread thread, MappedRegion region, long offset, BooleanSupplier stop) {
        boolean mustWake() {
            if (thread.isInterrupted()) {
                return true;
            }
            try {
                return stop.getAsBoolean();
            } catch (RuntimeException | Error e) {
                return true; // let the sleeper meet it itself (a fault of its mapping closes its handle)
            }
        }
    }
}
