package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import org.multios.ipc.IpcException;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventType;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.spi.Grant;

/**
 * An event object on a shared page, laid out as {@link SyncDescriptor} describes: the futex word
 * holds the sequence of the signal or reset published last and a signalled bit. A signal draws a
 * ticket, writes its datum into the ticket's record (each half tagged with the ticket), then
 * moves the sequence forward to its ticket with the bit set; a signal overtaken by a later one
 * is coalesced into it. An auto-reset event is taken by the one waiter whose compare-and-set
 * clears the bit of the exact sequence it read, after it read that sequence's datum whole, so
 * each signal is taken at most once and the waiter sees the latest data; a manual-reset event
 * releases every waiter until reset. A record overwritten by a signal not yet published reads
 * as "not signalled yet": the waiter sleeps until that signal publishes. A signal never writes
 * over the record of a later ticket.
 */
final class EventHandle extends SyncHandle implements Event {
    // steps at which a test hook is called
    static final int STEP_DATA_WRITTEN = 1;
    static final int STEP_DATA_READ = 2;
    static final int STEP_TAKEN = 3;
    static final int STEP_WOKEN = 4;
    static final int STEP_TICKET_DRAWN = 5;

    private static final int SEQUENCE_MASK = 0x7fff_ffff;

    /** An auto-reset event taken: the state it was taken at, for {@link EventHandle#untake}, and its datum. */
    record Taken(int state, long data) {
    }

    EventHandle(SyncSession session, SyncObject object, Grant grant) {
        super(session, object, grant);
    }

    @Override
    long capacity() {
        return 0;
    }

    @Override
    public EventType eventType() {
        return autoReset() ? EventType.AUTO_RESET : EventType.MANUAL_RESET;
    }

    private boolean autoReset() {
        return words.getIntVolatile(WORD2) == 0;
    }

