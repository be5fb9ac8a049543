package org.multios.ipc.net.internal.bridge;

import java.util.Queue;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.stream.Reactor;
import org.multios.ipc.net.internal.stream.TransferGate;
import org.multios.ipc.net.internal.stream.Waits;
import org.multios.ipc.net.internal.wire.Frame;

/**
 * The reply one request of a {@link BridgeClient} waits for: the caller waits for it (woken to
 * check its gate again at a revocation), the connection's end fails it, and a RECEIVE's caller
 * that gave up may abandon it, so that a late message goes to the next receive instead.
 */
final class PendingReply {
    /** Whether the request is a RECEIVE. */
    final boolean receive;
    /** What let the request through: checked again when {@link #wake woken}. */
    private final TransferGate gate;
    private Frame reply;
    private IpcException failure;
    private boolean abandoned;
    private boolean answered;
    private boolean woken;
    /** Why the gate refused the waiting caller once woken; null if it did not. */
    volatile IpcException refusal;

    PendingReply(boolean receive, TransferGate gate) {
        this.receive = receive;
        this.gate = gate;
    }

    /** Makes the waiting caller check its gate again (the handle's grant was revoked). */
    synchronized void wake() {
        woken = true;
        notifyAll();
    }

    /**
     * The reply came: to its caller, or (abandoned) a message in it to {@code orphans}; with
     * no {@code orphans} (the handle is closing) an abandoned message is not taken, so the
     * bridge puts it back when the session ends.
     *
     * @return whether this side has the reply's message now (it must be acknowledged)
     */
    synchronized boolean complete(Frame f, Queue<Frame> orphans) {
        boolean kept = true;
        if (!abandoned) {
            reply = f;
        } else if (orphans != null && Replies.isMessage(f)) {
            orphans.add(f);
        } else {
            kept = false;
        }
        answered = true;
        notifyAll();
        return kept;
    }

    synchronized void fail(IpcException why) {
        if (reply == null && failure == null) {
            failure = why;
            notifyAll();
        }
    }

    /**
     * Waits for the reply.
     *
     * @param refusable whether a {@link #wake} makes the gate refuse the wait
     * @return the reply, or null if {@code nanos} passed first or the gate refused (see
     *         {@link #refusal})
     * @throws IpcException the connection ended
     */
    synchronized Frame await(long nanos, boolean refusable) throws InterruptedException {
        Reactor.assertMayBlock("wait for a bridge reply", "a bridge client");
        long deadline = System.nanoTime() + nanos;
        while (reply == null && failure == null) {
            if (woken && refusable) {
                woken = false;
                try {
                    gate.check();
                } catch (IpcException refused) {
                    refusal = refused;
                    return null;
                }
            }
            if (nanos == Waits.FOREVER) {
                wait();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        if (reply == null) {
            throw failure;
        }
        return reply;
    }

    /** Waits (not interruptibly) until the request is answered or failed, or the deadline. */
    synchronized void settled(long deadline) {
        Reactor.assertMayBlock("settle a bridge request", "a bridge client");
        boolean interrupted = false;
        long left;
        while (!answered && failure == null && (left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The caller stops waiting: the reply if it came meanwhile, else null (a late one is kept). */
    synchronized Frame abandon() {
        if (reply == null && receive) {
            abandoned = true;
        }
        return reply;
    }
}
