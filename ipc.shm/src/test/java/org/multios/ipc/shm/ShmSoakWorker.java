package org.multios.ipc.shm;

/**
 * One hammering thread of {@link SharedMemorySoakTest}, in the test JVM or in a child JVM
 * ({@link ShmSoakChildMain}): until its deadline, adds to the shared counters of a named
 * segment and at the end writes what it added into its own slot of the segment.
 *
 * <pre>
 * segment layout (native byte order, every word on its own cache line)
 *    0  long  ADD_LONG    getAndAddLong(delta), delta 1..7 in turn
 *   64  int   ADD_INT     getAndAddInt(delta), the same deltas (wraps; compared as int)
 *  128  long  CAS_LONG    +1 by a compareAndSetLong loop
 *  256 + 64 * slot:  long operations | long sum of deltas | long CAS increments
 *                    | long monotonicity violations (written once, at the end)
 * </pre>
 */
final class ShmSoakWorker implements Runnable {
    static final long ADD_LONG = 0;
    static final long ADD_INT = 64;
    static final long CAS_LONG = 128;
    static final long SLOTS = 256;
    static final long SLOT_SIZE = 64;
    static final int MAX_SLOTS = 60;
    static final long SEGMENT_SIZE = SLOTS + SLOT_SIZE * MAX_SLOTS;

    private final Mapping m;
    private final int slot;
    private final long deadlineNanos;

    ShmSoakWorker(Mapping m, int slot, long deadlineNanos) {
        if (slot < 0 || slot >= MAX_SLOTS) {
            throw new IllegalArgumentException("slot " + slot);
        }
        this.m = m;
        this.slot = slot;
        this.deadlineNanos = deadlineNanos;
    }

    static long slot(int slot, int field) {
        return SLOTS + SLOT_SIZE * slot + 8L * field;
    }

    @Override
    public void run() {
        long ops = 0;
        long sum = 0;
        long cas = 0;
        long violations = 0;
        long lastAfter = Long.MIN_VALUE;
        // at least one batch, even when a loaded machine started this thread after the deadline
        do {
            for (int batch = 0; batch < 256; batch++, ops++) {
                int delta = 1 + (int) (ops % 7);
                long before = m.getAndAddLong(ADD_LONG, delta);
                // this thread's own earlier add is in the word: it can only have grown since
                if (before < lastAfter) {
                    violations++;
                }
                lastAfter = before + delta;
                m.getAndAddInt(ADD_INT, delta);
                sum += delta;
                if ((ops & 3) == 0) {
                    long v = m.getLongVolatile(CAS_LONG);
                    while (!m.compareAndSetLong(CAS_LONG, v, v + 1)) {
                        v = m.getLongVolatile(CAS_LONG);
                    }
                    cas++;
                }
            }
        } while (System.nanoTime() - deadlineNanos < 0);
        m.putLongVolatile(slot(slot, 0), ops);
        m.putLongVolatile(slot(slot, 1), sum);
        m.putLongVolatile(slot(slot, 2), cas);
        m.putLongVolatile(slot(slot, 3), violations);
    }
}
