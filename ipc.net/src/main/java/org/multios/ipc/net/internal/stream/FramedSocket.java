package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDecoder;
import org.multios.ipc.net.internal.wire.FrameDescriptor;
import org.multios.ipc.net.internal.wire.FrameEncoder;
import org.multios.ipc.net.internal.wire.Handshake;

/**
 * One stream socket carrying frames, served by the {@link Reactor}: bounded send and receive
 * queues taken highest priority first, direct writes by senders while the socket takes their
 * bytes, reads paused while the receive queue is full (so the peer's sends wait: flow
 * control), and an orderly end: BYE, half-close, and a linger deadline.
 *
 * <p>States: handshaking (only control frames, given to the {@link Handshaker}), open, ended
 * (the peer said BYE, the connection dropped or went idle: queued frames can still be taken)
 * and closed (this side closed: everything fails with CLOSED).
 */
final class FramedSocket implements Reactor.Handler {
    /** How long a closing side keeps sending what it buffered. */
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int IO_CHUNK = 64 * 1024;
    /**
     * How long a receiver that finds no frame reads the socket itself before it parks: a reply
     * that comes within it costs no hand-off from the reactor thread.
     */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    /** Told of the frames and deadline of the handshake. */
    interface Handshaker {
        /** A control frame arrived while handshaking. */
        void frame(FramedSocket socket, Frame frame);

        /** The socket is connected (clients: after the connect finished). */
        void connected(FramedSocket socket);

        /** The handshake ended without success: timeout, drop or protocol error. */
        void failed(FramedSocket socket, IpcException why);
    }

    private final Reactor reactor;
    private final SocketChannel channel;
    private final String name;
    private final FrameDecoder decoder;
    private final ByteBuffer readBuffer;
    private final ReentrantLock readLock = new ReentrantLock();
    private final SocketCounters counters = new SocketCounters();

    private final ReentrantLock outLock = new ReentrantLock();
    private final Condition room = outLock.newCondition();
    private final FrameQueue outbound = new FrameQueue();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean wantFlush = new AtomicBoolean();
    private ByteBuffer writing;
    /** DATA frames in {@link #writing} and where they end, as counts of bytes ever filled. */
    private final java.util.ArrayDeque<Buffered> inWriteBuffer = new java.util.ArrayDeque<>();
    private long filledBytes;
    private long writtenBytes;
    private volatile FrameDelivery delivery;
    private boolean byeQueued;
    private boolean byeWritten;
    private boolean outputShut;

    private final ReentrantLock inLock = new ReentrantLock();
    private final Condition arrived = inLock.newCondition();
    private final FrameQueue inbound = new FrameQueue();
    private boolean readPaused;
    private volatile int queuedFrames;

    private volatile SelectionKey key;
    private volatile Handshaker handshaker;
    private final java.util.List<Runnable> endActions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile java.util.function.Consumer<Frame> dataHandler;
    private volatile Runnable peerBye;
    private volatile boolean inputDone;
    private volatile long bufferBytes;
    private volatile boolean ended;
    private volatile boolean closed;
    private volatile String endReason = "the connection ended";
    private volatile long handshakeDeadline;
    private volatile long idleNanos;
    private volatile long lastActivity = System.nanoTime();
    private volatile long lingerDeadline;
    private final AtomicBoolean released = new AtomicBoolean();

    FramedSocket(Reactor reactor, SocketChannel channel, String name, long bufferBytes, long handshakeNanos,
            Handshaker handshaker) {
        this.reactor = reactor;
        this.channel = channel;
        this.name = name;
        this.bufferBytes = bufferBytes;
        this.handshaker = handshaker;
        this.decoder = new FrameDecoder(0);
        this.readBuffer = ByteBuffer.allocate(IO_CHUNK);
        this.writing = ByteBuffer.allocateDirect(IO_CHUNK);
        this.handshakeDeadline = System.nanoTime() + handshakeNanos;
    }

    /** Registers the socket with the reactor; runs in the reactor thread. */
    void register(int ops) throws IOException {
        key = reactor.register(channel, ops, this);
    }

    String name() {
        return name;
    }

    SocketChannel channel() {
        return channel;
    }

