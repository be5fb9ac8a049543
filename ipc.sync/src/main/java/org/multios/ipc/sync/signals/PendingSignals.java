package org.multios.ipc.sync.signals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalInfo;

/**
 * The signals pending for one process because it blocks them, each with its place in the
 * process's arrival order: at most one per standard signal (of two, the one that arrived first
 * is kept and the other lost), and every real-time one in arrival order. A signal that was
 * already on its way when its number was blocked is added late but takes its arrival place,
 * before any that arrived after it. Delivery order is standard signals by number, then
 * real-time signals by number, each number in arrival order. Not thread-safe: the owning
 * {@link ProcessSignals} guards it.
 */
final class PendingSignals {
    /**
     * A signal with its place in the arrival order of its process.
     *
     * @param order increases with each signal the process accepts
     * @param info  the signal
     */
    record Arrival(long order, SignalInfo info) {
    }

    private final Arrival[] standard = new Arrival[Signal.STANDARD_MAX + 1];
    @SuppressWarnings("unchecked")
    private final List<Arrival>[] realTime = new List[Signal.RTMAX_NUMBER - Signal.RTMIN_NUMBER + 1];

    /**
     * Adds a signal at its arrival place.
     *
     * @return false if the standard signal is lost (one that arrived earlier is pending)
     */
    boolean add(Arrival arrival) {
        Signal signal = arrival.info().signal();
        int n = signal.number();
        if (signal.isStandard()) {
            Arrival kept = standard[n];
            if (kept != null && kept.order() < arrival.order()) {
                return false;
            }
            standard[n] = arrival;
            return true;
        }
        int i = n - Signal.RTMIN_NUMBER;
        if (realTime[i] == null) {
            realTime[i] = new ArrayList<>();
        }
        List<Arrival> queue = realTime[i];
        int at = queue.size();
        while (at > 0 && queue.get(at - 1).order() > arrival.order()) {
            at--;
        }
        queue.add(at, arrival);
        return true;
    }

    /** Removes and returns, in delivery order, the pending instances of the signals that match. */
    List<Arrival> take(Predicate<Signal> which) {
        List<Arrival> taken = new ArrayList<>();
        for (int n = Signal.STANDARD_MIN; n <= Signal.STANDARD_MAX; n++) {
            if (standard[n] != null && which.test(standard[n].info().signal())) {
                taken.add(standard[n]);
                standard[n] = null;
            }
        }
        for (int i = 0; i < realTime.length; i++) {
            if (realTime[i] != null && !realTime[i].isEmpty() && which.test(realTime[i].get(0).info().signal())) {
                taken.addAll(realTime[i]);
                realTime[i] = null;
            }
        }
        return taken;
    }

    /** Every pending signal, in delivery order. */
    List<SignalInfo> list() {
        List<SignalInfo> all = new ArrayList<>();
        for (int n = Signal.STANDARD_MIN; n <= Signal.STANDARD_MAX; n++) {
            if (standard[n] != null) {
                all.add(standard[n].info());
            }
        }
        for (List<Arrival> queue : realTime) {
            if (queue != null) {
                queue.forEach(a -> all.add(a.info()));
            }
        }
        return all;
    }
}
