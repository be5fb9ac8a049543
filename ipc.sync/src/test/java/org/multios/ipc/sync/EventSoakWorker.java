package org.multios.ipc.sync;

import java.time.Duration;
import java.util.List;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.shm.Mapping;

/**
 * One thread of {@link EventSoakTest}, in the test JVM or in a child JVM
 * ({@link EventSoakChildMain}): a signaller that signals one auto-reset event with unique data
 * ({@code signaller << 40 | n}, n = 1, 2, ...) until its deadline, or a waiter that takes it
 * (blocking with a timeout, trying, or waiting for any of it and a quiet event, in turn) until
 * the stop word is set, and checks every datum it gets.
 *
 * <pre>
 * state segment (native byte order)
 *    0  int   STOP                 set by the test when every signal was made and the last taken
 *   64  int   SIGNALLERS_DONE      signallers that reached their deadline
 *  128 + 64 * slot:  long signals or takes | long duplicates | long stale | long unknown
 *  BITMAP + signaller * BITS / 8:  one bit per datum, set by the waiter that took it
 * </pre>
 *
 * A violation is any of: a datum taken that was already taken (its bit set: a duplicate), a
 * datum of a signaller older than one this waiter took from it before (stale: a take that did
 * not get the latest data), or a datum no signaller made (unknown).
 */
final class EventSoakWorker implements Runnable {
    static final long STOP = 0;
    static final long SIGNALLERS_DONE = 64;
    static final long SLOTS = 128;
    static final long SLOT_SIZE = 64;
    static final int MAX_SLOTS = 60;
    static final long BITMAP = SLOTS + SLOT_SIZE * MAX_SLOTS;
    /**
     * Most signals one signaller makes: its bits in the bitmap, enough for 200 000 a second (a
     * signaller here makes about 80 000) for {@code ipc.soak.seconds}.
     */
    static final long BITS = Long.getLong("ipc.soak.eventBits",
            Math.max(1L << 24, Long.getLong("ipc.soak.seconds", SyncSoakTest.DEFAULT_SECONDS) * 200_000L + 64 & ~63L));
    /** Signallers, with the one of the test's final signal. */
    static final int MAX_SIGNALLERS = 5;
    static final long SEGMENT_SIZE = BITMAP + MAX_SIGNALLERS * BITS / 8;

    private static final Duration WAIT = Duration.ofMillis(200);
    private static final long COUNTER_MASK = (1L << 40) - 1;

    private final Event event;
    private final EventService service;
    private final Event quiet;
    private final Mapping m;
    private final int slot;
    private final int signaller;
    private final long deadlineNanos;

    private EventSoakWorker(Event event, EventService service, Event quiet, Mapping m, int slot, int signaller,
            long deadlineNanos) {
        if (slot < 0 || slot >= MAX_SLOTS || signaller >= MAX_SIGNALLERS) {
            throw new IllegalArgumentException("slot " + slot + ", signaller " + signaller);
        }
        this.event = event;
        this.service = service;
        this.quiet = quiet;
        this.m = m;
        this.slot = slot;
        this.signaller = signaller;
        this.deadlineNanos = deadlineNanos;
    }

    /** A signaller with its own number (its bits in the bitmap), until the deadline. */
    static EventSoakWorker signaller(Event event, Mapping m, int slot, int signaller, long deadlineNanos) {
        return new EventSoakWorker(event, null, null, m, slot, signaller, deadlineNanos);
    }

    /** A waiter, until the stop word is set; {@code quiet} is never signalled. */
    static EventSoakWorker waiter(Event event, EventService service, Event quiet, Mapping m, int slot) {
        return new EventSoakWorker(event, service, quiet, m, slot, -1, 0);
    }

    static long slot(int slot, int field) {
        return SLOTS + SLOT_SIZE * slot + 8L * field;
    }

    static long datum(int signaller, long n) {
        return (long) signaller << 40 | n;
    }

    @Override
    public void run() {
        if (signaller >= 0) {
            signal();
        } else {
            take();
        }
    }

    private void signal() {
        long n = 0;
        while (n < BITS - 1 && System.nanoTime() - deadlineNanos < 0) {
            event.signal(datum(signaller, ++n));
        }
        m.putLongVolatile(slot(slot, 0), n);
        m.getAndAddInt(SIGNALLERS_DONE, 1);
    }

    private void take() {
        long[] newest = new long[MAX_SIGNALLERS];
        long takes = 0;
        long duplicates = 0;
        long stale = 0;
        long unknown = 0;
        for (long i = 0; m.getIntVolatile(STOP) == 0; i++) {
            long d;
            try {
                d = switch ((int) (i % 3)) {
                    case 0 -> event.await(WAIT);
                    case 1 -> event.tryAwait().orElseGet(() -> event.await(WAIT));
                    default -> service.waitAny(List.of(quiet, event), WAIT).data();
                };
            } catch (IpcException e) {
                if (e.error() == IpcError.TIMEOUT) {
                    continue;
                }
                throw e;
            }
            takes++;
            int s = (int) (d >>> 40);
            long n = d & COUNTER_MASK;
            if (s < 0 || s >= MAX_SIGNALLERS || n < 1 || n >= BITS) {
                unknown++;
                continue;
            }
            if (!mark(s, n)) {
                duplicates++;
            }
            if (n <= newest[s]) {
                stale++;
            }
            newest[s] = Math.max(newest[s], n);
        }
        m.putLongVolatile(slot(slot, 0), takes);
        m.putLongVolatile(slot(slot, 1), duplicates);
        m.putLongVolatile(slot(slot, 2), stale);
        m.putLongVolatile(slot(slot, 3), unknown);
    }

    /** Sets the datum's bit; false if it was set already. */
    private boolean mark(int s, long n) {
        long bit = s * BITS + n;
        long word = BITMAP + (bit >>> 6) * 8;
        long mask = 1L << (bit & 63);
        while (true) {
            long w = m.getLongVolatile(word);
            if ((w & mask) != 0) {
                return false;
            }
            if (m.compareAndSetLong(word, w, w | mask)) {
                return true;
            }
        }
    }

    /** Whether a datum's bit is set: some waiter took it. */
    static boolean taken(Mapping m, int s, long n) {
        long bit = s * BITS + n;
        return (m.getLongVolatile(BITMAP + (bit >>> 6) * 8) & 1L << (bit & 63)) != 0;
    }
}
