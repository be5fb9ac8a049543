package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import org.multios.ipc.IpcException;
import org.multios.ipc.Rights;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventType;
import org.multios.ipc.shm.mapped.Futex;
import org.multios.ipc.shm.mapped.MappedRegion;
import org.multios.ipc.spi.Grant;

/**
 * An event object on a shared page: the futex word is 1 while signalled. An auto-reset event is
 * consumed by the one waiter whose compare-and-set takes it back to 0; a manual-reset event
 * releases every waiter until reset. The signal's data is written before the word, so a waiter
 * that sees the event signalled sees its data; signals that arrive before a waiter takes the
 * event coalesce, and the waiter sees the latest data.
 */
final class EventHandle extends SyncHandle implements Event {
    EventHandle(SyncSession session, SyncObject object, Grant grant) {
        super(session, object, grant);
    }

    @Override
    long capacity() {
        return 0;
    }

    @Override
    public EventType eventType() {
        return region.getIntVolatile(WORD2) == 0 ? EventType.AUTO_RESET : EventType.MANUAL_RESET;
    }

    @Override
    public void signal(long data) {
        require(Rights.WRITE, "signal");
        region.putLongVolatile(EVENT_DATA, data);
        region.putIntVolatile(STATE, 1);
        object.count(POSTS, 1);
        if (region.getIntVolatile(WORD3) > 0) {
            Futex.wake(region, STATE, eventType() == EventType.AUTO_RESET ? 1 : Integer.MAX_VALUE);
        }
    }

    @Override
    public void signal() {
        signal(0);
    }

    @Override
    public void reset() {
        require(Rights.WRITE, "reset");
        region.putIntVolatile(STATE, 0);
    }

    @Override
    public long await() {
        return await(NO_DEADLINE);
    }

    @Override
    public long await(Duration timeout) {
        return await(deadline(timeout, object.displayName()));
    }

    @Override
    public OptionalLong tryAwait() {
        require(Rights.READ, "wait on");
        return take();
    }

    @Override
    public boolean isSignalled() {
        checkOpen();
        return region.getIntVolatile(STATE) == 1;
    }

    /** Takes the event if it is signalled (consuming it when auto-reset). */
    OptionalLong take() {
        while (region.getIntVolatile(STATE) == 1) {
            long data = region.getLongVolatile(EVENT_DATA);
            if (eventType() == EventType.MANUAL_RESET || region.compareAndSetInt(STATE, 1, 0)) {
                object.count(ACQUISITIONS, 1);
                return OptionalLong.of(data);
            }
        }
        return OptionalLong.empty();
    }

    /** Gives a taken auto-reset event back (a wait for all that could not complete). */
    void untake(long data) {
        if (eventType() == EventType.AUTO_RESET) {
            region.putLongVolatile(EVENT_DATA, data);
            region.putIntVolatile(STATE, 1);
            Futex.wake(region, STATE, 1);
        }
    }

    private long await(long deadline) {
        require(Rights.READ, "wait on");
        OptionalLong now = take();
        if (now.isPresent()) {
            return now.getAsLong();
        }
        object.count(WAITS, 1);
        long start = System.nanoTime();
        region.getAndAddInt(WORD3, 1);
        try {
            while (true) {
                OptionalLong got = take();
                if (got.isPresent()) {
                    object.recordWait(System.nanoTime() - start);
                    return got.getAsLong();
                }
                if (!sleep(STATE, 0, deadline, "wait on")) {
                    object.count(TIMEOUTS, 1);
                    throw IpcException.timeout("wait on", object.displayName());
                }
            }
        } finally {
            region.getAndAddInt(WORD3, -1);
        }
    }

    /**
     * Sleeps in the kernel on several events at once, one slice at most, until any of them is
     * signalled or woken.
     *
     * @return false if the deadline has passed
     * @throws IpcException INTERRUPTED (flag kept) or CLOSED
     */
    static boolean sleepOnAny(List<EventHandle> events, long deadline) {
        int n = events.size();
        MappedRegion[] regions = new MappedRegion[n];
        long[] offsets = new long[n];
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
            EventHandle e = events.get(i);
            e.checkOpen();
            regions[i] = e.region;
            offsets[i] = STATE;
        }
        if (Thread.interrupted()) {
            throw IpcException.interrupted("wait on", n + " events");
        }
        long remaining = deadline == NO_DEADLINE ? Futex.MAX_SLICE_NANOS : deadline - System.nanoTime();
        if (remaining <= 0) {
            return false;
        }
        events.forEach(e -> e.region.getAndAddInt(WORD3, 1));
        try {
            Futex.awaitAny(regions, offsets, expected, Math.min(remaining, Futex.MAX_SLICE_NANOS));
        } finally {
            events.forEach(e -> e.region.getAndAddInt(WORD3, -1));
        }
        return true;
    }
}
