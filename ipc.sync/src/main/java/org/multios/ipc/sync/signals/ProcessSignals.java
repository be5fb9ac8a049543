package org.multios.ipc.sync.signals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.Quota;
import org.multios.ipc.signal.DefaultAction;
import org.multios.ipc.signal.Disposition;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalHandler;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalOrigin;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.sync.signals.PendingSignals.Arrival;

/**
 * The signal state of one IPC process: handlers per signal, ignored and blocked sets, pending
 * signals, and its {@link DeliveryLane}. Every decision about a signal (discard, keep pending,
 * call handlers, take the default action) is made under this object's lock, at delivery time,
 * on the process's lane; handlers are called outside it.
 *
 * <p>Standard signals coalesce while pending (blocked): the one that arrived first is kept,
 * later ones of the same number are lost. Unblocked, each one sent is delivered, unless
 * {@link SignalSettings#queuedSignalsMax()} signals already wait on the lane (a flood): then it
 * is lost, as if coalesced. Real-time signals queue, at most
 * {@link SignalSettings#queuedSignalsMax()} per process (pending and waiting together); past
 * that the sender gets LIMIT_EXCEEDED. Every signal taken gets its place in the process's
 * arrival order; one found blocked only when its turn on the lane comes becomes pending at that
 * place, so each number is delivered in arrival order whenever it is blocked.
 *
 * <p>A registration holds one place of its context's quota and one reference to the OS hook of
 * its signal (taken before it is listed). Whoever removes it from the handler lists under this
 * object's lock, its own {@code close()} or the process going, gives both back: once.
 */
final class ProcessSignals {
    private static final int SLOTS = Signal.RTMAX_NUMBER + 1;

    private final IpcProcess process;
    private final SignalMechanism mechanism;
    private final DeliveryLane lane;
    private final Set<CallerContext> contexts = new HashSet<>();
    @SuppressWarnings("unchecked")
    private final List<HandlerRegistration>[] handlers = new List[SLOTS];
    private final boolean[] ignored = new boolean[SLOTS];
    private final boolean[] blocked = new boolean[SLOTS];
    private final PendingSignals pending = new PendingSignals();
    private int handlerCount;
    private long arrivals;
    private int queuedRealTime;
    private int onLane;
    private boolean closed;

    ProcessSignals(IpcProcess process, SignalMechanism mechanism, DeliveryLane lane) {
        this.process = process;
        this.mechanism = mechanism;
        this.lane = lane;
    }

    IpcProcess process() {
        return process;
    }

    // ------------------------------------------------------------------ callers

    /** Another context acts for this process. */
    synchronized void attach(CallerContext caller) {
        contexts.add(caller);
    }

    /**
     * A context is released: the handlers registered through it go. With the last context the
     * process closes in the same step, so that no caller can attach to a process about to close.
     *
     * @return true if that was the last context: the process is closed
     */
    boolean detach(CallerContext caller) {
        List<HandlerRegistration> gone = new ArrayList<>();
        boolean last;
        synchronized (this) {
            if (!contexts.remove(caller)) {
                return false;
            }
            for (List<HandlerRegistration> list : handlers) {
                if (list != null) {
                    list.removeIf(r -> r.caller() == caller && gone.add(r));
                }
            }
            handlerCount -= gone.size();
            last = contexts.isEmpty();
            if (last) {
                closeLocked(gone);
            }
        }
        closeRemoved(gone);
        return last;
    }

    /** The process is gone: every handler, pending and waiting signal goes, quotas are given back. */
    void close() {
        List<HandlerRegistration> gone = new ArrayList<>();
        synchronized (this) {
            closeLocked(gone);
        }
        closeRemoved(gone);
    }

