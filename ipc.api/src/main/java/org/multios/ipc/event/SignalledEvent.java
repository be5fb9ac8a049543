package org.multios.ipc.event;

import org.multios.ipc.IpcException;

/**
 * Which event ended a wait for any of several, and the data it carried. Immutable.
 *
 * @param index the event's position in the list given to the wait, 0 or more
 * @param data  the data value of the signal that was consumed or observed
 */
public record SignalledEvent(int index, long data) {
    /**
     * Checks the index.
     *
     * @throws IpcException INVALID_ARGUMENT for a negative index
     */
    public SignalledEvent {
        if (index < 0) {
            throw IpcException.invalidArgument("signalled event index " + index + " is negative");
        }
    }
}
