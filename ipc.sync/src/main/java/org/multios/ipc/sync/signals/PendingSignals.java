package org.multios.ipc.sync.signals;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalInfo;

/**
 * The signals pending for one process because it blocks them: at most one per standard signal
 * (a second one is lost, the first one's value kept), and every real-time one in sending
 * order. Delivery order is standard signals by number, then real-time signals by number, each
 * number in sending order. Not thread-safe: the owning {@link ProcessSignals} guards it.
 */
final class PendingSignals {
    private final SignalInfo[] standard = new SignalInfo[Signal.STANDARD_MAX + 1];
    @SuppressWarnings("unchecked")
    private final ArrayDeque<SignalInfo>[] realTime = new ArrayDeque[Signal.RTMAX_NUMBER - Signal.RTMIN_NUMBER + 1];

    /**
     * Adds a signal.
     *
     * @return false if it is a standard signal already pending (the new one is lost)
     */
    boolean add(SignalInfo info) {
        int n = info.signal().number();
        if (info.signal().isStandard()) {
            if (standard[n] != null) {
                return false;
            }
            standard[n] = info;
            return true;
        }
        int i = n - Signal.RTMIN_NUMBER;
        if (realTime[i] == null) {
            realTime[i] = new ArrayDeque<>();
        }
        realTime[i].addLast(info);
        return true;
    }

    /** Removes and returns, in delivery order, the pending instances of the signals that match. */
    List<SignalInfo> take(Predicate<Signal> which) {
        List<SignalInfo> taken = new ArrayList<>();
        for (int n = Signal.STANDARD_MIN; n <= Signal.STANDARD_MAX; n++) {
            if (standard[n] != null && which.test(standard[n].signal())) {
                taken.add(standard[n]);
                standard[n] = null;
            }
        }
        for (int i = 0; i < realTime.length; i++) {
            if (realTime[i] != null && !realTime[i].isEmpty() && which.test(realTime[i].peekFirst().signal())) {
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
                all.add(standard[n]);
            }
        }
        for (ArrayDeque<SignalInfo> q : realTime) {
            if (q != null) {
                all.addAll(q);
            }
        }
        return all;
    }
}
