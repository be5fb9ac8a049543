package org.multios.ipc.event;


/** How an {@link Event} leaves the signalled state. */
public enum EventType {
    /**
     * A signal releases exactly one waiter and the event resets at once. If nobody waits, the
     * event stays signalled until one waiter consumes it.
     */
    AUTO_RESET,
    /**
     * The event stays signalled, releasing every current and later waiter, until
     * {@link Event#reset()}.
     */
    MANUAL_RESET
}
