package org.multios.ipc.channels.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Padding before the count (superclass fields are laid out first). */
abstract class QueuedCountPadBefore {
    long p01, p02, p03, p04, p05, p06, p07, p08;
}

/** The count. */
abstract class QueuedCountValue extends QueuedCountPadBefore {
    volatile long value;
}

/**
 * The messages one session sent that are still queued, counted at every send and receive, alone
 * on its cache lines: the session's other words (its gate's closed flag, which every operation
 * of every handle of the session reads, even at each pass of a spinning wait) must not share a
 * line with a word written once per message. Padded as Agrona pads its counters.
 */
public final class QueuedCount extends QueuedCountValue {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(QueuedCountValue.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long q01, q02, q03, q04, q05, q06, q07, q08;

    /** Counts one more message queued. */
    public void increment() {
        VALUE.getAndAdd(this, 1L);
    }

    /**
     * Counts one message fewer, if any is counted; returns whether one was. The first
     * compare-and-exchange guesses the count (1: a round trip's) instead of reading it first: a
     * read fetches the line shared from the sender's core and the compare-and-set then fetches it
     * again to own it, where the exchange owns it at once and, guessed wrong, returns the count
     * for a second attempt on the line it now holds. It still decrements only a positive count
     * it saw.
     */
    public boolean decrementIfPositive() {
        long n = 1;
        while (true) {
            long seen = (long) VALUE.compareAndExchange(this, n, n - 1);
            if (seen == n) {
                return true;
            }
            if (seen <= 0) {
                return false;
            }
            n = seen;
        }
    }

    /** Takes every message counted, leaving none. */
    public long takeAll() {
        return (long) VALUE.getAndSet(this, 0L);
    }
}
