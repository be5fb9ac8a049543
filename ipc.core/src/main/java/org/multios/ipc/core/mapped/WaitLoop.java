package org.multios.ipc.core.mapped;

import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.WaitStrategy;

/**
 * The one implementation of the {@link WaitStrategy} kinds, for every mechanism: the idle steps a
 * waiter takes between tries before it announces itself as a sleeper and sleeps in the kernel
 * ({@link Futex}). Stateless and allocation-free: the caller keeps the pass count and the start.
 *
 * <pre>
 *   long start = WaitLoop.start(strategy);
 *   for (int pass = 0;; pass++) {
 *       check closed, interrupted, revoked, deadline;
 *       if (try()) return;                       // unannounced: a sender pays no system call
 *       if (WaitLoop.idle(strategy, pass, start)) continue;
 *       break;                                   // budget spent: announce, then futex-sleep
 *   }
 * </pre>
 *
 * {@link WaitStrategy.Kind#SPIN} never ends its idle phase: the caller keeps trying (and
 * checking) until it succeeds, times out or is closed, and never sleeps in the kernel.
 */
public final class WaitLoop {
    /** Backoff: passes that spin before it yields. */
    static final int BACKOFF_SPINS = 10;
    /** Backoff: passes that yield before it parks. */
    static final int BACKOFF_YIELDS = 5;
    /** Backoff: the first park. */
    static final long BACKOFF_MIN_PARK_NANOS = 1_000;
    /** Backoff: the longest park. */
    static final long BACKOFF_MAX_PARK_NANOS = 1_000_000;

    private static final int KIND_BITS = 4;
    private static final int KIND_MASK = (1 << KIND_BITS) - 1;
    private static final WaitStrategy.Kind[] KINDS = WaitStrategy.Kind.values();

    private WaitLoop() {
    }

    /** The start of a wait for {@link #idle}: now, for the strategies with a budget in time. */
    public static long start(WaitStrategy strategy) {
        return strategy.kind() == WaitStrategy.Kind.ADAPTIVE || strategy.kind() == WaitStrategy.Kind.BACKOFF
                ? System.nanoTime() : 0;
    }

    /**
     * Takes one idle step of a wait whose try found nothing, while the waiter has not announced
     * itself: spins once, yields or parks briefly, as the strategy says for this pass.
     *
     * @param pass  idle steps this wait took before (0 the first time)
     * @param start what {@link #start} returned when the wait began
     * @return true if the caller should try again without announcing itself; false once the
     *         strategy's budget is spent (at once for {@link WaitStrategy.Kind#BLOCK}): the
     *         caller then announces itself as a sleeper and sleeps in the kernel between tries
     */
    public static boolean idle(WaitStrategy strategy, int pass, long start) {
        return idle(strategy, pass, start, strategy.spinMicros() * 1_000L);
    }

    /**
     * {@link #idle(WaitStrategy, int, long)} with a budget of {@code budgetNanos} instead of the
     * strategy's (what a {@link SpinHistory} learned).
     */
    public static boolean idle(WaitStrategy strategy, int pass, long start, long budgetNanos) {
        switch (strategy.kind()) {
            case SPIN:
                Thread.onSpinWait();
                return true;
            case ADAPTIVE:
                if (System.nanoTime() - start >= budgetNanos) {
                    return false;
                }
                Thread.onSpinWait();
                return true;
            case BACKOFF:
                if (System.nanoTime() - start >= budgetNanos) {
                    return false;
                }
                if (pass < BACKOFF_SPINS) {
                    Thread.onSpinWait();
                } else if (pass < BACKOFF_SPINS + BACKOFF_YIELDS) {
                    Thread.yield();
                } else {
                    int doublings = Math.min(pass - BACKOFF_SPINS - BACKOFF_YIELDS, 20);
                    LockSupport.parkNanos(Math.min(BACKOFF_MIN_PARK_NANOS << doublings, BACKOFF_MAX_PARK_NANOS));
                }
                return true;
            default:
                return false;
        }
    }

    /**
     * The strategy as one int word of a shared file: the kind's ordinal plus one in the low 4
     * bits (0: none), the budget in microseconds above.
     */
    public static int word(WaitStrategy strategy) {
        return (strategy.spinMicros() << KIND_BITS) | (strategy.kind().ordinal() + 1);
    }

    /**
     * Reads a word written by {@link #word}.
     *
     * @param what the object, named in the message
     * @throws IpcException CORRUPTED if the word names no strategy
     */
    public static WaitStrategy fromWord(int word, String what) {
        int kind = (word & KIND_MASK) - 1;
        int micros = word >>> KIND_BITS;
        if (kind < 0 || kind >= KINDS.length || micros > WaitStrategy.MAX_SPIN_MICROS) {
            throw new IpcException(IpcError.CORRUPTED, what + " has wait strategy word " + Integer.toHexString(word)
                    + ", which names no strategy");
        }
        return WaitStrategy.of(KINDS[kind], micros);
    }
}
