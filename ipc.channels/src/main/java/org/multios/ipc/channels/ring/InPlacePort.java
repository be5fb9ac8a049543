package org.multios.ipc.channels.ring;

import java.nio.ByteBuffer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Rights;

/**
 * The zero-copy and batch operations of one handle over its rings, for queues and channels
 * alike: claims written in place and committed, messages handed to a handler in place, drains
 * and batch sends. Each thread has one {@link SlotClaim} and one read view per port, made on its
 * first use, so no operation allocates per message.
 *
 * <p>Rules kept from the copying operations, through the handle's {@link PortGate}: every
 * transfer (taking a slot for a claim, publishing it, taking a message) is one step of the
 * handle's step guard ({@link PortRules#enter}), so nothing is sent or received once a
 * revocation or a close returned (a claim open then fails to commit and is aborted); a claim holds a queued message of the caller's quota
 * until it is committed (then the receiver gives it back) or aborted. User code (writing a
 * claim, a handler) runs outside the steps, so it never holds up a revocation or a close.
 */
public final class InPlacePort {
    private final PortGate gate;
    private final MessageRing outbound;
    private final MessageRing inbound;
    private final long sender;
    private final long senderPid;
    private final String what;
    private final ThreadLocal<SlotClaim> claims;
    private final ThreadLocal<Reading> readings;

    /** A thread's view and info for the messages it reads in place. */
    private static final class Reading {
        final SlotView view;
        final MessageInfo info = new MessageInfo();

        Reading(SlotView view) {
            this.view = view;
        }
    }

    /**
     * @param outbound the ring sends go to
     * @param inbound  the ring receives take from (the same ring for a queue)
     * @param sender   the sender word of {@link PriorityRing#sender}
     * @param what     the object, named in messages
     */
    public InPlacePort(PortGate gate, MessageRing outbound, MessageRing inbound, long sender, long senderPid,
            String what) {
        this.gate = gate;
        this.outbound = outbound;
        this.inbound = inbound;
        this.sender = sender;
        this.senderPid = senderPid;
        this.what = what;
        this.claims = ThreadLocal.withInitial(() -> new SlotClaim(this, what));
        this.readings = ThreadLocal.withInitial(() -> new Reading(new SlotView(inbound.region(), what)));
    }

    MessageRing outbound() {
        return outbound;
    }

    // ------------------------------------------------------------------ sending

    /** See {@link org.multios.ipc.MessagePort#tryClaim}. */
    public MessageClaim tryClaim(int length, int priority) {
        gate.checkSend(length, priority);
        SlotClaim claim = claims.get();
        if (claim.isOpen()) {
            throw new IpcException(IpcError.BUSY, what + ": this thread's claim of " + claim.length()
                    + " bytes is still open; commit or abort it before claiming again");
        }
        gate.reserveQueued();
        long slot = RingStatus.FULL;
        try {
            int token = gate.beginTransfer(Rights.WRITE);
            try {
                slot = outbound.claimInPlace(length, priority, sender, senderPid);
            } finally {
                gate.endTransfer(token);
            }
        } finally {
            if (slot < 0) {
                gate.releaseQueued();
            }
        }
        if (slot == RingStatus.HELD_BY_THIS_THREAD) {
            throw gate.heldByThisThread(true);
        }
        if (slot < 0) {
            return null;
        }
        claim.open(slot, outbound.payloadOf(slot), length, priority);
        return claim;
    }

    /** Publishes an open claim inside a step; on any failure the claim is aborted. */
    void commit(SlotClaim claim) {
        long slot = claim.slot();
        int length = claim.length();
        int priority = claim.priority();
        int token;
        try {
            gate.checkSend(length, priority);
            token = gate.beginTransfer(Rights.WRITE);
        } catch (RuntimeException refused) {
            abort(claim);
            throw refused;
        }
        claim.close();
        try {
            outbound.commitInPlace(slot, priority);
            gate.transferred(true, length, token);
        } catch (RuntimeException corrupted) {
            gate.releaseQueued(); // the ring gave the slot up (or kept it published) itself
            throw corrupted;
        } finally {
            gate.endTransfer(token);
        }
        gate.published(length);
    }

