package org.multios.ipc.event;


/** Options of a new {@link Event}: the original specification's event flags. */
public enum EventFlag {
    /** The event starts signalled, with data value 0. */
    INITIALLY_SIGNALLED
}
