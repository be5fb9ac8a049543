package org.multios.ipc.event;

import org.osgi.annotation.versioning.ProviderType;

/** Options of a new {@link Event}: the original specification's event flags. */
@ProviderType
public enum EventFlag {
    /** The event starts signalled, with data value 0. */
    INITIALLY_SIGNALLED
}
