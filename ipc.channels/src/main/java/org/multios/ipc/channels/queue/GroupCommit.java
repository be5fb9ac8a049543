package org.multios.ipc.channels.queue;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * The group commit of the GROUP queues of one mechanism: one thread, {@value #THREAD_NAME},
 * that flushes each queue with sends not yet on disk {@link #WINDOW_NANOS} after the first of
 * them, so every send within that window shares one flush. A send costs a volatile read (and, for
 * the first send of a window, a queue offer and an unpark); nobody dirty, the thread parks.
 *
 * <p>Loss window: a send that returned at time t is on stable storage by t + {@link #WINDOW_NANOS}
 * + the time of one flush (plus the flushes of the other queues dirty in the same window). A
 * flush that fails is reported to the queue's sends (IO_ERROR) until one succeeds; each such send
 * marks the queue dirty again, so the flush is retried in the next window. Closing
 * flushes what is pending, so a clean stop loses nothing.
 */
final class GroupCommit implements AutoCloseable {
    /** Name of the flushing thread. */
    static final String THREAD_NAME = "ipc-queue-group-commit";
    /** How long after the first unflushed send of a queue its flush starts: 2 ms. */
    static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final ConcurrentLinkedQueue<Member> dirty = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Thread thread;
    private volatile boolean closed;
    private volatile Runnable offerHook;

    /** Installs a test hook run by a send between its look at {@code closed} and its offer (null: none). */
    void offerHook(Runnable hook) {
        this.offerHook = hook;
    }

    /** The policy of one GROUP queue's mapping. */
    DurabilityPolicy member(MappedRegion region, String what) {
        return member(() -> DurabilityPolicy.flush(region, what));
    }

    /**
     * The policy of one GROUP queue whose pages {@code flush} writes to disk (throwing IO_ERROR
     * if it fails): the queue's mapping, or a test's stand-in.
     */
    DurabilityPolicy member(Runnable flush) {
        if (started.compareAndSet(false, true)) {
            Thread t = new Thread(this::run, THREAD_NAME);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
        return new Member(flush);
    }

    /** One queue mapping's state: dirty (queued for the next flush) and the last flush's failure. */
    private final class Member implements DurabilityPolicy {
        private final Runnable flush;
        private final AtomicBoolean pending = new AtomicBoolean();
        private volatile IpcException failed;

        Member(Runnable flush) {
            this.flush = flush;
        }

        @Override
        public void published() {
            // read before this send marks the queue dirty, so a retry that succeeds at once
            // cannot hide the failure from the send that was first to meet it
            IpcException f = failed;
            // a send that sees "pending" published before the flusher cleared it, so that flush covers it;
            // marked even after a failure, so the flush is tried again (else no flush ever clears it)
            if (!pending.get() && pending.compareAndSet(false, true)) {
                if (closed) {
                    flush(); // no flusher any more: this sender flushes itself
                } else {
                    Runnable hook = offerHook;
                    if (hook != null) {
                        hook.run();
                    }
                    dirty.offer(this);
                    LockSupport.unpark(thread);
                    if (closed) {
                        flushPending(); // closed since the look above: its last flush may have missed this offer
                    }
                }
            }
            if (f != null) {
                throw new IpcException(f.error(), f.getMessage(), f);
            }
        }

        void flush() {
            pending.set(false);
            try {
                flush.run();
                failed = null;
            } catch (IpcException e) {
                failed = e;
            }
        }
    }

    private void run() {
        while (!closed) {
            if (dirty.isEmpty()) {
                LockSupport.park(this);
                continue;
            }
            long until = System.nanoTime() + WINDOW_NANOS;
            for (long left = WINDOW_NANOS; left > 0 && !closed; left = until - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
            flushPending();
        }
    }

    private void flushPending() {
        for (Member m; (m = dirty.poll()) != null;) {
            m.flush();
        }
    }

    /** Stops the thread (waiting for it, bounded) and flushes what is pending. */
    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flushPending();
    }
}
