package org.multios.ipc.net.internal.stream;

/**
 * A blocking receiver's lease on reading its {@link FramedSocket} itself, renewed by each of its
 * calls: while the lease runs, the reactor leaves the socket to it
 * ({@link SocketInterest#RECEIVER_READS}) instead of waking for every segment and handing the
 * frames over. A receiver that is about to park ends the lease (the reactor reads, and wakes
 * it), no lease is taken while one is parked, and a lease that runs out between calls ends at
 * its own time: the reactor sets a timer for it (at most one per socket, set in the reactor
 * thread only) when it leaves the socket to the receiver, so what comes after the receiver's
 * last call (the peer's BYE) is read then, not at a later tick.
 */
final class ReadingLease {
    private final Reactor reactor;
    private final SocketInterest interest;
    /** Until when ({@link System#nanoTime}) a blocking receiver reads the socket itself; 0: no lease. */
    private volatile long receiverLease;
    /** Receivers waiting for frames that another thread reads (changed under the queue lock). */
    private volatile int parked;
    /** Whether a reactor timer will look at the lease (reactor thread only). */
    private boolean leaseWatched;

    ReadingLease(Reactor reactor, SocketInterest interest) {
        this.reactor = reactor;
        this.interest = interest;
    }

    /** A blocking receiver called: its lease runs for the reactor's lease time from now. */
    void renew() {
        receiverLease = System.nanoTime() + reactor.receiverLeaseNanos();
    }

    /** A receiver parks (under the queue lock): the lease ends, so the reactor reads for it. */
    void park() {
        parked++;
        endLease();
    }

    /** A receiver that {@linkplain #park parked} goes on (under the queue lock). */
    void unpark() {
        parked--;
    }

    /**
     * Ends the receivers' lease on reading: the reactor reads again (a receiver about to park
     * needs it to). Any thread.
     */
    private void endLease() {
        receiverLease = 0;
        interest.releaseToReactor();
    }

    /**
     * Whether receivers read the socket themselves at {@code now}: one called within its lease,
     * and none waits for the reactor.
     */
    private boolean leased(long now) {
        if (parked > 0) {
            return false;
        }
        long lease = receiverLease;
        return lease != 0 && lease - now > 0;
    }

    /**
     * The reactor leaves reading to a receiver whose lease runs: it holds its own reading (the
     * selector stops reporting the socket) until the lease ends. The hold is set before the lease
     * is checked again, and {@link #endLease} clears the lease before it looks for the hold, so
     * one of the two always sees the other: a parking receiver never finds the reactor away.
     * Reactor thread.
     */
    boolean leftToReceiver() {
        if (leased(System.nanoTime())) {
            interest.hold(SocketInterest.RECEIVER_READS);
            if (leased(System.nanoTime())) {
                watchLease();
                return true;
            }
        }
        releaseReactor();
        return false;
    }

    /** Has the reactor look at the lease when it runs out (reactor thread), unless it will already. */
    private void watchLease() {
        if (!leaseWatched) {
            leaseWatched = true;
            long lease = receiverLease;
            reactor.at(lease == 0 ? System.nanoTime() : lease, this::leaseRanOut);
        }
    }

    /**
     * The reactor's timer at the end of a lease (reactor thread): a lease renewed meanwhile is
     * watched again; one that ran out between receive calls ends, and the reactor reads at once
     * (bytes may wait undecoded, and no selector event brings those).
     */
    private void leaseRanOut() {
        leaseWatched = false;
        if (leased(System.nanoTime())) {
            watchLease();
        } else {
            interest.releaseToReactor();
        }
    }

    /** Ends the reactor's hold on its own reading, if it is on. */
    private void releaseReactor() {
        if (interest.isHeld(SocketInterest.RECEIVER_READS)) {
            interest.release(SocketInterest.RECEIVER_READS);
        }
    }
}
