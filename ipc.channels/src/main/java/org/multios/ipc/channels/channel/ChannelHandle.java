package org.multios.ipc.channels.channel;

import static org.multios.ipc.channels.channel.ChannelDescriptor.DENIALS;
import static org.multios.ipc.channels.channel.ChannelDescriptor.ERRORS;
import static org.multios.ipc.channels.channel.ChannelDescriptor.TIMEOUTS;
import static org.multios.ipc.channels.channel.ChannelDescriptor.WAITS;


import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.ring.PortSession;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.step.CounterSlots;
import org.multios.ipc.channels.ring.HandleCounters;
import org.multios.ipc.channels.ring.MessageRing;
import org.multios.ipc.channels.ring.RingPort;
import org.multios.ipc.spi.Grant;

/**
 * A caller's handle on one end of a channel: a {@link RingPort} whose sends go to the ring
 * received at the other end and whose receives take from the ring of this end. Once the other
 * end of an anonymous channel closed for good, sends fail and receives fail when nothing is left,
 * with CLOSED. {@link #info()} reports the direction this end receives: messages sent to it,
 * received by it, its depth, and the handles on this end; a refused or failed send counts at
 * the receiving end. The messages and bytes it sends and receives are counted inside the step
 * that moved them, in a counter slot of its end ({@link ChannelDescriptor#counters}) while it
 * holds one, else in the channel's shared counters.
 */
final class ChannelHandle extends RingPort implements ChannelEnd {
    private static final int[] COUNTERS = {WAITS, TIMEOUTS, ERRORS};

    private final ChannelFile file;
    private final ChannelSide side;
    private final ChannelSide peer;
    private final MessageRing inbound;
    private final AnonymousChannel anonymous;
    private final HandleCounters counters;

    ChannelHandle(PortSession session, ChannelFile file, ChannelSide side,
            Grant grant, AnonymousChannel anonymous) {
        super(session, grant, file.ring(side.opposite()), file.ring(side), file);
        this.file = file;
        this.side = side;
        this.peer = side.opposite();
        this.inbound = file.ring(side);
        this.anonymous = anonymous;
        file.handles(side, 1);
        this.counters = new HandleCounters(ChannelDescriptor.counters(side), file.region());
        grant.onRevoke(file::wakeAll);
    }

    @Override
    public String describe() {
        return "handle on end " + side + " of " + file.displayName();
    }

    /** A refused send counts at the receiving end, whose statistics show what came to it. */
    @Override
    protected void countDenial(int right) {
        file.count(right == Rights.WRITE ? peer : side, DENIALS, 1);
    }

    @Override
    protected void count(boolean sending, int event) {
        file.count(sending ? peer : side, COUNTERS[event], 1);
    }

    @Override
    protected int maxMessageSize() {
        return file.options().maxMessageSize();
    }

    @Override
    protected WaitStrategy objectWaitStrategy() {
        return file.options().waitStrategy();
    }

    @Override
    public boolean peerClosed() {
        return anonymous != null && file.isEndClosed(peer);
    }

    @Override
    public IpcException peerGone(String operation) {
        return new IpcException(IpcError.CLOSED, operation + " on end " + side + " of " + file.displayName()
                + ": end " + peer + " is closed");
    }

    /**
     * Counts a message sent or received inside its step: plain stores into this handle's cells
     * of the step's token, or the shared counters when the handle or the step has no slot.
     */
    @Override
    public void transferred(boolean sent, int length, int token) {
        if (counters.add(sent, length, token)) {
            return;
        }
        if (sent) {
            file.countSent(peer, length);
        } else {
            file.countReceived(side, length);
        }
    }

    /** Every send that published a message, copied or claimed, ends here: the depth mark. */
    @Override
    public void published(int length) {
        file.sent(peer);
    }

    /** This handle's counter slot, or {@link CounterSlots#NONE} (tests). */
    int counterSlot() {
        return counters.slot();
    }

    /** The channel's file (tests). */
    MappedRegion region() {
        return file.region();
    }

    // ------------------------------------------------------------------ the end

    @Override
    public ChannelSide side() {
        return side;
    }

    @Override
    public ChannelOptions options() {
        return file.options();
    }

    @Override
    public int pendingMessages() {
        checkOpen();
        return inbound.size();
    }

    @Override
    public boolean isPeerClosed() {
        return peerClosed();
    }

    // ------------------------------------------------------------------ identity and closing

    @Override
    public ObjectType type() {
        return ObjectType.CHANNEL;
    }

    @Override
    public ObjectInfo info() {
        try {
            return MappedFault.passed(file.info(side));
        } catch (Error e) {
            throw fault(e);
        }
    }

    /** Wakes every waiter of the channel so that each re-checks (this handle's wake with CLOSED). */
    @Override
    public void wakeWaiters() {
        file.wakeAll();
    }

    /**
     * Its waiters wake with CLOSED; if it was the last handle on an end of an anonymous channel,
     * that end closes for good.
     */
    @Override
    protected void closed() {
        counters.release();
        int left = file.handles(side, -1);
        if (anonymous != null && left <= 0) {
            anonymous.endClosed(side);
        } else {
            file.wakeAll();
        }
    }
}
