package org.multios.ipc.channels.pipe;

import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.SpinHistory;
import org.multios.ipc.core.mapped.WaitLoop;

/**
 * One wait of a pipe end, as its {@link WaitStrategy} says: idle steps (spin, yield, brief parks;
 * {@link WaitLoop}) while the budget lasts, in which the waiter only probes and nobody needs to
 * wake it, then sleeps in the kernel until woken (the FIFO's {@code poll}, the unnamed pipe's
 * condition), where a peer wakes it. Made by a thread whose first attempt found nothing; not
 * shared between threads.
 *
 * <p>A pipe is a stream: its reader and writer are both busy while bytes flow, and a waiter
 * that spins takes the processor its peer needs whenever there are fewer cores than runnable
 * threads (measured: an unnamed pipe's throughput fell to a fifth with a plain adaptive spin on
 * 2 loaded cores). So an {@link WaitStrategy.Kind#ADAPTIVE} pipe wait yields at each idle step
 * after the first {@value #SPINS_BEFORE_YIELD}: on a free core a yield returns at once, on a
 * busy one it lets the peer run.
 */
final class PipeWait {
    /** Adaptive: idle steps that only spin before each also yields. */
    static final int SPINS_BEFORE_YIELD = 8;

    private final WaitStrategy strategy;
    private final SpinHistory history;
    private final long start;
    private final long budget;
    private int pass;
    private boolean sleeping;

    PipeWait(WaitStrategy strategy, SpinHistory history) {
        this.strategy = strategy;
        this.history = history;
        this.start = WaitLoop.start(strategy);
        this.budget = history.budgetNanos(strategy);
    }

    /**
     * Takes the next idle step and returns true, or returns false once the budget is spent (at
     * once for {@link WaitStrategy.Kind#BLOCK}, never for {@link WaitStrategy.Kind#SPIN}): the
     * waiter then sleeps in the kernel between its attempts.
     */
    boolean idle() {
        if (sleeping) {
            return false;
        }
        if (WaitLoop.idle(strategy, pass++, start, budget)) {
            if (strategy.kind() == WaitStrategy.Kind.ADAPTIVE && pass > SPINS_BEFORE_YIELD) {
                Thread.yield();
            }
            return true;
        }
        sleeping = true;
        history.ranOut(strategy);
        return false;
    }

    /** Whether the budget is spent: the waiter sleeps in the kernel from now on. */
    boolean sleeping() {
        return sleeping;
    }

    /** The wait got what it waited for: the end's spin history learns from it. */
    void done() {
        if (sleeping) {
            history.slept(strategy, start);
        } else {
            history.paidOff(strategy);
        }
    }
}
