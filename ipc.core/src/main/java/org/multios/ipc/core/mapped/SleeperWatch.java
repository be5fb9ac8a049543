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
 * mutex locker's: its holder died), and futex-wakes the word of each that does, again at every
 * check while it still sleeps (so a wake that came just before the sleeper entered the kernel is
 * repeated, never lost). A sleeper may also leave the watch a sweep of what it sleeps on (a
 * message ring's, for the slots of dead processes, which wakes through the ring,
 * {@link #awaitSweeping}): the watch runs it once a check for each word of a file that threads
 * sleep on, not once per sleeper, since every attachment of that word in this process sweeps the
 * same shared memory. One thread wakes ten times a second however many threads sleep, instead of
 * every sleeper waking ten times a second; with no sleeper at a check it parks until the next one
 * registers.
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
     * sleep, as it re-reads its word, or explicitly ({@link MappedFault#throwIfCutShort}). Everything else wakes sleepers at once or within
     * {@link #CHECK_NANOS}. 100 idle waiters wake 20 times a second in all.
     */
    public static final long LONGEST_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String threadName;
    private final Set<Sleeper> sleepers = ConcurrentHashMap.newKeySet();
    /** The words sleepers with a sweep sleep on now, each with how many sleep on it. */
    private final ConcurrentHashMap<WordKey, Word> words = new ConcurrentHashMap<>();
    private volatile Thread thread;
    private volatile boolean idle;
    private volatile boolean closed;
    private volatile long checks;
    /**
     * Checks begun: the stamp a check leaves on the words it swept. Written by the watch's thread
     * only; volatile for the thread that replaces one that died.
     */
    private volatile long round;

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
        return sleep(region, offset, expected, timeoutNanos, stop, null);
    }

    /**
     * {@link #await} for a sleeper that stops only when interrupted or woken through its word, and
     * whose watch work is {@code sweep}: the same for every thread asleep on this word of this file
     * in this process (a message ring's sweep for the slots of dead processes, whose recovery
     * wakes through the word). At each check the watch runs the sweep of one sleeper of each such
     * word, so a hundred threads asleep on one ring cost one sweep a check, not a hundred. A sweep
     * that throws wakes that sleeper, which meets the fault itself.
     */
    public int awaitSweeping(MappedRegion region, long offset, int expected, long timeoutNanos, Runnable sweep) {
        return sleep(region, offset, expected, timeoutNanos, null, sweep);
    }

    /** {@link #await} with a stop condition or a sweep of the word (the other null). */
    private int sleep(MappedRegion region, long offset, int expected, long timeoutNanos, BooleanSupplier stop,
            Runnable sweep) {
        if (closed) {
            return Futex.await(region, offset, expected, Math.min(timeoutNanos, CHECK_NANOS));
        }
        Sleeper s = enter(region, offset, stop, sweep);
        try {
            return Futex.await(region, offset, expected, closed ? Math.min(timeoutNanos, CHECK_NANOS) : timeoutNanos);
        } finally {
            sleepers.remove(s);
            if (s.word() != null) {
                words.computeIfPresent(s.word().key, (k, w) -> w.leave());
            }
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
        Sleeper s = enter(regions[0], offsets[0], stop, null);
        try {
            return Futex.awaitAny(regions, offsets, expected,
                    closed ? Math.min(timeoutNanos, CHECK_NANOS) : timeoutNanos);
        } finally {
            sleepers.remove(s);
        }
    }

    private Sleeper enter(MappedRegion region, long offset, BooleanSupplier stop, Runnable sweep) {
        Word word = sweep == null ? null
                : words.compute(WordKey.of(region, offset), (k, w) -> (w == null ? new Word(k) : w).join());
        Sleeper s = new Sleeper(Thread.currentThread(), region, offset, stop, sweep, word);
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
                while (!closed) {
                    try {
                        check();
                    } catch (RuntimeException | Error e) {
                        // HotSpot delivers the fault of a mapped read late, at the thread's next
                        // call into the VM or safepoint poll: a stop condition read a word another
                        // process cut off by truncating its file. The sleeper meets its own fault
                        // when it wakes; the watch goes on.
                    }
                }
            } catch (RuntimeException | Error lateBetweenChecks) {
                // the same fault, delivered at this loop's own poll between two checks
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
        long check = ++round; // a check a fault ended leaves its stamp to no later one
        for (Sleeper s : sleepers) {
            boolean wake = s.mustWake();
            Word w = s.word();
            if (w != null && w.sweptAt != check) {
                w.sweptAt = check;
                wake |= !s.sweptCleanly();
            }
            if (wake) {
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

    /**
     * One thread asleep on one word (none sleeps twice at once: no two live ones are equal), with
     * a stop condition or a sweep of its word, or neither.
     */
    private record Sleeper(Thread thread, MappedRegion region, long offset, BooleanSupplier stop, Runnable sweep,
            Word word) {
        boolean mustWake() {
            if (thread.isInterrupted()) {
                return true;
            }
            try {
                return stop != null && stop.getAsBoolean();
            } catch (RuntimeException | Error e) {
                return true; // let the sleeper meet it itself (a fault of its mapping closes its handle)
            }
        }

        /** Runs the sweep; false if it threw, which the sleeper is woken to meet itself. */
        boolean sweptCleanly() {
            try {
                sweep.run();
                return true;
            } catch (RuntimeException | Error e) {
                return false;
            }
        }
    }

    /**
     * A word of a file as every mapping of it in this process shares it: the file's name and inode
     * (two live mappings with both equal map the same file: an inode is not reused while mapped)
     * and the offset; a region that knows no file stands for itself.
     */
    private record WordKey(Object file, long inode, long offset) {
        static WordKey of(MappedRegion region, long offset) {
            long inode = region.inode(); // recorded after the name: a known inode has its name
            Object file = region.file();
            return file == null || inode < 0 ? new WordKey(region, -1, offset) : new WordKey(file, inode, offset);
        }
    }

    /**
     * The one object of a word that its sweeping sleepers share while any of them sleeps, so that
     * a check tells a word it swept already by a field of an object every such sleeper points to.
     */
    private static final class Word {
        final WordKey key;
        /** Sleepers on the word; changed only inside the map's compute for its key. */
        private int sleeping;
        /** The check that swept it last; the watch's thread only. */
        long sweptAt;

        Word(WordKey key) {
            this.key = key;
        }

        Word join() {
            sleeping++;
            return this;
        }

        /** @return this, or null (out of the map) once its last sleeper left */
        Word leave() {
            return --sleeping == 0 ? null : this;
        }
    }
}