    SocketCounters counters() {
        return counters;
    }

    /** The handshake succeeded: DATA frames of at most {@code maxFrameSize} flow from now on. */
    void open(int maxFrameSize, long buffer, long idleTimeoutNanos) {
        int capacity = Math.max(IO_CHUNK, FrameDescriptor.HEADER_LENGTH + maxFrameSize);
        writeLock.lock();
        try {
            if (writing.capacity() < capacity) {
                ByteBuffer bigger = ByteBuffer.allocateDirect(capacity);
                writing.flip();
                bigger.put(writing);
                writing = bigger;
            }
        } finally {
            writeLock.unlock();
        }
        this.bufferBytes = buffer;
        this.idleNanos = idleTimeoutNanos;
        decoder.maxDataPayload(maxFrameSize);
        this.handshaker = null;
        touch();
    }

    /** Runs {@code action} once the connection has ended (at once if it has). */
    void onEnd(Runnable action) {
        endActions.add(action);
        if (ended && endActions.remove(action)) {
            action.run();
        }
    }

    /**
     * Hands every DATA frame to {@code handler}, in the reactor thread, instead of queueing it
     * for {@link #receive}: for request/response protocols whose handler never blocks.
     */
    void deliverTo(java.util.function.Consumer<Frame> handler) {
        this.dataHandler = handler;
    }

    /**
     * Treats the peer's BYE as a half-close: nothing more is read, {@code action} runs (in the
     * reactor thread), and this side may still send until it ends the connection itself.
     * Without it, a BYE drops the connection.
     */
    void onPeerBye(Runnable action) {
        this.peerBye = action;
    }

    /** Reports what becomes of every DATA frame sent from now on. */
    void trackDelivery(FrameDelivery tracker) {
        this.delivery = tracker;
    }

    boolean isEnded() {
        return ended;
    }

    boolean isClosed() {
        return closed;
    }

    String endReason() {
        return endReason;
    }

    long lastActivity() {
        return lastActivity;
    }

    private void touch() {
        lastActivity = System.nanoTime();
    }

    // ------------------------------------------------------------------ sending

    /**
     * Queues a frame for sending, waiting for room as {@code wait} says.
     *
     * @return false if there was no room and the wait ran out ({@link Waits#NEVER} only: timed
     *         waits throw TIMEOUT)
     */
    boolean send(Frame frame, long wait, String operation) {
        long deadline = Waits.deadline(wait);
        int length = frame.payload().length;
        outLock.lock();
        try {
            while (true) {
                if (closed) {
                    throw IpcException.closed(name);
                }
                if (ended) {
                    throw new IpcException(IpcError.BROKEN_PIPE, name + ": " + endReason);
                }
                if (outbound.isEmpty() || outbound.bytes() + length <= bufferBytes) {
                    break;
                }
                if (wait == Waits.NEVER) {
                    return false;
                }
                counters.increment(Counter.WAITS);
                if (!Waits.await(room, wait, deadline, operation, name)) {
                    counters.increment(Counter.TIMEOUTS);
                    throw IpcException.timeout(operation, name);
                }
            }
            outbound.add(frame);
        } finally {
            outLock.unlock();
        }
        counters.sent(length);
        touch();
        flush();
        return true;
    }

    /** Sends a control frame ahead of nothing: for handshakes and refusals. */
    void sendControl(Frame frame) {
        outLock.lock();
        try {
            outbound.add(frame);
        } finally {
            outLock.unlock();
        }
        flush();
    }

    /** Writes what is queued as far as the socket takes it; any thread. */
    void flush() {
        wantFlush.set(true);
        while (wantFlush.get() && writeLock.tryLock()) {
            try {
                wantFlush.set(false);
                writeQueued();
            } finally {
                writeLock.unlock();
            }
        }
    }

    private void writeQueued() {
        try {
            while (true) {
                fill();
                if (writing.position() == 0) {
                    setInterest(SelectionKey.OP_WRITE, false);
                    afterWrites();
                    return;
                }
                writing.flip();
                writtenBytes += channel.write(writing);
                boolean all = !writing.hasRemaining();
                writing.compact();
                reportWritten();
                if (!all) {
                    setInterest(SelectionKey.OP_WRITE, true);
                    return;
                }
            }
        } catch (IOException e) {
            drop("the connection dropped while sending: " + e.getMessage());
        }
    }

