package org.multios.ipc.sync.signals;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.ScheduledFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serial delivery queue of one process. Steps run one at a time, in order, on a thread of
 * the mechanism's pool, so a slow process only delays itself. A {@link Step#guarded guarded}
 * step (a handler call) that runs past the time budget is interrupted and left behind: the
 * lane goes on on another pool thread while the late call finishes on its own. At most
 * {@link SignalSettings#MAX_OVERRUNNING_CALLS} calls of one lane may be left behind at once;
 * past that the lane waits for one of them, so a process never holds more than
 * {@code 1 + MAX_OVERRUNNING_CALLS} pool threads.
 */
final class DeliveryLane {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLane.class);

    /**
     * One unit of work of a lane.
     *
     * @param action    what to run
     * @param guarded   whether the time budget applies (handler calls)
     * @param onOverrun called once, on the watchdog thread, if a guarded action overruns
     */
    record Step(Runnable action, boolean guarded, Runnable onOverrun) {
        /** A step of the platform's own, not timed. */
        static Step plain(Runnable action) {
            return new Step(action, false, () -> { });
        }

        /** A handler call, timed. */
        static Step guarded(Runnable call, Runnable onOverrun) {
            return new Step(call, true, onOverrun);
        }
    }

    /** A guarded call in progress. */
    private static final class Call {
        final Thread thread;
        boolean done;
        boolean abandoned;

        Call(Thread thread) {
            this.thread = thread;
        }
    }

    private final String owner;
    private final DeliveryThreads threads;
    private final Duration budget;
    private final Object lock = new Object();
    private final ArrayDeque<Step> steps = new ArrayDeque<>();
    private boolean draining;
    private int overrunning;
    private boolean closed;

    /**
     * @param owner   the process, for log lines
     * @param threads the pool and watchdog
     * @param budget  the time budget of a guarded step
     */
    DeliveryLane(String owner, DeliveryThreads threads, Duration budget) {
        this.owner = owner;
        this.threads = threads;
        this.budget = budget;
    }

    /** Queues a step at the end. */
    void add(Step step) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            steps.addLast(step);
            startIfIdle();
        }
    }

    /** Queues steps, in the given order, before every step already queued. */
    void addFirst(List<Step> first) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (ListIterator<Step> it = first.listIterator(first.size()); it.hasPrevious();) {
                steps.addFirst(it.previous());
            }
            startIfIdle();
        }
    }

    /** Drops every queued step; later steps are ignored. Calls already running go on. */
    void close() {
        synchronized (lock) {
            closed = true;
            steps.clear();
        }
    }

    /** Guarded calls of this lane that overran and are still running. */
    int overrunning() {
        synchronized (lock) {
            return overrunning;
        }
    }

    private void startIfIdle() {
        if (!draining && !closed && !steps.isEmpty() && overrunning <= SignalSettings.MAX_OVERRUNNING_CALLS) {
            draining = threads.execute(this::drain);
            if (!draining) {
                closed = true;
                steps.clear();
            }
        }
    }

    private void drain() {
        while (true) {
            Step step;
            Call call = null;
            synchronized (lock) {
                step = closed ? null : steps.pollFirst();
                if (step == null) {
                    draining = false;
                    return;
                }
                if (step.guarded()) {
                    call = new Call(Thread.currentThread());
                }
            }
            if (call == null) {
                runQuietly(step);
            } else if (runGuarded(step, call)) {
                return;
            }
        }
    }

    /** Runs a guarded step; true if it overran, so this thread no longer drains the lane. */
    private boolean runGuarded(Step step, Call call) {
        ScheduledFuture<?> timer = threads.schedule(() -> overrun(call, step), budget);
        try {
            runQuietly(step);
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
        }
        boolean abandoned;
        synchronized (lock) {
            call.done = true;
            abandoned = call.abandoned;
            if (abandoned) {
                overrunning--;
                startIfIdle();
            }
        }
        Thread.interrupted(); // the watchdog's interrupt must not reach the next step
        return abandoned;
    }

    private void overrun(Call call, Step step) {
        synchronized (lock) {
            if (call.done) {
                return;
            }
            call.abandoned = true;
            overrunning++;
            draining = false;
            call.thread.interrupt();
            startIfIdle();
        }
        runQuietly(Step.plain(step.onOverrun()));
    }

    private void runQuietly(Step step) {
        try {
            step.action().run();
        } catch (RuntimeException | Error e) {
            LOG.error("signal delivery to {} failed", owner, e);
        }
    }
}
