package org.multios.ipc.channels.pipe;

import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.SpinHistory;
import org.multios.ipc.core.mapped.WaitLoop;

/**
 * One wait of a pipe end, as its {@link WaitStrategy} says: idle steps (spin, yield, brief parks;
 * {@link WaitLoop}) while the budget lasts, in which the waiter only probes and nobody needs to
 * wake it, then sleeps in the kernel until woken (the FIFO's {@code poll}, the unnamed
 * pipe's park), where a peer wakes it. Made (or restarted) by a thread whose first attempt
 * found nothing; used by one thread at a time.
 *
 * <p>A pipe is a stream: its reader and writer are both busy while bytes flow, and a waiter
 * that spins takes the processor its peer needs whenever there are fewer cores than runnable
 * threads (measured: an unnamed pipe's throughput fell to a fifth with a plain adaptive spin on
 * 2 loaded cores). So an {@link WaitStrategy.Kind#ADAPTIVE} pipe wait yields at each idle step
 * after the first {@value #SPINS_BEFORE_YIELD}: on a free core a yield returns at once, on a
 * busy one it lets the peer run.
 *
 * <p>A named pipe's probe is a system call ({@code poll}), which costs about what the sleep it
 * could save costs, and a yield on a loaded machine hands the core to other processes for a
 * whole time slice, while a thread woken from {@code poll} is scheduled at once (as the OS
 * pipe's reader and writer are, woken in {@code read} and {@code write}). So an
 * {@link WaitStrategy.Kind#ADAPTIVE} wait of a named pipe end sleeps at once (measured on 2
 * loaded cores: about twice the throughput of probing and yielding, at the same CPU per write):
 * without a deadline in the kernel's own {@code read} or {@code write}, as a
 * {@link WaitStrategy.Kind#BLOCK} wait does (see {@link FifoDescriptors}), with one in
 * {@code poll}; {@link WaitStrategy.Kind#SPIN} and {@link WaitStrategy.Kind#BACKOFF} probe as they
 * say.
 */
class PipeWait { // not final: an unnamed pipe's side pads the one it keeps (PipeSide)
    /** Adaptive: idle steps that only spin before each also yields. */
    static final int SPINS_BEFORE_YIELD = 8;

    private WaitStrategy strategy;
    private SpinHistory history;
    private long start;
    private long budget;
    /** An adaptive wait whose probes are system calls: it sleeps at once and learns nothing. */
    private boolean sleepsAtOnce;
    private int pass;
    private boolean sleeping;

    /**
     * @param probesAreSystemCalls whether each probe of the wait is a system call (a FIFO's
     *                             {@code poll}), not a read of memory
     */
    PipeWait(WaitStrategy strategy, SpinHistory history, boolean probesAreSystemCalls) {
        restart(strategy, history, probesAreSystemCalls);
    }

    /** A wait to be {@link #restart started} by its holder (an unnamed pipe's side reuses one: no allocation per wait). */
    PipeWait() {
    }

    /** Starts a new wait as the constructor does; the caller owns the object until the wait ends. */
    PipeWait restart(WaitStrategy strategy, SpinHistory history, boolean probesAreSystemCalls) {
        this.strategy = strategy;
        this.history = history;
        this.start = WaitLoop.start(strategy);
        this.budget = history.budgetNanos(strategy);
        this.sleepsAtOnce = probesAreSystemCalls && strategy.kind() == WaitStrategy.Kind.ADAPTIVE;
        this.pass = 0;
        this.sleeping = false;
        return this;
    }

    /**
     * Whether a wait of {@code strategy} sleeps in the kernel at once, without idling first:
     * {@link WaitStrategy.Kind#BLOCK}, and {@link WaitStrategy.Kind#ADAPTIVE} when each probe
     * would be a system call. A named pipe's end then sleeps in the kernel's own {@code read} or
     * {@code write} when it has no deadline (see {@link FifoDescriptors}).
     */
    static boolean sleepsAtOnce(WaitStrategy strategy, boolean probesAreSystemCalls) {
        return strategy.kind() == WaitStrategy.Kind.BLOCK
                || probesAreSystemCalls && strategy.kind() == WaitStrategy.Kind.ADAPTIVE;
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
        if (sleepsAtOnce) {
            sleeping = true;
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
        if (sleepsAtOnce) {
            return;
        }
        if (sleeping) {
            history.slept(strategy, start);
        } else {
            history.paidOff(strategy);
        }
    }
}
