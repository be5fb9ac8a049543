package org.multios.ipc;


/**
 * Per-process quotas. A mechanism reserves against the caller's quota before it takes a
 * resource and releases when the resource goes; a reservation past the quota fails with
 * {@link IpcError#LIMIT_EXCEEDED} naming the quota.
 */
public enum Quota {
    /** Objects the process created and still owns. */
    OBJECTS("quota.objects"),
    /** Bytes of shared memory the process created. */
    SHARED_MEMORY_BYTES("quota.shm.bytes"),
    /** Messages the process sent that are still queued. */
    QUEUED_MESSAGES("quota.queued.messages"),
    /** Signal handlers the process registered. */
    SIGNAL_HANDLERS("quota.signal.handlers");

    private final String key;

    Quota(String key) {
        this.key = key;
    }

    /** The configuration key of the quota, also named in LIMIT_EXCEEDED messages. */
    public String key() {
        return key;
    }
}
