package org.multios.ipc.event;


/** Options of a new {@link Event}: the original specification's event flags. */
public enum EventFlag {
    /** The event starts signalled, with data value 0 (ignored when an existing event is opened). */
    INITIALLY_SIGNALLED,
    /**
     * A named create must make a new event: ALREADY_EXISTS if the name is taken (without it, a
     * create opens an existing event of the same {@link EventType}).
     */
    EXCLUSIVE
}
