package org.multios.ipc.signal;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Client code called when a signal is delivered to the process that registered it (see
 * {@link SignalService#register}).
 *
 * <p><b>Contract.</b> Handlers run on a platform thread, never in an OS signal context and
 * never on the sender's thread, so {@link SignalService#send} does not wait for them. The
 * handlers of one process are called one at a time, in delivery order; the handlers of
 * different processes run independently. A handler should return promptly:
 * <ul>
 * <li>an exception it throws is caught, counted ({@link org.multios.ipc.Counter#ERRORS} of
 * its registration) and logged; the other handlers still receive the signal, and later
 * signals are still delivered to it;</li>
 * <li>its execution is bounded by a configured time budget: a handler still running past it
 * is interrupted and counted ({@link org.multios.ipc.Counter#TIMEOUTS}), and delivery to the
 * process's other handlers and later signals goes on without waiting for it. A handler that
 * overruns repeatedly may be unregistered by the platform, which is then logged.</li>
 * </ul>
 */
@ConsumerType
@FunctionalInterface
public interface SignalHandler {
    /**
     * Handles one delivered signal.
     *
     * @param info the signal, its value and where it came from
     */
    void handle(SignalInfo info);
}
