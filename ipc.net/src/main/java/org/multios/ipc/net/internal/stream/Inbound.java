package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Frame;

/**
 * The receiving half of a {@link FramedSocket}: DATA frames its {@link SocketReader} decodes are
 * queued for {@link #receive} (highest priority first, within the buffer: beyond it reading
 * stops) or handed to a handler in the reactor thread. A blocking receiver that finds nothing
 * queued reads the socket itself, briefly, and holds a {@link ReadingLease lease} on reading
 * while it calls again and again; a receiver that parks leaves reading to the reactor.
 */
final class Inbound {
    /**
     * How long a receiver that finds no frame reads the socket itself before it parks: a reply
     * that comes within it costs no hand-off from the reactor thread.
     */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final FramedSocket socket;
    private final ReadingLease lease;
    private final SocketReader reader;
    private final SocketState state;
    private final SocketInterest interest;
    private final SocketCounters counters;
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition arrived = queueLock.newCondition();
    private final FrameQueue queue = new FrameQueue();
    private boolean full;
    private volatile int queuedFrames;
    private volatile long bufferBytes;
    private volatile Consumer<Frame> dataHandler;

    Inbound(FramedSocket socket, Reactor reactor, SocketState state, SocketInterest interest, SocketLink link,
            SocketCounters counters, long bufferBytes) {
        this.socket = socket;
        this.state = state;
        this.interest = interest;
        this.counters = counters;
        this.bufferBytes = bufferBytes;
        this.lease = new ReadingLease(reactor, interest);
        this.reader = new SocketReader(socket, this, lease, state, interest, link, counters);
    }

    void open(int maxFrameSize, long buffer) {
        this.bufferBytes = buffer;
        reader.maxDataPayload(maxFrameSize);
    }

    void deliverTo(Consumer<Frame> handler) {
        this.dataHandler = handler;
    }

    boolean deliversToHandler() {
        return dataHandler != null;
    }

    void onPeerBye(Runnable action) {
        reader.onPeerBye(action);
    }

    /** Whether frames wait for a receiver. */
    boolean hasFrames() {
        return queuedFrames > 0;
    }

    /** Reads what the socket holds and decodes it, unless a receiver reads it itself (reactor thread). */
    void read() throws IOException {
        reader.read();
    }

    /** What was read and what waits, for diagnostics. */
    String describe() {
        return reader.describe() + ", " + queuedFrames + " frames queued";
    }

    /** Periodic check (reactor thread): the payload pool empties if it went unused. */
    void tick() {
        reader.trim();
    }

    /** A frame taken by {@link #receive} whose payload was copied out: its array serves again. */
    void recycle(Frame frame) {
        reader.recycle(frame);
    }

    /** See {@link FramedSocket#receive}. */
    Frame receive(int roomBytes, long wait, String operation, Consumer<Frame> tooLarge, TransferGate gate) {
        if (wait != Waits.NEVER) {
            Reactor.assertMayBlock(operation, socket.name());
        }
        long deadline = Waits.deadline(wait);
        if (wait != Waits.NEVER) {
            lease.renew();
        }
        if (queuedFrames == 0) {
            reader.readUntilFrame(wait == Waits.NEVER ? 0 : SPIN_NANOS);
        }
        Frame f;
        queueLock.lock();
        try {
            while ((f = queue.peek()) == null) {
                gate.check();
                if (state.isClosed()) {
                    throw IpcException.closed(socket.name());
                }
                if (state.isEnded()) {
                    throw new IpcException(IpcError.CLOSED, socket.name() + ": " + state.endReason());
                }
                if (wait == Waits.NEVER) {
                    return null;
                }
                counters.increment(Counter.WAITS);
                if (!waitForFrame(wait, deadline, operation)) {
                    counters.increment(Counter.TIMEOUTS);
                    throw IpcException.timeout(operation, socket.name());
                }
            }
            if (state.isClosed()) {
                throw IpcException.closed(socket.name());
            }
            int step = gate.enter();
            try {
                if (f.payload().length > roomBytes) {
                    tooLarge.accept(f);
                    throw new IpcException(IpcError.MESSAGE_TOO_LARGE, socket.name() + ": the next frame is "
                            + f.payload().length + " bytes long; " + roomBytes + " bytes were offered");
                }
                queue.poll();
            } finally {
                gate.exit(step);
            }
            queuedFrames = queue.size();
            if (full && queue.bytes() < bufferBytes) {
                full = false;
                interest.release(SocketInterest.INBOUND_FULL); // under the lock: never after a later hold
            }
        } finally {
            queueLock.unlock();
        }
        counters.received();
        state.touch();
        return f;
    }

    /**
     * Waits for frames that another thread queues (the queue lock held): the lease ends, so the
     * reactor reads for this receiver while it waits.
     *
     * @return false if the deadline had passed
     */
    private boolean waitForFrame(long wait, long deadline, String operation) {
        lease.park();
        try {
            return Waits.await(arrived, wait, deadline, operation, socket.name());
        } finally {
            lease.unpark();
        }
    }

    /** A DATA frame came: to the handler, or queued for {@link #receive} (reading stops beyond the buffer). */
    void data(Frame frame) {
        if (state.isEnded()) {
            return;
        }
        counters.arrived(frame.payload().length);
        Consumer<Frame> handler = dataHandler;
        if (handler != null) {
            counters.received();
            handler.accept(frame);
            return;
        }
        queueLock.lock();
        try {
            queue.add(frame);
            queuedFrames = queue.size();
            arrived.signalAll();
            if (!full && queue.bytes() >= bufferBytes) {
                full = true;
                interest.hold(SocketInterest.INBOUND_FULL); // under the lock: never after a later release
            }
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Wakes the receivers waiting for a frame (they find the connection ended or closed, or their
     * handle's grant revoked).
     */
    void wakeReceivers() {
        queueLock.lock();
        try {
            arrived.signalAll();
        } finally {
            queueLock.unlock();
        }
    }
}
