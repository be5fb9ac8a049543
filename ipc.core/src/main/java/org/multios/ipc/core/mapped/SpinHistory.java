package org.multios.ipc.core.mapped;

import org.multios.ipc.WaitStrategy;

/**
 * What an {@link WaitStrategy.Kind#ADAPTIVE} waiter learns, per handle: how long spinning pays
 * off. A wait that got what it waited for while it spun doubles the spin of the next one (up to
 * the strategy's budget); a wait whose spin ran out halves it (down to 1/64 of the budget, so it
 * keeps probing), and a wait that then slept but got what it waited for within the budget raises
 * it to half again that wait (a spin that long would have paid off: without this, long idle
 * waits push it to its floor, below a round trip, where it never pays off again). On a machine with cores to spare and a peer that answers within the budget it
 * spins the whole budget; where spinning only keeps the peer off the processor it waits would
 * run on (fewer cores than runnable threads), the spin shrinks and the waiter sleeps almost at
 * once, as {@link WaitStrategy.Kind#BLOCK} does. Other kinds use their budget as it is. A
 * heuristic: its one word is read and written without synchronization, and a lost update only
 * shifts one wait's spin.
 */
public final class SpinHistory {
    /** The smallest spin, as a fraction of the budget: {@code budget >> SHRINK_FLOOR_SHIFT}. */
    static final int SHRINK_FLOOR_SHIFT = 6;

    private long spinNanos = -1;

    /** The spin of the next wait, in nanoseconds. */
    public long budgetNanos(WaitStrategy strategy) {
        long full = strategy.spinMicros() * 1_000L;
        long learned = spinNanos;
        return strategy.kind() != WaitStrategy.Kind.ADAPTIVE || learned < 0 || learned > full ? full : learned;
    }

    /**
     * The wait got what it waited for while it spun. Stores only a changed budget: a spinning
     * round trip pays off at every message, and a store, even of the same value, takes the
     * history's cache line (and whatever shares it) from the cores that read it.
     */
    public void paidOff(WaitStrategy strategy) {
        long full = strategy.spinMicros() * 1_000L;
        long next = Math.min(full, Math.max(budgetNanos(strategy) * 2, full >> SHRINK_FLOOR_SHIFT));
        if (next != spinNanos) {
            spinNanos = next;
        }
    }

    /**
     * The wait's spin ran out, then it slept and got what it waited for; {@code start} is when it
     * began ({@link WaitLoop#start}). A wait shorter than the budget raises the spin to cover it.
     */
    public void slept(WaitStrategy strategy, long start) {
        if (strategy.kind() == WaitStrategy.Kind.ADAPTIVE) {
            sleptFor(strategy, System.nanoTime() - start);
        }
    }

    /** As {@link #slept}, for a wait that lasted {@code waited} nanoseconds. */
    public void sleptFor(WaitStrategy strategy, long waited) {
        if (strategy.kind() != WaitStrategy.Kind.ADAPTIVE) {
            return;
        }
        long full = strategy.spinMicros() * 1_000L;
        if (waited < full) {
            spinNanos = Math.min(full, Math.max(budgetNanos(strategy), waited + (waited >> 1)));
        }
    }

    /** The wait's spin ran out: it will sleep. */
    public void ranOut(WaitStrategy strategy) {
        long full = strategy.spinMicros() * 1_000L;
        spinNanos = Math.max(budgetNanos(strategy) / 2, full >> SHRINK_FLOOR_SHIFT);
    }
}