    @Override
    public void signal(long data) {
        try {
            require(Rights.WRITE, "signal");
            boolean published;
            beginStep(Rights.WRITE, "signal");
            try {
                long ticket = words.getAndAddLong(EVENT_TICKETS, 1) + 1;
                long record = record(sequence(ticket));
                long tag = (ticket & SEQUENCE_MASK) << 32;
                step(STEP_TICKET_DRAWN);
                if (writeHalf(record, ticket, tag | (data & 0xffff_ffffL))) {
                    writeHalf(record + 8, ticket, tag | (data >>> 32));
                }
                step(STEP_DATA_WRITTEN);
                published = publish(ticket, EVENT_SIGNALLED);
            } finally {
                endStep();
            }
            object.count(POSTS, 1);
            if (published) {
                wakeCounted(autoReset() ? 1 : Integer.MAX_VALUE);
            }
            MappedFault.deliverPending();
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public void signal() {
        try {
            signal(0);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public void reset() {
        try {
            require(Rights.WRITE, "reset");
            beginStep(Rights.WRITE, "reset");
            try {
                publish(words.getAndAddLong(EVENT_TICKETS, 1) + 1, 0);
            } finally {
                endStep();
            }
            MappedFault.deliverPending();
        } catch (Error e) {
            throw fault(e);
        }
    }

    /**
     * Writes one tagged half of the ticket's record unless a later ticket (16 or more on, after
     * this signaller was held up since drawing its ticket) wrote it first: a late write would
     * make that signal's record unreadable, so it could not be taken until the next signal.
     *
     * @return false if a later signal owns the record (this one is coalesced into it)
     */
    private boolean writeHalf(long offset, long ticket, long value) {
        int sequence = sequence(ticket);
        while (true) {
            long old = words.getLongVolatile(offset);
            int written = (int) (old >>> 32);
            // sequences compare modulo 2^31, as in publish; a tag beyond the last ticket drawn
            // was written by no signal (a hostile process) and is written over
            if ((written - sequence) << 1 > 0
                    && (sequence(words.getLongVolatile(EVENT_TICKETS)) - written) << 1 >= 0) {
                return false;
            }
            if (words.compareAndSetLong(offset, old, value)) {
                return true;
            }
        }
    }

    /**
     * Moves the state forward to the sequence of {@code ticket}, signalled or not.
     *
     * @return false if a later signal or reset was published first (this one is coalesced into it)
     */
    private boolean publish(long ticket, int signalled) {
        int sequence = sequence(ticket);
        int next = sequence << 1 | signalled;
        while (true) {
            int state = words.getIntVolatile(STATE);
            // sequences compare modulo 2^31: shifted up, the difference carries the sign
            if (((state >>> 1) - sequence) << 1 >= 0) {
                return false;
            }
            if (words.compareAndSetInt(STATE, state, next)) {
                return true;
            }
        }
    }

    @Override
    public long await() {
        try {
            return MappedFault.passed(await(NO_DEADLINE));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public long await(Duration timeout) {
        try {
            return MappedFault.passed(await(deadline(timeout, object.displayName())));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public OptionalLong tryAwait() {
        try {
            require(Rights.READ, "wait on");
            Taken t = take();
            return MappedFault.passed(t == null ? OptionalLong.empty() : OptionalLong.of(t.data()));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public boolean isSignalled() {
        try {
            checkOpen();
            return MappedFault.passed((words.getIntVolatile(STATE) & EVENT_SIGNALLED) != 0);
        } catch (Error e) {
            throw fault(e);
        }
    }

    /** The state word now: what a waiter that found nothing to take sleeps on. */
    int state() {
        return words.getIntVolatile(STATE);
    }

    /**
     * Takes the event if it is signalled (consuming it when auto-reset).
     *
     * @return what was taken, or null if the event is not signalled, or its latest signal is
     *         still being written
     */
    Taken take() {
        beginStep(Rights.READ, "wait on");
        try {
            return takeStep();
        } finally {
            endStep();
        }
    }

    private Taken takeStep() {
        boolean auto = autoReset();
        while (true) {
            int state = words.getIntVolatile(STATE);
            if ((state & EVENT_SIGNALLED) == 0) {
                return null;
            }
            int sequence = state >>> 1;
            long record = record(sequence);
            long low = words.getLongVolatile(record);
            long high = words.getLongVolatile(record + 8);
            if ((int) (low >>> 32) != sequence || (int) (high >>> 32) != sequence) {
                // the record was reused by a later signal, not published yet (or written by a
                // hostile process): a waiter sleeps until the state moves on
                if (words.getIntVolatile(STATE) == state) {
                    return null;
                }
                continue;
            }
            long data = high << 32 | (low & 0xffff_ffffL);
            step(STEP_DATA_READ);
            if (!auto || words.compareAndSetInt(STATE, state, state & ~EVENT_SIGNALLED)) {
                object.count(ACQUISITIONS, 1);
                step(STEP_TAKEN);
                return new Taken(state, data);
            }
        }
    }

    /**
     * Gives back an auto-reset event this handle took (a wait for all that could not complete):
     * only if no signal or reset was published since, so it never hides a newer datum nor undoes
     * a reset.
     */
    void untake(Taken taken) {
        if (autoReset() && words.compareAndSetInt(STATE, taken.state() & ~EVENT_SIGNALLED, taken.state())) {
            passOn();
        }
    }

    /**
     * Wakes one more sleeper if the event is still signalled and someone sleeps on it: called by a
     * waiter that leaves without taking, since the wake-up it got may have been the only one.
     */
    void passOn() {
        if ((words.getIntVolatile(STATE) & EVENT_SIGNALLED) != 0) {
            wakeCounted(1);
        }
    }

    private long await(long deadline) {
        require(Rights.READ, "wait on");
        Taken now = take();
        if (now != null) {
            return now.data();
        }
        object.count(WAITS, 1);
        long start = System.nanoTime();
        WaitStrategy strategy = waitStrategy();
        for (int pass = 0; idle(strategy, pass, start, deadline, "wait on"); pass++) {
            Taken got = take();
            if (got != null) {
                spinPaidOff(strategy);
                object.recordWait(System.nanoTime() - start);
                return got.data();
            }
        }
        int share = sleepers.in();
        boolean took = false;
        try {
            while (true) {
                int seen = state();
                Taken got = take();
                if (got != null) {
                    took = true;
                    sleptThenGotThrough(strategy, start);
                    object.recordWait(System.nanoTime() - start);
                    return got.data();
                }
                if (!sleep(STATE, seen, deadline, "wait on")) {
                    object.count(TIMEOUTS, 1);
                    throw IpcException.timeout("wait", object.displayName());
                }
            }
        } finally {
            sleepers.out(share);
            if (!took) {
                passOn();
            }
        }
    }

    private static int sequence(long ticket) {
        return (int) ticket & SEQUENCE_MASK;
    }

    private static long record(int sequence) {
        return EVENT_RECORDS + (long) (sequence & (EVENT_RECORD_COUNT - 1)) * EVENT_RECORD_SIZE;
    }

    /**
     * Sleeps in the kernel on several events at once, through the mechanism's watch, while each
     * holds the state given for it, until any of them changes or is woken.
     *
     * @param seen the state of each event when the caller last found nothing to take
     * @return false if the deadline has passed
     * @throws IpcException INTERRUPTED (flag kept) or CLOSED
     */
    static boolean sleepOnAny(List<EventHandle> events, int[] seen, long deadline) {
        int n = events.size();
        MappedRegion[] regions = new MappedRegion[n];
        long[] offsets = new long[n];
        for (int i = 0; i < n; i++) {
            EventHandle e = events.get(i);
            e.recheck("wait on");
            regions[i] = e.region;
            offsets[i] = STATE;
        }
        if (Thread.interrupted()) {
            throw IpcException.interrupted("wait on", n + " events");
        }
        long slice = events.get(0).sliceNanos();
        long remaining = deadline == NO_DEADLINE ? slice : deadline - System.nanoTime();
        if (remaining <= 0) {
            return false;
        }
        int[] shares = new int[n];
        for (int i = 0; i < n; i++) {
            shares[i] = events.get(i).sleepers.in();
        }
        try {
            int slept = events.get(0).session.sleepers().awaitAny(regions, offsets, seen,
                    Math.min(remaining, slice), () -> events.stream().anyMatch(SyncHandle::mustStop));
            for (EventHandle e : events) {
                try {
                    MappedFault.afterSleep(slept, e.region); // unwoken: a page truncated away wakes nobody
                } catch (Error cut) {
                    throw e.fault(cut); // CORRUPTED naming that event's file, its handle closed
                }
            }
        } finally {
            for (int i = 0; i < n; i++) {
                events.get(i).sleepers.out(shares[i]);
            }
        }
        events.forEach(e -> e.recheck("wait on"));
        events.get(0).step(STEP_WOKEN);
        return true;
    }
}
