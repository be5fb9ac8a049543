package org.multios.ipc.channels.ring;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The steps of a send or receive at which a {@link Hook} is called: tests pause or fail a thread
 * there (the crash-window tests kill a process inside them), and the
 * {@link #CRASH_WINDOW_PAUSE_PROPERTY} diagnosis widens them. Without a hook a step costs a null
 * check.
 */
public final class RingSteps {
    /**
     * System property (test and diagnosis only): a sender pauses this many microseconds, at
     * random, inside the windows between taking a slot and publishing it, so that a kill lands
     * there. 0 or absent: no pause (the hook is null and costs nothing).
     */
    public static final String CRASH_WINDOW_PAUSE_PROPERTY = "org.multios.ipc.ring.crashWindowPauseMicros";

    /** A sender owns a free slot, whose index is still on the free ring. */
    static final int SLOT_CLAIMED = 1;
    /** A sender took a free slot's index off the free ring. */
    static final int SLOT_TAKEN = 2;
    /** A sender's budget reservation is pending in the bytes word. */
    static final int BYTES_PENDING = 3;
    /** A sender wrote half of the message (copying sends with a hook only). */
    static final int HALF_WRITTEN = 4;
    /** A sender put the index on its priority's ring, still owning the slot. */
    static final int PUBLISHED = 5;
    /** A receiver owns the head message, whose index is still on its ring. */
    static final int MESSAGE_CLAIMED = 6;
    /** A receiver took the message's index off its ring. */
    static final int MESSAGE_TAKEN = 7;
    /** A receiver's give-back of budget bytes is pending in the bytes word. */
    static final int GIVE_BACK_PENDING = 8;
    /** A receiver found a priority's ring empty and is about to clear its bit. */
    static final int EMPTY_SEEN = 9;

    /** Called at each step of a send or receive: test and diagnosis only. */
    interface Hook {
        void at(int step);
    }

    /** The hook of {@link #CRASH_WINDOW_PAUSE_PROPERTY}, or null. */
    static final Hook PAUSE_HOOK = pauseHook(Long.getLong(CRASH_WINDOW_PAUSE_PROPERTY, 0L));

    private RingSteps() {
    }

    private static Hook pauseHook(long micros) {
        if (micros <= 0) {
            return null;
        }
        return step -> {
            if (step <= PUBLISHED && ThreadLocalRandom.current().nextInt(4) == 0) {
                LockSupport.parkNanos(micros * 1000);
            }
        };
    }
}
