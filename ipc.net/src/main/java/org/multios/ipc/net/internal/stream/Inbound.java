package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDecoder;
import org.multios.ipc.net.internal.wire.FrameDescriptor;
import org.multios.ipc.net.internal.wire.FrameSink;
import org.multios.ipc.net.internal.wire.Handshake;

/**
 * The receiving half of a {@link FramedSocket}: reads and decodes the socket (the reactor, or a
 * receiver that finds nothing queued), and either queues DATA frames for {@link #receive}
 * (highest priority first, within the buffer: beyond it reading stops) or hands each to a
 * handler in the reactor thread. Decoding stops at once when the socket holds reading; the bytes
 * read and not decoded yet wait for the hold to end.
 *
 * <p>A blocking receiver reads the socket itself and holds a lease on reading, renewed by each
 * of its calls: while the lease runs, the reactor leaves the socket to it
 * ({@link SocketInterest#RECEIVER_READS}) instead of waking for every segment and handing the
 * frames over. A receiver that is about to park ends the lease (the reactor reads, and wakes
 * it), no lease is taken while one is parked, and a lease that runs out between calls ends at
 * its own time: the reactor sets a timer for it when it leaves the socket to the receiver, so
 * what comes after the receiver's last call (the peer's BYE) is read then, not at a later tick.
 */
final class Inbound implements FrameSink {
    private static final int IO_CHUNK = 64 * 1024;
    /**
     * How long a receiver that finds no frame reads the socket itself before it parks: a reply
     * that comes within it costs no hand-off from the reactor thread.
     */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final FramedSocket socket;
    private final Reactor reactor;
    private final SocketState state;
    private final SocketInterest interest;
    private final SocketLink link;
    private final SocketCounters counters;
    private final PayloadPool payloads = new PayloadPool(2 * IO_CHUNK);
    private final FrameDecoder decoder = new FrameDecoder(0, payloads);
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(IO_CHUNK);
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition arrived = queueLock.newCondition();
    private final FrameQueue queue = new FrameQueue();
    private boolean full;
    private boolean decodedAny;
    private volatile int queuedFrames;
    private volatile long bufferBytes;
    private volatile Consumer<Frame> dataHandler;
    private volatile Runnable peerBye;
    /** Until when ({@link System#nanoTime}) a blocking receiver reads the socket itself; 0: no lease. */
    private volatile long receiverLease;
    /** Receivers waiting for frames that another thread reads (changed under the queue lock). */
    private volatile int parked;
    /** Whether a reactor timer will look at the lease (reactor thread only). */
    private boolean leaseWatched;

    Inbound(FramedSocket socket, Reactor reactor, SocketState state, SocketInterest interest, SocketLink link,
            SocketCounters counters, long bufferBytes) {
        this.socket = socket;
        this.reactor = reactor;
        this.state = state;
        this.interest = interest;
        this.link = link;
        this.counters = counters;
        this.bufferBytes = bufferBytes;
    }

    void open(int maxFrameSize, long buffer) {
        this.bufferBytes = buffer;
        decoder.maxDataPayload(maxFrameSize);
    }

    void deliverTo(Consumer<Frame> handler) {
        this.dataHandler = handler;
    }

    boolean deliversToHandler() {
        return dataHandler != null;
    }

    void onPeerBye(Runnable action) {
        this.peerBye = action;
    }

