package org.multios.ipc.sync.signals;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToIntFunction;

import org.multios.ipc.IpcException;
import org.multios.ipc.signal.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the JVM's operating-system signals to IPC processes. A JVM handler for a signal is
 * installed only while at least one process has a handler registered for it, and the JVM's
 * previous handler is put back when the last one goes.
 *
 * <p>On arrival the signal is offered to every process; then the previous JVM handler is
 * called (chained) for {@link Signal#TERM} and {@link Signal#INT} always, so they still shut
 * the JVM down as the API promises, and for any other signal when no process took it (every
 * handling process ignores it, or none is left). A previous disposition that was the OS
 * default or ignore is not re-enacted: a signal no process takes is then dropped, never kills
 * the JVM.
 *
 * <p>{@link #supported()}: {@link Signal#HUP}, {@link Signal#INT} and {@link Signal#TERM}
 * (the JVM handles them itself, so they can always be taken over), and those of
 * {@link Signal#USR1}, {@link Signal#USR2}, {@link Signal#ALRM} and {@link Signal#WINCH} that a
 * trial installation at start accepts (HotSpot reserves some, often USR2). A signal whose
 * installation later fails is dropped from the set and logged.
 */
final class OsSignalBridge {
    private static final Logger LOG = LoggerFactory.getLogger(OsSignalBridge.class);
    private static final List<Signal> JVM_HANDLED = List.of(Signal.HUP, Signal.INT, Signal.TERM);
    private static final List<Signal> PROBED = List.of(Signal.USR1, Signal.USR2, Signal.ALRM, Signal.WINCH);
    private static final int SLOTS = Signal.RTMAX_NUMBER + 1;

    private final OsSignalSource source;
    private final ToIntFunction<Signal> deliver;
    private final Set<Signal> supported = new LinkedHashSet<>();
    private final int[] users = new int[SLOTS];
    private final OsSignalSource.Hook[] hooks = new OsSignalSource.Hook[SLOTS];
    private boolean closed;

    /**
     * @param source  where OS signals come from
     * @param deliver offers an arrived signal to the processes; returns how many took it
     */
    OsSignalBridge(OsSignalSource source, ToIntFunction<Signal> deliver) {
        this.source = source;
        this.deliver = deliver;
        for (Signal s : PROBED) {
            try {
                source.install(s, () -> { }).restore();
            } catch (IpcException | LinkageError refused) {
                LOG.debug("operating-system signal {} cannot be handled here: {}", s, refused.getMessage());
                continue;
            }
            supported.add(s);
        }
        if (source != OsSignalSource.NONE) {
            supported.addAll(JVM_HANDLED);
        }
    }

    /** The OS signals that can be delivered to processes. */
    synchronized Set<Signal> supported() {
        return Set.copyOf(supported);
    }

    /** The OS signals a JVM handler of ours is installed for now. */
    synchronized Set<Signal> installed() {
        Set<Signal> set = new LinkedHashSet<>();
        for (int n = 0; n < SLOTS; n++) {
            if (hooks[n] != null) {
                set.add(Signal.of(n));
            }
        }
        return Set.copyOf(set);
    }

    /** A process registered a handler for the signal: install ours if it is the first. */
    synchronized void retain(Signal signal) {
        int n = signal.number();
        if (closed || !supported.contains(signal) || users[n]++ > 0) {
            return;
        }
        try {
            AtomicReference<OsSignalSource.Hook> self = new AtomicReference<>();
            self.set(source.install(signal, () -> arrived(signal, self.get())));
            hooks[n] = self.get();
        } catch (IpcException | LinkageError e) {
            LOG.warn("cannot receive operating-system signal {}; handlers get it only from IPC processes: {}",
                    signal, e.getMessage());
            supported.remove(signal);
            users[n] = 0;
        }
    }

    /** A process's handler for the signal went: restore the JVM's handler if it was the last. */
    synchronized void release(Signal signal) {
        int n = signal.number();
        if (users[n] == 0 || --users[n] > 0) {
            return;
        }
        restore(n);
    }

    /** Restores every previous JVM handler; nothing is installed afterwards. */
    synchronized void close() {
        closed = true;
        for (int n = 0; n < SLOTS; n++) {
            users[n] = 0;
            restore(n);
        }
    }

    private void restore(int n) {
        OsSignalSource.Hook hook = hooks[n];
        hooks[n] = null;
        if (hook != null) {
            try {
                hook.restore();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("cannot restore the JVM's handler of {}", Signal.of(n), e);
            }
        }
    }

    /** Runs on the JVM's signal thread; {@code hook} is the installation it arrived through. */
    void arrived(Signal signal, OsSignalSource.Hook hook) {
        int took = 0;
        try {
            took = deliver.applyAsInt(signal);
        } catch (RuntimeException e) {
            LOG.error("delivering operating-system signal {} failed", signal, e);
        }
        LOG.debug("operating-system signal {} taken by {} processes", signal, took);
        if (hook != null && (took == 0 || signal.equals(Signal.TERM) || signal.equals(Signal.INT))) {
            hook.chain();
        }
    }
}
