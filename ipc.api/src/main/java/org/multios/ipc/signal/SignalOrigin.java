package org.multios.ipc.signal;


/** Where a delivered signal came from. */
public enum SignalOrigin {
    /** Sent by an IPC process through {@link SignalService#send}; its sender is known. */
    IPC,
    /**
     * Received by this JVM from the operating system (for example {@code kill -HUP <jvm pid>});
     * the OS does not tell the JVM who sent it, so there is no sender.
     */
    OPERATING_SYSTEM
}
