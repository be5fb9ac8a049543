package org.multios.ipc.sync.signals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalHandler;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalRegistration;
import org.multios.ipc.spi.CallerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One handler registered for one signal in one process. Counts the signals delivered to it
 * ({@link Counter#MESSAGES_IN}), its exceptions ({@link Counter#ERRORS}) and its overruns of
 * the time budget ({@link Counter#TIMEOUTS}); after too many overruns in a row it unregisters
 * itself.
 *
 * <p>Calls and closing meet under {@link #calls}: a call starts only while the registration is
 * open and is recorded until it ends, so {@link #close()} can wait for calls in progress on
 * other threads (not for one on its own thread: the handler closing itself). The platform's
 * own closes (its process going, too many overruns) do not wait: they run on threads that must
 * not be held by a handler.
 */
final class HandlerRegistration implements SignalRegistration {
    private static final Logger LOG = LoggerFactory.getLogger(HandlerRegistration.class);

    private final long id;
    private final Signal signal;
    private final SignalHandler handler;
    private final ProcessSignals process;
    private final CallerContext caller;
    private final int overrunsBeforeRemoval;
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    private final AtomicInteger overrunsInARow = new AtomicInteger();
    private final Object calls = new Object();
    /** Guarded by {@link #calls}: the threads running the handler now (more than one only after an overrun). */
    private final List<Thread> calling = new ArrayList<>(2);
    private volatile boolean closed;

    HandlerRegistration(long id, Signal signal, SignalHandler handler, ProcessSignals process, CallerContext caller,
            int overrunsBeforeRemoval) {
        this.id = id;
        this.signal = signal;
        this.handler = handler;
        this.process = process;
        this.caller = caller;
        this.overrunsBeforeRemoval = overrunsBeforeRemoval;
    }

    /** The context it was registered through, which holds its quota. */
    CallerContext caller() {
        return caller;
    }

    /** Calls the handler, unless closed; an exception is counted and logged, never thrown. */
    void call(SignalInfo info) {
        Thread self = Thread.currentThread();
        synchronized (calls) {
            if (closed) {
                return;
            }
            calling.add(self);
        }
        try {
            process.reached(SignalMechanism.Hook.CALL_ADMITTED);
            counters.incrementAndGet(Counter.MESSAGES_IN.ordinal());
            handler.handle(info);
        } catch (RuntimeException | Error e) {
            counters.incrementAndGet(Counter.ERRORS.ordinal());
            LOG.warn("signal handler #{} for {} of {} failed", id, signal, process.process(), e);
        } finally {
            synchronized (calls) {
                calling.remove(self);
                calls.notifyAll();
            }
        }
    }

    /** The last call ended within the budget. */
    void inTime() {
        overrunsInARow.set(0);
    }

    /** The last call overran the budget: counted, and the handler unregistered after too many in a row. */
    void overran() {
        counters.incrementAndGet(Counter.TIMEOUTS.ordinal());
        int inARow = overrunsInARow.incrementAndGet();
        LOG.warn("signal handler #{} for {} of {} overran its time budget ({} in a row); it was interrupted", id,
                signal, process.process(), inARow);
        if (inARow >= overrunsBeforeRemoval && !closed) {
            LOG.warn("signal handler #{} for {} of {} unregistered after {} overruns in a row", id, signal,
                    process.process(), inARow);
            unregister(); // on the watchdog thread: never waits for the call that overran
        }
    }

    @Override
    public Signal signal() {
        return signal;
    }

    @Override
    public SignalHandler handler() {
        return handler;
    }

    @Override
    public ObjectType type() {
        return ObjectType.SIGNAL;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Optional<String> name() {
        return Optional.empty();
    }

    @Override
    public int rights() {
        return closed ? Rights.NONE : Rights.ALL;
    }

    @Override
    public ObjectInfo info() {
        long[] values = new long[counters.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = counters.get(i);
        }
        return new ObjectInfo(ObjectType.SIGNAL, id, Optional.empty(), process.process(),
                Permissions.of(process.process(), 0600), 0, false, Statistics.of(values, WaitTimes.NONE));
    }

    @Override
    public void setPermissions(Permissions permissions) {
        if (closed) {
            throw IpcException.closed(describe());
        }
        throw new IpcException(IpcError.UNSUPPORTED, describe() + " has no permissions of its own");
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Unregisters, then waits for calls in progress on other threads (see {@link SignalRegistration#close()}). */
    @Override
    public void close() {
        unregister();
        awaitCallsElsewhere();
    }

    private void unregister() {
        if (markClosed()) {
            process.reached(SignalMechanism.Hook.REGISTRATION_CLOSING);
            process.unregister(this);
        }
    }

    /** Marks it closed, so that no call starts any more, without telling the process. */
    boolean markClosed() {
        synchronized (calls) {
            if (closed) {
                return false;
            }
            closed = true;
            return true;
        }
    }

    /** Waits until no thread but this one runs the handler; an interrupt ends the wait early. */
    private void awaitCallsElsewhere() {
        Thread self = Thread.currentThread();
        synchronized (calls) {
            while (calling.size() > (calling.contains(self) ? 1 : 0)) {
                try {
                    calls.wait();
                } catch (InterruptedException e) {
                    self.interrupt();
                    return;
                }
            }
        }
    }

    String describe() {
        return "signal handler #" + id + " for " + signal + " of " + process.process();
    }

    @Override
    public String toString() {
        return describe();
    }
}
