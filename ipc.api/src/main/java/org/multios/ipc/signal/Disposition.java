package org.multios.ipc.signal;


/** What a process does with a signal delivered to it. */
public enum Disposition {
    /** No handler is registered: the signal's {@link Signal#defaultAction() default action} applies. */
    DEFAULT,
    /** The process ignores the signal: it is discarded on arrival, even while blocked. */
    IGNORED,
    /** One or more handlers are registered: each is called with the signal. */
    HANDLED
}
