package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDescriptor;

/**
 * The sending half of a {@link FramedSocket}: its {@link OutputQueue}, written through its
 * {@link WriteBuffer} by whichever thread comes (senders write directly while the socket takes
 * their bytes, the reactor finishes the rest; nobody waits for the socket), the delivery
 * tracking, and the closing BYE and half-close.
 */
final class Outbound {
    private static final int IO_CHUNK = 64 * 1024;
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final FramedSocket socket;
    private final SocketState state;
    private final SocketCounters counters;
    private final SocketInterest interest;
    private final SocketLink link;
    private final OutputQueue queue;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean wantFlush = new AtomicBoolean();
    private final WriteBuffer writing = new WriteBuffer(IO_CHUNK);
    private boolean byeWritten;
    private boolean outputShut;

    Outbound(FramedSocket socket, SocketState state, SocketCounters counters, SocketInterest interest, SocketLink link,
            long budget) {
        this.socket = socket;
        this.state = state;
        this.counters = counters;
        this.interest = interest;
        this.link = link;
        this.queue = new OutputQueue(socket, state, interest, budget);
    }

    /** The handshake agreed frames of {@code maxFrameSize}: the write buffer holds a whole one. */
    void open(int maxFrameSize, long budget) {
        writeLock.lock();
        try {
            writing.grow(Math.max(IO_CHUNK, FrameDescriptor.HEADER_LENGTH + maxFrameSize));
        } finally {
            writeLock.unlock();
        }
        queue.budget(budget);
    }

    void hardLimit(long bytes) {
        queue.hardLimit(bytes);
    }

    void trackDelivery(FrameDelivery tracker) {
        writing.trackDelivery(tracker);
    }

    OutputBudget usage() {
        return queue.usage();
    }

    /** See {@link FramedSocket#send(Frame, long, String, TransferGate)}. */
    boolean send(Frame frame, long wait, String operation, TransferGate gate) {
        if (!queue.send(frame, wait, operation, counters, gate, writing.unwritten())) {
            return false;
        }
        flush();
        sent(frame.payload().length);
        return true;
    }

    /** See {@link FramedSocket#send(int, int, ByteBuffer, long, String, TransferGate)}. */
    boolean send(int type, int priority, ByteBuffer payload, long wait, String operation, TransferGate gate) {
        int length = payload.remaining();
        if (sendDirect(type, priority, payload, gate)) {
            sent(length);
            return true;
        }
        byte[] copy = new byte[length];
        payload.get(payload.position(), copy);
        return send(new Frame(FrameDescriptor.KIND_DATA, type, priority, copy), wait, operation, gate);
    }

    /**
     * Writes a DATA frame from the sender's bytes straight through the write buffer when nothing
     * waits ahead of it and no other thread is writing: no copy, no queue, no hand-off.
     *
     * @return false if it could not: the caller queues the frame
     */
    private boolean sendDirect(int type, int priority, ByteBuffer payload, TransferGate gate) {
        if (writing.delivery() != null || !writeLock.tryLock()) {
            return false;
        }
        boolean put;
        try {
            put = queue.putDirect(writing, type, priority, payload, gate);
            if (put) {
                wantFlush.set(false);
                writeQueued();
            }
        } finally {
            writeLock.unlock();
        }
        if (wantFlush.get()) {
            flush(); // another thread asked for a write while this one held the lock
        }
        return put;
    }

    /** See {@link OutputQueue#offer}; then writes what it can. */
    boolean offer(Frame frame) {
        if (!queue.offer(frame, writing.unwritten())) {
            return false;
        }
        flush();
        sent(frame.payload().length);
        return true;
    }

    private void sent(int payloadBytes) {
        counters.sent(payloadBytes);
        state.touch();
    }

    /** Sends a control frame ahead of nothing: handshakes. */
    void sendControl(Frame frame) {
        queue.control(frame, writing.unwritten());
        flush();
    }

    /** Ends the sending side: what is queued goes, then BYE ({@code refusal} first drops the queue and goes alone). */
    void finish(Frame refusal) {
        undelivered(queue.finish(refusal));
        flush();
    }

    /** Writes what is queued as far as the socket takes it; any thread, never waits. */
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
                byeWritten |= queue.drainInto(writing, byeWritten);
                if (writing.isEmpty()) {
                    if (link.wantsWrite()) {
                        link.write(NOTHING);
                    }
                    boolean more = link.wantsWrite();
                    interest.set(SelectionKey.OP_WRITE, more);
                    if (!more) {
                        afterWrites();
                    }
                    return;
                }
                int n = writing.writeTo(link);
                if (n > 0) {
                    queue.progressed(n, writing.unwritten());
                }
                if (!writing.isEmpty() || link.wantsWrite()) {
                    interest.set(SelectionKey.OP_WRITE, true);
                    return;
                }
            }
        } catch (IOException e) {
            socket.drop("the connection dropped while sending: " + e.getMessage());
        }
    }

    /** Everything queued was written: after a BYE, half-close. */
    private void afterWrites() throws IOException {
        if (byeWritten && !outputShut && socket.channel().isOpen()) {
            outputShut = true;
            link.shutdownOutput();
            socket.outputShut();
        }
    }

    /** Why the peer is dropped as stalled ({@link DrainClock}), or null if it is not. */
    String stalled(long now, long stallNanos) {
        return queue.stalled(now, stallNanos, writing.unwritten());
    }

    /** Bytes queued or in the write buffer. */
    long waitingBytes() {
        return queue.bytes() + writing.unwritten();
    }

    /**
     * Drops the DATA frames queued and, with {@code writeBufferToo}, those in the write buffer
     * (which then is never written): the tracker is told of each.
     */
    void discard(boolean writeBufferToo) {
        List<Frame> lost = new ArrayList<>();
        if (writeBufferToo) {
            writeLock.lock();
            try {
                lost.addAll(writing.discard());
            } finally {
                writeLock.unlock();
            }
        }
        lost.addAll(queue.discard());
        undelivered(lost);
    }

    private void undelivered(List<Frame> lost) {
        FrameDelivery d = writing.delivery();
        if (d != null) {
            lost.forEach(d::undelivered);
        }
    }

    void wakeSenders() {
        queue.wakeSenders();
    }
}
