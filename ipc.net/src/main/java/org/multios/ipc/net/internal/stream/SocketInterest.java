package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

import org.multios.ipc.IpcException;

/**
 * The selection key of a {@link FramedSocket} and the holds that stop its reading: reading
 * goes on only while no hold is on, and when the last one ends the reactor reads again at once
 * (bytes read and not decoded while held come first). One hold, {@link #RECEIVER_READS}, stops
 * only the reactor's reading: a receiving thread reads the socket itself meanwhile. Any thread.
 */
final class SocketInterest {
    /** Reading hold: the receive queue is full. */
    static final int INBOUND_FULL = 1;
    /** Reading hold: replies wait beyond the output budget. */
    static final int OUTPUT_BACKLOG = 2;
    /** Reading hold, for good: the peer said BYE. */
    static final int PEER_DONE = 4;
    /** Reactor hold only: a receiving thread reads the socket itself (its lease, see {@link Inbound}). */
    static final int RECEIVER_READS = 8;
    /**
     * Reading hold, for good: this side refused the peer or broke the connection off; nothing
     * more of the peer is read while its REFUSE waits for it (a peer that floods is not drained).
     */
    static final int BROKEN_OFF = 16;

    private final Reactor reactor;
    private final AtomicInteger holds = new AtomicInteger();
    private final Runnable readAgain;
    private volatile SelectionKey key;
    private volatile boolean reading;

    /** @param readAgain reads the socket (in the reactor thread) when the last hold ends */
    SocketInterest(Reactor reactor, Runnable readAgain) {
        this.reactor = reactor;
        this.readAgain = readAgain;
    }

    /** Registers the channel with the reactor; runs in the reactor thread. */
    void register(SocketChannel channel, int ops, Reactor.Handler handler) throws IOException {
        key = reactor.register(channel, ops, handler);
    }

    /** From now on reading follows the holds (until the handshake's end it is the handshake's). */
    void followHolds() {
        reading = true;
        sync();
    }

    void hold(int hold) {
        holds.getAndUpdate(h -> h | hold);
        sync();
    }

    /**
     * Ends a hold. When the last one that stops all reading ends, the reactor reads at once
     * (bytes may wait undecoded); the reactor's own hold only turns its interest back on.
     */
    void release(int hold) {
        int before = holds.getAndUpdate(h -> h & ~hold);
        if ((hold & ~RECEIVER_READS) != 0 && (before & ~hold & ~RECEIVER_READS) == 0) {
            try {
                reactor.execute(readAgain);
            } catch (IpcException stopped) {
                return; // the reactor stopped
            }
        }
        sync();
    }

    /**
     * Ends the receivers' hold on the reactor's reading and has the reactor read at once, if the
     * hold was on: bytes already read and not decoded (or held by TLS) bring no new selector event,
     * and a receiver about to park waits for them.
     */
    void releaseToReactor() {
        int before = holds.getAndUpdate(h -> h & ~RECEIVER_READS);
        if ((before & RECEIVER_READS) != 0) {
            try {
                reactor.execute(readAgain);
            } catch (IpcException stopped) {
                return; // the reactor stopped
            }
        }
        sync();
    }

    /** Whether a hold stops all reading (the receiver's own reading too). */
    boolean blocksReading() {
        return (holds.get() & ~RECEIVER_READS) != 0;
    }

    boolean isHeld(int hold) {
        return (holds.get() & hold) != 0;
    }

    /** Sets the read interest from the holds; the last caller sees the last holds. */
    private synchronized void sync() {
        if (reading) {
            set(SelectionKey.OP_READ, holds.get() == 0);
        }
    }

    /** Turns an interest on or off, waking the selector if it is on now. */
    void set(int op, boolean on) {
        SelectionKey k = key;
        if (k == null || !k.isValid()) {
            return;
        }
        try {
            if (on) {
                if ((k.interestOps() & op) == 0) {
                    k.interestOpsOr(op);
                    if (!reactor.inReactor()) {
                        reactor.wakeup();
                    }
                }
            } else if ((k.interestOps() & op) != 0) {
                k.interestOpsAnd(~op);
            }
        } catch (CancelledKeyException gone) {
            // closed meanwhile
        }
    }

    /** The holds and the key's interest and ready operations, for diagnostics. */
    String describe() {
        SelectionKey k = key;
        String ops;
        try {
            ops = k == null ? "not registered" : "interest ops " + k.interestOps() + ", ready ops " + k.readyOps();
        } catch (CancelledKeyException gone) {
            ops = "key cancelled";
        }
        return "reading holds " + holds.get() + ", " + ops;
    }

    void cancel() {
        SelectionKey k = key;
        if (k != null) {
            k.cancel();
        }
    }
}
