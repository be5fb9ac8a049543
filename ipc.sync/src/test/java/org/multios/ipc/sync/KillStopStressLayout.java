package org.multios.ipc.sync;

import java.util.concurrent.TimeUnit;

/**
 * The state segment of {@link KillStopStressTest} and its children (native byte order, every
 * word on its own cache line).
 *
 * <pre>
 *    0  int   STOP            set by the test: the children's threads leave their loops
 *   64  int   PAUSE           set by the test: semaphore threads park (state PARKED), signallers end
 *  128  long  HOLDER          mutex, condition: the holder's token (pid &lt;&lt; 16 | slot), CASed 0 -&gt; token -&gt; 0
 *  192  int   INSIDE          semaphore: holders inside (+1 after acquiring, -1 before releasing)
 *  256  long  COUNTER         mutex: a plain counter only the holder increments; condition: items, 0 to ITEMS_MAX
 *  320  long  VIOLATIONS      two holders, more holders than permits, a datum taken twice or unknown
 *  384  long  ENTRIES         sections completed (mutex, semaphore), data taken (event)
 *  448  long  TAKEOVERS       locks that returned OWNER_DEAD
 *  512  long  WRONG_TAKEOVERS OWNER_DEAD while the recorded holder's process was alive (stopped)
 *  576  long  MAX_INSIDE      semaphore: most holders inside at once; condition: GENERATION, moved by the test
 *  640  long  TIMEOUTS        timed waits that timed out, tries that failed
 *  704  long  VIOLATION_WHAT  the last violation's holder word, count or datum
 *  768  long  WRONG_TAKEOVER_PID  pid &lt;&lt; 24 | thread id of a holder taken over while it lived
 *  832  long  SIGNALS         event: signals made; condition: items produced
 *  896  int   SIGNALLERS_DONE event: signaller threads that ended
 *  960  long  ABANDONS        mutex: threads that ended holding the lock (their live process kept running)
 * 1024 + 64 * slot            per thread: long TALLY (sections, or the last datum signalled),
 *                             long STATE (semaphore: IDLE..PARKED; signaller: n about to be signalled;
 *                             mutex, condition: the thread's id); condition consumers: TALLY is the
 *                             generation they last saw (-1 before the test pauses)
 * BITMAP + slot * EVENT_BITS / 8   event: one bit per datum (slot &lt;&lt; 32 | n), set by the taker
 * </pre>
 */
final class KillStopStressLayout {
    static final long STOP = 0;
    static final long PAUSE = 64;
    static final long HOLDER = 128;
    static final long INSIDE = 192;
    static final long COUNTER = 256;
    static final long VIOLATIONS = 320;
    static final long ENTRIES = 384;
    static final long TAKEOVERS = 448;
    static final long WRONG_TAKEOVERS = 512;
    static final long MAX_INSIDE = 576;
    static final long GENERATION = MAX_INSIDE;
    /** Condition: the most items the producers keep. */
    static final long ITEMS_MAX = 1000;
    static final long TIMEOUTS = 640;
    static final long VIOLATION_WHAT = 704;
    static final long WRONG_TAKEOVER_PID = 768;
    static final long SIGNALS = 832;
    static final long SIGNALLERS_DONE = 896;
    static final long ABANDONS = 960;
    /** The bit of a holder token whose thread ends holding the lock. */
    static final long ABANDONING = 1L << 15;
    static final long SLOTS = 1024;
    static final long SLOT_SIZE = 64;
    static final long TALLY = 0;
    static final long STATE = 8;
    static final int MAX_SLOTS = 128;
    static final long EVENT_BITS = 1L << 19;
    static final long BITMAP = SLOTS + SLOT_SIZE * MAX_SLOTS;
    static final long SEGMENT_SIZE = BITMAP + MAX_SLOTS * EVENT_BITS / 8;
    static final long SMALL_SEGMENT_SIZE = BITMAP;

    static final long IDLE = 0;
    static final long ACQUIRING = 1;
    static final long HOLDING = 2;
    static final long RELEASING = 3;
    static final long PARKED = 4;

    /** The longest any blocking call of a child may take. */
    static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(60);

    private KillStopStressLayout() {
    }

    static long slotOffset(int slot) {
        if (slot < 0 || slot >= MAX_SLOTS) {
            throw new IllegalArgumentException("slot " + slot + " of " + MAX_SLOTS);
        }
        return SLOTS + SLOT_SIZE * slot;
    }
}