    /** Moves whole frames from the queue into the write buffer while they fit. */
    private void fill() {
        boolean freed = false;
        outLock.lock();
        try {
            Frame f;
            while ((f = outbound.peek()) != null && f.wireLength() <= writing.remaining()) {
                FrameEncoder.put(writing, outbound.poll());
                filledBytes += f.wireLength();
                if (delivery != null && f.kind() == FrameDescriptor.KIND_DATA) {
                    inWriteBuffer.add(new Buffered(f, filledBytes));
                }
                freed = true;
            }
            if (outbound.isEmpty() && byeQueued && !byeWritten
                    && writing.remaining() >= FrameDescriptor.HEADER_LENGTH) {
                FrameEncoder.put(writing, Handshake.bye());
                byeWritten = true;
            }
            if (freed) {
                room.signalAll();
            }
        } finally {
            outLock.unlock();
        }
    }

    /** Tells the tracker of the frames whose last byte the socket took. */
    private void reportWritten() {
        FrameDelivery d = delivery;
        Buffered b;
        while ((b = inWriteBuffer.peek()) != null && b.end() <= writtenBytes) {
            inWriteBuffer.poll();
            if (d != null) {
                d.written(b.frame());
            }
        }
    }

    /**
     * Drops the DATA frames queued and, with {@code writeBufferToo}, those in the write buffer
     * (which then is never written): the tracker is told of each.
     */
    private void discardUnsent(boolean writeBufferToo) {
        java.util.List<Frame> lost = new java.util.ArrayList<>();
        if (writeBufferToo) {
            writeLock.lock();
            try {
                for (Buffered b : inWriteBuffer) {
                    lost.add(b.frame());
                }
                inWriteBuffer.clear();
                writing.clear();
            } finally {
                writeLock.unlock();
            }
        }
        outLock.lock();
        try {
            Frame f;
            while ((f = outbound.poll()) != null) {
                if (f.kind() == FrameDescriptor.KIND_DATA) {
                    lost.add(f);
                }
            }
        } finally {
            outLock.unlock();
        }
        FrameDelivery d = delivery;
        if (d != null) {
            lost.forEach(d::undelivered);
        }
    }

    /** Everything queued was written: after a BYE, half-close and wait for the peer's end. */
    private void afterWrites() throws IOException {
        if (byeWritten && !outputShut && channel.isOpen()) {
            outputShut = true;
            channel.shutdownOutput();
            if (inputDone) {
                closeChannelSoon();
            }
        }
    }