    /** Closes the process, adding the registrations it removes to {@code gone}. */
    private void closeLocked(List<HandlerRegistration> gone) {
        if (closed) {
            return;
        }
        closed = true;
        for (int n = 0; n < SLOTS; n++) {
            if (handlers[n] != null) {
                gone.addAll(handlers[n]);
                handlers[n] = null;
            }
        }
        handlerCount = 0;
        pending.take(s -> true);
        queuedRealTime = 0;
        onLane = 0;
        lane.close();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ handlers and dispositions

    HandlerRegistration register(CallerContext caller, Signal signal, SignalHandler handler) {
        catchable(signal, "handle");
        if (handler == null) {
            throw IpcException.invalidArgument("signal handler for " + signal + " must not be null");
        }
        // The OS hook is retained before the registration can be seen: whoever removes it
        // releases the hook after this, never before.
        mechanism.osHandlerAdded(signal);
        HandlerRegistration registration;
        try {
            synchronized (this) {
                checkOpen();
                mechanism.limits().check(Limit.SIGNAL_HANDLERS, handlerCount + 1L, "signal handlers of " + process);
                caller.reserve(Quota.SIGNAL_HANDLERS, 1);
                registration = new HandlerRegistration(mechanism.nextId(), signal, handler, this, caller,
                        mechanism.settings().overrunsBeforeRemoval());
                int n = signal.number();
                if (handlers[n] == null) {
                    handlers[n] = new ArrayList<>();
                }
                handlers[n].add(registration);
                handlerCount++;
                ignored[n] = false;
            }
        } catch (RuntimeException e) {
            mechanism.osHandlerRemoved(signal);
            throw e;
        }
        reached(SignalMechanism.Hook.REGISTERED);
        return registration;
    }

    /**
     * Removes a registration that its owner closed. What it holds (quota, OS hook) is given back
     * by whoever removes it from this process, here or when the process goes: once.
     */
    void unregister(HandlerRegistration registration) {
        boolean removed;
        synchronized (this) {
            List<HandlerRegistration> list = handlers[registration.signal().number()];
            removed = list != null && list.remove(registration);
            if (removed) {
                handlerCount--;
            }
        }
        if (removed) {
            giveBack(registration);
        }
    }

    void reached(int step) {
        mechanism.reached(step);
    }

    /** Closes registrations this process removed (their owner may be closing them too), gives back what they held. */
    private void closeRemoved(List<HandlerRegistration> gone) {
        for (HandlerRegistration r : gone) {
            r.markClosed();
            giveBack(r);
        }
    }

    private void giveBack(HandlerRegistration registration) {
        registration.caller().release(Quota.SIGNAL_HANDLERS, 1);
        mechanism.osHandlerRemoved(registration.signal());
    }

    synchronized void ignore(Signal signal) {
        catchable(signal, "ignore");
        checkOpen();
        ignored[signal.number()] = true;
        queuedRealTime -= countRealTime(pending.take(signal::equals));
    }

    synchronized void restoreDefault(Signal signal) {
        checkOpen();
        ignored[signal.number()] = false;
    }

    synchronized Disposition disposition(Signal signal) {
        int n = signal.number();
        if (ignored[n]) {
            return Disposition.IGNORED;
        }
        return handlers[n] == null || handlers[n].isEmpty() ? Disposition.DEFAULT : Disposition.HANDLED;
    }

    synchronized void block(Set<Signal> signals) {
        signals.forEach(s -> catchable(s, "block"));
        checkOpen();
        signals.forEach(s -> blocked[s.number()] = true);
    }

    void unblock(Set<Signal> signals) {
        synchronized (this) {
            checkOpen();
            signals.forEach(s -> blocked[s.number()] = false);
            for (Arrival arrival : pending.take(signals::contains)) {
                toLane(arrival);
            }
        }
    }

    synchronized Set<Signal> blocked() {
        Set<Signal> set = new LinkedHashSet<>();
        for (int n = 0; n < SLOTS; n++) {
            if (blocked[n]) {
                set.add(Signal.of(n));
            }
        }
        return Set.copyOf(set);
    }

    synchronized List<SignalInfo> pending() {
        return List.copyOf(pending.list());
    }

    // ------------------------------------------------------------------ arrival and delivery

    /**
     * A signal arrives from an IPC process.
     *
     * @throws IpcException NOT_FOUND if the process is gone; LIMIT_EXCEEDED if it has the most
     *         real-time signals queued
     */
    void arrive(SignalInfo info) {
        Signal signal = info.signal();
        if (signal.equals(Signal.KILL)) {
            synchronized (this) {
                checkTarget();
            }
            mechanism.terminate(process, signal);
            return;
        }
        if (signal.equals(Signal.STOP)) {
            return; // IPC processes cannot be suspended
        }
        synchronized (this) {
            checkTarget();
            enqueue(info);
        }
    }

    /**
     * A signal arrives from the operating system: queued if the process handles it.
     *
     * @return whether the process took it (handles it and does not ignore it)
     */
    synchronized boolean arriveFromOs(Signal signal) {
        int n = signal.number();
        if (closed || ignored[n] || handlers[n] == null || handlers[n].isEmpty()) {
            return false;
        }
        enqueue(SignalInfo.fromOperatingSystem(signal));
        return true;
    }

    private void enqueue(SignalInfo info) {
        int n = info.signal().number();
        if (ignored[n]) {
            return;
        }
        if (info.signal().isRealTime()) {
            int max = mechanism.settings().queuedSignalsMax();
            if (queuedRealTime >= max) {
                throw new IpcException(IpcError.LIMIT_EXCEEDED, "real-time signals queued for " + process + ": "
                        + (queuedRealTime + 1) + " exceeds the limit " + SignalSettings.QUEUE_LIMIT_KEY + " = " + max);
            }
            queuedRealTime++;
        }
        Arrival arrival = new Arrival(++arrivals, info);
        if (blocked[n]) {
            pending.add(arrival);
            return;
        }
        if (info.signal().isStandard() && onLane >= mechanism.settings().queuedSignalsMax()) {
            return; // a flood of standard signals: lost, as when they coalesce
        }
        toLane(arrival);
    }

    private void toLane(Arrival arrival) {
        onLane++;
        lane.add(DeliveryLane.Step.plain(() -> dispatch(arrival)));
    }

    /** Runs on the lane: decides what the signal does now and queues the handler calls first. */
    private void dispatch(Arrival arrival) {
        SignalInfo info = arrival.info();
        Signal signal = info.signal();
        int n = signal.number();
        List<HandlerRegistration> targets;
        synchronized (this) {
            onLane--;
            if (closed) {
                return;
            }
            if (blocked[n] && !ignored[n]) {
                pending.add(arrival); // blocked after it arrived: pending at its arrival place, still counted
                return;
            }
            if (signal.isRealTime()) {
                queuedRealTime--;
            }
            if (ignored[n]) {
                return;
            }
            targets = handlers[n] == null ? List.of() : List.copyOf(handlers[n]);
        }
        if (!targets.isEmpty()) {
            List<DeliveryLane.Step> calls = new ArrayList<>(targets.size());
            for (HandlerRegistration r : targets) {
                calls.add(callStep(r, info));
            }
            lane.addFirst(calls);
        } else if (info.origin() == SignalOrigin.IPC && signal.defaultAction() == DefaultAction.TERMINATE) {
            mechanism.terminate(process, signal);
        }
    }

    private static DeliveryLane.Step callStep(HandlerRegistration registration, SignalInfo info) {
        boolean[] late = new boolean[1];
        return DeliveryLane.Step.guarded(() -> {
            registration.call(info);
            synchronized (late) {
                if (!late[0]) {
                    registration.inTime();
                }
            }
        }, () -> {
            synchronized (late) {
                late[0] = true;
            }
            registration.overran();
        });
    }

    // ------------------------------------------------------------------ administration

    synchronized List<ObjectInfo> objects() {
        List<ObjectInfo> all = new ArrayList<>();
        for (List<HandlerRegistration> list : handlers) {
            if (list != null) {
                list.forEach(r -> all.add(r.info()));
            }
        }
        return all;
    }

    synchronized int handlerCount() {
        return handlerCount;
    }

    synchronized boolean handles(Signal signal) {
        List<HandlerRegistration> list = handlers[signal.number()];
        return list != null && !list.isEmpty();
    }

    // ------------------------------------------------------------------ checks

    private static int countRealTime(List<Arrival> arrivals) {
        int n = 0;
        for (Arrival a : arrivals) {
            if (a.info().signal().isRealTime()) {
                n++;
            }
        }
        return n;
    }

    private static void catchable(Signal signal, String what) {
        if (signal == null) {
            throw IpcException.invalidArgument("signal must not be null");
        }
        if (!signal.isCatchable()) {
            throw IpcException.invalidArgument(signal + " cannot be caught, ignored or blocked: cannot " + what + " it");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw IpcException.closed("signal disposition of " + process);
        }
    }

    private void checkTarget() {
        if (closed) {
            throw new IpcException(IpcError.NOT_FOUND, "signal target " + process + " is gone");
        }
    }

    @Override
    public String toString() {
        return "signals of " + process;
    }
}
