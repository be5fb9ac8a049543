package org.multios.ipc.net.internal.bridge;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/**
 * The bytes one bridge keeps for its sessions ({@link BridgeSession}): each message in custody
 * counts its reply's payload, each RECEIVE of a session that has not taken its message yet one
 * largest reply. Without it a peer with read rights could make the bridge keep 256 messages for
 * each of its sessions, 64 per identity and 4096 per bridge (gigabytes of heap, while producers
 * refill the object), however small the connections' output budgets. Thread-safe.
 */
final class CustodyBudget {
    private final String bridge;
    private final long limit;
    private final int reservation;
    private long used;

    /**
     * @param limit       the most bytes kept for all sessions together
     * @param reservation the bytes of the largest RECEIVE reply, held while a RECEIVE runs
     */
    CustodyBudget(String bridge, long limit, int reservation) {
        this.bridge = bridge;
        this.limit = limit;
        this.reservation = reservation;
    }

    /**
     * Reserves room for the message a RECEIVE is about to take.
     *
     * @throws IpcException LIMIT_EXCEEDED naming the bridge, what is kept and the limit
     */
    synchronized void reserve() {
        if (used + reservation > limit) {
            throw new IpcException(IpcError.LIMIT_EXCEEDED, bridge + " keeps " + used + " bytes of unacknowledged "
                    + "messages for its sessions; at most " + limit + ": ACK them first");
        }
        used += reservation;
    }

    /** A RECEIVE that reserved room took nothing. */
    synchronized void unreserve() {
        used -= reservation;
    }

    /** A RECEIVE that reserved room took a reply of {@code bytes} into custody. */
    synchronized void hold(int bytes) {
        used += bytes - reservation;
    }

    /** A message of {@code bytes} left custody. */
    synchronized void free(int bytes) {
        used -= bytes;
    }

    /** The bytes kept now. */
    synchronized long used() {
        return used;
    }

    /** The most bytes kept. */
    long limit() {
        return limit;
    }
}