    private void setInterest(int op, boolean on) {
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
        } catch (java.nio.channels.CancelledKeyException gone) {
            // closed meanwhile
        }
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Takes the next DATA frame that fits {@code room} bytes, waiting as {@code wait} says.
     *
     * @return the frame, or null if none is waiting and {@code wait} is {@link Waits#NEVER}
     * @throws IpcException MESSAGE_TOO_LARGE (with the frame left queued; {@code tooLarge}
     *         receives it) when the next frame is longer than {@code room}
     */
    Frame receive(int roomBytes, long wait, String operation, java.util.function.Consumer<Frame> tooLarge) {
        long deadline = Waits.deadline(wait);
        if (queuedFrames == 0) {
            readUntilFrame(wait == Waits.NEVER ? 0 : SPIN_NANOS);
        }
        Frame f;
        boolean resume;
        inLock.lock();
        try {
            while ((f = inbound.peek()) == null) {
                if (closed) {
                    throw IpcException.closed(name);
                }
                if (ended) {
                    throw new IpcException(IpcError.CLOSED, name + ": " + endReason);
                }
                if (wait == Waits.NEVER) {
                    return null;
                }
                counters.increment(Counter.WAITS);
                if (!Waits.await(arrived, wait, deadline, operation, name)) {
                    counters.increment(Counter.TIMEOUTS);
                    throw IpcException.timeout(operation, name);
                }
            }
            if (closed) {
                throw IpcException.closed(name);
            }
            if (f.payload().length > roomBytes) {
                tooLarge.accept(f);
                throw new IpcException(IpcError.MESSAGE_TOO_LARGE, name + ": the next frame is " + f.payload().length
                        + " bytes long; " + roomBytes + " bytes were offered");
            }
            inbound.poll();
            queuedFrames = inbound.size();
            resume = readPaused && inbound.bytes() < bufferBytes;
            if (resume) {
                readPaused = false;
            }
        } finally {
            inLock.unlock();
        }
        counters.received();
        touch();
        if (resume) {
            setInterest(SelectionKey.OP_READ, true);
        }
        return f;
    }

    /** Frames received and not taken yet. */
    int pendingFrames() {
        inLock.lock();
        try {
            return inbound.size();
        } finally {
            inLock.unlock();
        }
    }

    // ------------------------------------------------------------------ reactor side

    @Override
    public void ready(SelectionKey k) {
        try {
            if (k.isConnectable()) {
                finishConnect(k);
                return;
            }
            if (k.isValid() && k.isWritable()) {
                flush();
            }
            if (k.isValid() && k.isReadable()) {
                read();
            }
        } catch (IOException e) {
            drop("the connection dropped: " + e.getMessage());
        }
    }

    private void finishConnect(SelectionKey k) {
        Handshaker h = handshaker;
        try {
            channel.finishConnect();
        } catch (IOException e) {
            handshaker = null;
            drop("connecting failed: " + e.getMessage());
            if (h != null) {
                h.failed(this, new IpcException(IpcError.IO_ERROR, name + ": " + e.getMessage(), e));
            }
            return;
        }
        k.interestOps(SelectionKey.OP_READ);
        if (h != null) {
            h.connected(this);
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
            if (handshaker != null || dataHandler != null || ended || !readLock.tryLock()) {
                return;
            }
            try {
                if (!readPaused && !inputDone && channel.isOpen()) {
                    read();
                }
            } catch (IOException e) {
                drop("the connection dropped: " + e.getMessage());
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

    /** Reads what the socket holds and decodes it; the reader lock keeps one reader at a time. */
    private void read() throws IOException {
        readLock.lock();
        try {
            readLocked();
        } finally {
            readLock.unlock();
        }
    }

    private void readLocked() throws IOException {
        if (inputDone) {
            setInterest(SelectionKey.OP_READ, false);
            return;
        }
        int n = channel.read(readBuffer);
        if (n < 0) {
            if (decoder.isMidFrame()) {
                counters.increment(Counter.ERRORS);
                drop("the peer disconnected in the middle of a frame");
            } else {
                drop(closed ? "closed" : "the peer closed the connection");
            }
            return;
        }
        readBuffer.flip();
        int status = decoder.decode(readBuffer, this::arrived);
        readBuffer.clear();
        if (status == FrameDecoder.FAILED) {
            counters.increment(Counter.ERRORS);
            refuse(IpcError.PROTOCOL_ERROR, decoder.problem());
            return;
        }
        inLock.lock();
        try {
            if (!readPaused && inbound.bytes() >= bufferBytes) {
                readPaused = true;
                setInterest(SelectionKey.OP_READ, false);
            }
        } finally {
            inLock.unlock();
        }
    }

    private void arrived(Frame frame) {
        touch();
        Handshaker h = handshaker;
        if (h != null) {
            if (frame.kind() == FrameDescriptor.KIND_DATA) {
                refuse(IpcError.PROTOCOL_ERROR, "a data frame came before the handshake");
            } else {
                h.frame(this, frame);
            }
            return;
        }
        switch (frame.kind()) {
            case FrameDescriptor.KIND_DATA -> {
                if (closed || ended || inputDone) {
                    return;
                }
                java.util.function.Consumer<Frame> handler = dataHandler;
                if (handler != null) {
                    counters.arrived(frame.payload().length);
                    counters.received();
                    handler.accept(frame);
                    return;
                }
                inLock.lock();
                try {
                    inbound.add(frame);
                    queuedFrames = inbound.size();
                    arrived.signalAll();
                } finally {
                    inLock.unlock();
                }
                counters.arrived(frame.payload().length);
            }
            case FrameDescriptor.KIND_BYE -> {
                Runnable halfClose = peerBye;
                if (halfClose == null) {
                    drop("the peer closed the connection");
                } else if (!inputDone) {
                    inputDone = true;
                    setInterest(SelectionKey.OP_READ, false);
                    halfClose.run();
                }
            }
            case FrameDescriptor.KIND_REFUSE -> {
                Handshake.Refusal r = Handshake.readRefusal(frame);
                drop("the peer ended the connection: " + r.error() + ": " + r.reason());
            }
            default -> refuse(IpcError.PROTOCOL_ERROR, "unexpected control frame of kind " + frame.kind());
        }
    }

    @Override
    public void tick(long now) {
        if (handshaker != null && now - handshakeDeadline > 0) {
            Handshaker h = handshaker;
            handshaker = null;
            if (h != null) {
                h.failed(this, IpcException.timeout("complete the handshake", name));
            }
            drop("the handshake timed out");
            return;
        }
        if (lingerDeadline != 0 && now - lingerDeadline > 0) {
            closeChannel();
            return;
        }
        long idle = idleNanos;
        if (idle > 0 && !ended && now - lastActivity > idle) {
            end("the connection was idle for longer than " + TimeUnit.NANOSECONDS.toMillis(idle) + " ms");
        }
    }

    @Override
    public void shutdown() {
        drop("the network mechanism stopped");
        closeChannel();
    }

    // ------------------------------------------------------------------ ending

    /**
     * Ends the connection for both sides in good order: queued frames and a BYE are sent
     * (for at most the linger time), then the socket closes. Frames received can still be
     * taken.
     */
    void end(String reason) {
        if (!markEnded(reason)) {
            return;
        }
        outLock.lock();
        try {
            byeQueued = true;
        } finally {
            outLock.unlock();
        }
        lingerDeadline = System.nanoTime() + LINGER_NANOS;
        flush();
    }

    /** Refuses or breaks off with an error the peer is told of, then ends. */
    void refuse(IpcError error, String reason) {
        if (!markEnded(reason)) {
            return;
        }
        discardUnsent(false);
        outLock.lock();
        try {
            outbound.add(Handshake.refuse(error, reason));
            byeQueued = true;
        } finally {
            outLock.unlock();
        }
        lingerDeadline = System.nanoTime() + LINGER_NANOS;
        Handshaker h = handshaker;
        handshaker = null;
        flush();
        if (h != null) {
            h.failed(this, new IpcException(error, name + ": " + reason));
        }
    }

    /** This side's handle closes: everything fails with CLOSED from now on, the peer gets a BYE. */
    void close() {
        closed = true;
        end("closed");
        wakeAll();
    }

    /** The connection is over at once (peer's BYE or end, I/O error): no more sending. */
    void drop(String reason) {
        markEnded(reason);
        discardUnsent(true);
        closeChannelSoon();
    }

    /** Closes the socket in the reactor thread: at once if this is it, else soon. */
    private void closeChannelSoon() {
        if (reactor.inReactor()) {
            closeChannel();
            return;
        }
        try {
            reactor.execute(this::closeChannel);
        } catch (IpcException stopped) {
            closeChannel(); // the reactor stopped: nobody else will
        }
    }

    private boolean markEnded(String reason) {
        if (ended) {
            return false;
        }
        endReason = reason;
        ended = true;
        wakeAll();
        for (Runnable action : endActions) {
            if (endActions.remove(action)) {
                action.run();
            }
        }
        return true;
    }

    private void wakeAll() {
        inLock.lock();
        try {
            arrived.signalAll();
        } finally {
            inLock.unlock();
        }
        outLock.lock();
        try {
            room.signalAll();
        } finally {
            outLock.unlock();
        }
    }

    private void closeChannel() {
        lingerDeadline = 0;
        SelectionKey k = key;
        if (k != null) {
            k.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        discardUnsent(true);
        if (released.compareAndSet(false, true)) {
            Handshaker h = handshaker;
            handshaker = null;
            if (h != null) {
                h.failed(this, new IpcException(IpcError.BROKEN_PIPE, name + ": " + endReason));
            }
        }
    }

    /** A DATA frame in the write buffer and the count of bytes filled when its last byte was. */
    private record Buffered(Frame frame, long end) {
    }
}
