package org.multios.ipc.sync.signals;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final AtomicBoolean closed = new AtomicBoolean();

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
        if (closed.get()) {
            return;
        }
        counters.incrementAndGet(Counter.MESSAGES_IN.ordinal());
        try {
            handler.handle(info);
        } catch (RuntimeException | Error e) {
            counters.incrementAndGet(Counter.ERRORS.ordinal());
            LOG.warn("signal handler #{} for {} of {} failed", id, signal, process.process(), e);
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
        if (inARow >= overrunsBeforeRemoval && !closed.get()) {
            LOG.warn("signal handler #{} for {} of {} unregistered after {} overruns in a row", id, signal,
                    process.process(), inARow);
            close();
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
        return closed.get() ? Rights.NONE : Rights.ALL;
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
        if (closed.get()) {
            throw IpcException.closed(describe());
        }
        throw new IpcException(IpcError.UNSUPPORTED, describe() + " has no permissions of its own");
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            process.unregister(this);
        }
    }

    /** Marks it closed without telling the process (the process is going). */
    boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    String describe() {
        return "signal handler #" + id + " for " + signal + " of " + process.process();
    }

    @Override
    public String toString() {
        return describe();
    }
}