    /** See {@link FramedSocket#receive}. */
    Frame receive(int roomBytes, long wait, String operation, Consumer<Frame> tooLarge, Runnable admit) {
        if (wait != Waits.NEVER) {
            Reactor.assertMayBlock(operation, socket.name());
        }
        long deadline = Waits.deadline(wait);
        if (wait != Waits.NEVER) {
            receiverLease = System.nanoTime() + reactor.receiverLeaseNanos();
        }
        if (queuedFrames == 0) {
            readUntilFrame(wait == Waits.NEVER ? 0 : SPIN_NANOS);
        }
        Frame f;
        queueLock.lock();
        try {
            while ((f = queue.peek()) == null) {
                admit.run();
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
            admit.run();
            if (f.payload().length > roomBytes) {
                tooLarge.accept(f);
                throw new IpcException(IpcError.MESSAGE_TOO_LARGE, socket.name() + ": the next frame is "
                        + f.payload().length + " bytes long; " + roomBytes + " bytes were offered");
            }
            queue.poll();
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
        parked++;
        try {
            endLease();
            return Waits.await(arrived, wait, deadline, operation, socket.name());
        } finally {
            parked--;
        }
    }

    /**
     * Reads the socket in the calling thread for at most {@code spinNanos} (once if zero) while
     * no frame is queued: the reactor thread need not wake this receiver for a frame that comes
     * meanwhile.
     */
    private void readUntilFrame(long spinNanos) {
        long until = System.nanoTime() + spinNanos;
        do {
            if (state.isHandshaking() || dataHandler != null || state.isEnded() || !readLock.tryLock()) {
                return;
            }
            try {
                if (socket.channel().isOpen()) {
                    readLocked();
                }
            } catch (IOException e) {
                socket.drop("the connection dropped: " + e.getMessage());
                return;
            } finally {
                readLock.unlock();
            }
            if (queuedFrames > 0) {
                return;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - until < 0);
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
     */
    private boolean leftToReceiver() {
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

    /** Periodic check (reactor thread): the payload pool empties if it went unused. */
    void tick() {
        payloads.trim();
    }

    /** A frame taken by {@link #receive} whose payload was copied out: its array serves again. */
    void recycle(Frame frame) {
        payloads.recycle(frame.payload());
    }

    /** Ends the reactor's hold on its own reading, if it is on. */
    private void releaseReactor() {
        if (interest.isHeld(SocketInterest.RECEIVER_READS)) {
            interest.release(SocketInterest.RECEIVER_READS);
        }
    }

    /** Reads what the socket holds and decodes it, unless a receiver reads it itself (reactor thread). */
    void read() throws IOException {
        if (dataHandler == null && leftToReceiver()) {
            return;
        }
        readLock.lock();
        try {
            readLocked();
        } finally {
            readLock.unlock();
        }
    }

    /** Reads and decodes while the link holds bytes the socket will not signal again (TLS). */
    private void readLocked() throws IOException {
        int n;
        do {
            if (interest.blocksReading()) {
                return;
            }
            n = readBuffer.hasRemaining() ? link.read(readBuffer) : 0;
            if (n < 0 && readBuffer.position() == 0) {
                peerClosed();
                return;
            }
            readBuffer.flip();
            if (!decodedAny && TlsRecords.startsTlsHandshake(readBuffer)) {
                counters.increment(Counter.ERRORS);
                socket.refuse(IpcError.PROTOCOL_ERROR, "a TLS handshake came to " + socket.name()
                        + ", which speaks plaintext; connect without TLS");
                return;
            }
            decodedAny |= readBuffer.hasRemaining();
            int status = decoder.decode(readBuffer, this);
            readBuffer.compact();
            if (status == FrameDecoder.FAILED) {
                counters.increment(Counter.ERRORS);
                socket.refuse(IpcError.PROTOCOL_ERROR, decoder.problem());
                return;
            } else if (n < 0 && readBuffer.position() == 0) {
                peerClosed();
                return;
            }
        } while (n > 0 && link.hasBufferedInput());
    }

    /** The peer closed its side and every byte it sent was decoded. */
    private void peerClosed() {
        if (decoder.isMidFrame()) {
            counters.increment(Counter.ERRORS);
            socket.drop("the peer disconnected in the middle of a frame");
        } else {
            socket.drop(state.isClosed() ? "closed" : "the peer closed the connection");
        }
    }

    @Override
    public boolean accepting() {
        return !interest.blocksReading();
    }

    @Override
    public void frame(Frame frame) {
        state.touch();
        if (state.isHandshaking()) {
            socket.handshakeFrame(frame);
            return;
        }
        switch (frame.kind()) {
            case FrameDescriptor.KIND_DATA -> data(frame);
            case FrameDescriptor.KIND_BYE -> {
                Runnable halfClose = peerBye;
                if (halfClose == null) {
                    socket.drop("the peer closed the connection");
                } else {
                    interest.hold(SocketInterest.PEER_DONE);
                    halfClose.run();
                }
            }
            case FrameDescriptor.KIND_REFUSE -> {
                Handshake.Refusal r = Handshake.readRefusal(frame);
                socket.drop("the peer ended the connection: " + r.error() + ": " + r.reason());
            }
            default -> socket.refuse(IpcError.PROTOCOL_ERROR, "unexpected control frame of kind " + frame.kind());
        }
    }

    private void data(Frame frame) {
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
     * handle's grant revoked); returns once none is between its admission and taking a frame.
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