    /** Gives an open claim's slot and quota back. */
    void abort(SlotClaim claim) {
        long slot = claim.slot();
        int length = claim.length();
        claim.close();
        try {
            outbound.abortInPlace(slot, length);
        } finally {
            gate.releaseQueued();
        }
    }

    /** See {@link org.multios.ipc.MessagePort#trySend(ByteBuffer[], int, int, int)}. */
    public int trySend(ByteBuffer[] messages, int offset, int count, int priority) {
        if (messages == null || offset < 0 || count < 0 || offset > messages.length - count) {
            throw IpcException.invalidArgument(what + ": batch of " + count + " at " + offset
                    + " is outside the array" + (messages == null ? " (null)" : " of " + messages.length));
        }
        for (int i = offset; i < offset + count; i++) {
            if (messages[i] == null) {
                throw IpcException.invalidArgument(what + ": message " + i + " of the batch is null");
            }
        }
        int sent = 0;
        try {
            while (sent < count && send(messages[offset + sent], priority)) {
                sent++;
            }
        } catch (IpcException refused) {
            if (sent == 0) {
                throw refused;
            }
        }
        return sent;
    }

    /** One message of a batch, inside a step: whether it was sent. */
    private boolean send(ByteBuffer message, int priority) {
        int length = message.remaining();
        gate.checkSend(length, priority);
        gate.reserveQueued();
        int r = RingStatus.FULL;
        try {
            int token = gate.beginTransfer(Rights.WRITE);
            try {
                r = outbound.offer(message, priority, sender, senderPid);
                if (r >= 0) {
                    gate.transferred(true, length, token);
                }
            } finally {
                gate.endTransfer(token);
            }
        } finally {
            if (r < 0) {
                gate.releaseQueued();
            }
        }
        if (r == RingStatus.HELD_BY_THIS_THREAD) {
            throw gate.heldByThisThread(true);
        }
        if (r < 0) {
            return false;
        }
        gate.published(length);
        return true;
    }

    // ------------------------------------------------------------------ receiving

    /** See {@link org.multios.ipc.MessagePort#drain}. */
    public int drain(MessageHandler handler, int max) {
        if (handler == null || max < 0) {
            throw IpcException.invalidArgument(what + ": drain needs a handler and a count of 0 or more (handler "
                    + (handler == null ? "null" : "given") + ", count " + max + ")");
        }
        gate.checkReceive();
        Reading reading = readings.get();
        SlotView view = reading.view;
        if (view.isOpen()) {
            throw new IpcException(IpcError.BUSY, what + ": a handler of this thread is still reading a message"
                    + " of this port; it cannot receive again in place until it returns");
        }
        MessageInfo info = reading.info;
        boolean peerGone = gate.peerClosed();
        int handled = 0;
        while (handled < max && !inbound.isEmpty()) { // nothing to take: no step
            long slot;
            int token;
            try {
                token = gate.beginTransfer(Rights.READ);
            } catch (IpcException refused) {
                if (handled == 0) {
                    throw refused;
                }
                break; // the next call reports it
            }
            try {
                slot = inbound.takeInPlace(info);
                if (slot >= 0) {
                    gate.transferred(false, info.length(), token);
                }
            } finally {
                gate.endTransfer(token);
            }
            if (slot == RingStatus.HELD_BY_THIS_THREAD) {
                throw gate.heldByThisThread(false);
            }
            if (slot < 0) {
                break;
            }
            int length = info.length();
            gate.received(info);
            handled++;
            view.open(inbound.payloadOf(slot), length);
            try {
                handler.onMessage(view, info);
            } finally {
                view.close();
                inbound.consumedInPlace(slot, length);
            }
        }
        if (handled == 0 && max > 0 && peerGone) {
            throw gate.peerGone("receive");
        }
        return handled;
    }
}
