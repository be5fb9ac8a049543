package org.multios.ipc.sync.signals;

import java.time.Duration;
import java.util.Objects;

import org.multios.ipc.IpcException;

/**
 * How the signal mechanism delivers: the time budget of one handler call, the size of the
 * delivery thread pool, and the bound on signals queued for one process. Immutable.
 *
 * <p>A process never holds more than {@code 1 + MAX_OVERRUNNING_CALLS} delivery threads (one
 * draining its queue, the others still stuck in handlers that overran), so one process cannot
 * take the whole pool.
 *
 * @param handlerBudget        how long one handler call may run before it is interrupted,
 *                             counted as an overrun and left behind
 * @param deliveryThreads      the most threads delivering at once, for all processes together
 * @param queuedSignalsMax     the most real-time signals queued (pending or waiting for
 *                             delivery) for one process; named {@value #QUEUE_LIMIT_KEY} in
 *                             LIMIT_EXCEEDED messages
 * @param overrunsBeforeRemoval consecutive overruns after which a handler is unregistered
 */
public record SignalSettings(Duration handlerBudget, int deliveryThreads, int queuedSignalsMax,
        int overrunsBeforeRemoval) {
    /** The name of the queued real-time signals bound in LIMIT_EXCEEDED messages. */
    public static final String QUEUE_LIMIT_KEY = "signal.queue.max";
    /** The default handler time budget: one second. */
    public static final Duration DEFAULT_HANDLER_BUDGET = Duration.ofSeconds(1);
    /** The default size of the delivery pool. */
    public static final int DEFAULT_DELIVERY_THREADS = 8;
    /**
     * The default bound on queued real-time signals per process: 1024 (POSIX asks for at least
     * 32, {@code _POSIX_SIGQUEUE_MAX}).
     */
    public static final int DEFAULT_QUEUED_SIGNALS_MAX = 1024;
    /** The default number of consecutive overruns after which a handler is unregistered. */
    public static final int DEFAULT_OVERRUNS_BEFORE_REMOVAL = 3;
    /** Handler calls of one process that may overrun at once before its delivery waits for them. */
    public static final int MAX_OVERRUNNING_CALLS = 1;

    /**
     * Checks the values.
     *
     * @throws IpcException INVALID_ARGUMENT for a budget that is not positive, fewer than two
     *         threads, or a bound below 1
     */
    public SignalSettings {
        Objects.requireNonNull(handlerBudget, "handlerBudget");
        if (handlerBudget.isNegative() || handlerBudget.isZero()) {
            throw IpcException.invalidArgument("signal handler budget " + handlerBudget + " must be positive");
        }
        if (deliveryThreads < 1 + MAX_OVERRUNNING_CALLS) {
            throw IpcException.invalidArgument("signal delivery threads " + deliveryThreads + " must be at least "
                    + (1 + MAX_OVERRUNNING_CALLS));
        }
        if (queuedSignalsMax < 1) {
            throw IpcException.invalidArgument(QUEUE_LIMIT_KEY + " " + queuedSignalsMax + " must be at least 1");
        }
        if (overrunsBeforeRemoval < 1) {
            throw IpcException.invalidArgument("signal handler overruns before removal " + overrunsBeforeRemoval
                    + " must be at least 1");
        }
    }

    /** The defaults: a one-second budget, 8 threads, 1024 queued signals, removal after 3 overruns. */
    public static SignalSettings defaults() {
        return new SignalSettings(DEFAULT_HANDLER_BUDGET, DEFAULT_DELIVERY_THREADS, DEFAULT_QUEUED_SIGNALS_MAX,
                DEFAULT_OVERRUNS_BEFORE_REMOVAL);
    }

    /** A copy with another handler budget. */
    public SignalSettings withHandlerBudget(Duration budget) {
        return new SignalSettings(budget, deliveryThreads, queuedSignalsMax, overrunsBeforeRemoval);
    }

    /** A copy with another bound on queued real-time signals. */
    public SignalSettings withQueuedSignalsMax(int max) {
        return new SignalSettings(handlerBudget, deliveryThreads, max, overrunsBeforeRemoval);
    }
}
