package org.multios.ipc.net.internal.stream;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDescriptor;

/**
 * The frames an {@link Outbound} has to send, taken highest priority first, within a byte
 * budget. Two ways in: {@link #send} waits for room within the budget (application threads,
 * never the reactor), {@link #offer} never waits (replies of request/response protocols): it may
 * pass the budget up to a hard limit, and while it is past the budget the socket reads no more
 * of the peer's requests. It also keeps the output-stall clock ({@link DrainClock}).
 */
final class OutputQueue {
    private final FramedSocket socket;
    private final SocketState state;
    private final SocketInterest interest;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final FrameQueue frames = new FrameQueue();
    private boolean byeQueued;
    private boolean backlogHeld;
    private volatile long budget;
    private volatile long hardLimit;
    private volatile long highWater;
    private final DrainClock clock = new DrainClock();

    OutputQueue(FramedSocket socket, SocketState state, SocketInterest interest, long budget) {
        this.socket = socket;
        this.state = state;
        this.interest = interest;
        this.budget = budget;
        this.hardLimit = budget;
    }

    void budget(long bytes) {
        this.budget = bytes;
        this.hardLimit = Math.max(hardLimit, bytes);
    }

    /** Lets {@link #offer} queue up to {@code bytes} (at least the budget). */
    void hardLimit(long bytes) {
        this.hardLimit = Math.max(bytes, budget);
    }

    /** The budget, the hard limit, and the most payload bytes ever queued at once. */
    OutputBudget usage() {
        return new OutputBudget(budget, hardLimit, highWater);
    }

    /**
     * Queues a frame, waiting for room within the budget as {@code wait} says.
     *
     * @param gate checked under the lock before each wait, and the frame is queued inside its
     *        step; it throws to refuse (a revoked grant), and {@link #wakeSenders} makes waiters
     *        check it again
     * @param unwritten bytes waiting in the write buffer (for the stall clock)
     * @return false if there was no room and {@code wait} was {@link Waits#NEVER}
     */
    boolean send(Frame frame, long wait, String operation, SocketCounters counters, TransferGate gate,
            long unwritten) {
        if (wait != Waits.NEVER) {
            Reactor.assertMayBlock(operation, socket.name());
        }
        long deadline = Waits.deadline(wait);
        int length = frame.payload().length;
        lock.lock();
        try {
            while (true) {
                checkOpen();
                gate.check();
                if (frames.isEmpty() || frames.bytes() + length <= budget) {
                    break;
                }
                if (wait == Waits.NEVER) {
                    return false;
                }
                counters.increment(Counter.WAITS);
                if (!Waits.await(room, wait, deadline, operation, socket.name())) {
                    counters.increment(Counter.TIMEOUTS);
                    throw IpcException.timeout(operation, socket.name());
                }
            }
            int step = gate.enter();
            try {
                add(frame, unwritten);
            } finally {
                gate.exit(step);
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /**
     * Encodes a DATA frame from the sender's bytes straight into {@code out} (the caller holds
     * the write lock) if nothing is queued ahead of it and it fits: the frame is never queued,
     * nothing waits.
     *
     * @param gate as for {@link #send}
     * @return false if frames wait or {@code out} has no room: the caller queues it instead
     */
    boolean putDirect(WriteBuffer out, int type, int priority, ByteBuffer payload, TransferGate gate) {
        lock.lock();
        try {
            checkOpen();
            int step = gate.enter();
            try {
                if (!frames.isEmpty() || !out.fits(payload.remaining())) {
                    return false;
                }
                if (out.unwritten() == 0) {
                    clock.begin(FrameDescriptor.HEADER_LENGTH + payload.remaining());
                }
                out.putData(type, priority, payload);
                return true;
            } finally {
                gate.exit(step);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a frame without waiting, past the budget if need be (then the socket reads nothing
     * more until the queue is back within it).
     *
     * @return false if the frame would pass the hard limit (nothing was queued)
     */
    boolean offer(Frame frame, long unwritten) {
        lock.lock();
        try {
            checkOpen();
            if (frames.bytes() + frame.payload().length > hardLimit) {
                return false;
            }
            add(frame, unwritten);
            if (!backlogHeld && frames.bytes() >= budget) {
                backlogHeld = true;
                interest.hold(SocketInterest.OUTPUT_BACKLOG); // under the lock: never after a later release
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Queues a control frame, whatever the state: handshakes. */
    void control(Frame frame, long unwritten) {
        lock.lock();
        try {
            add(frame, unwritten);
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (state.isClosed()) {
            throw IpcException.closed(socket.name());
        }
        if (state.isEnded()) {
            throw new IpcException(IpcError.BROKEN_PIPE, socket.name() + ": " + state.endReason());
        }
    }

    private void add(Frame frame, long unwritten) {
        if (frames.isEmpty() && unwritten == 0) {
            clock.begin(frame.wireLength());
        }
        frames.add(frame);
        highWater = Math.max(highWater, frames.bytes());
    }

    /** What is queued goes, then BYE; a {@code refusal} drops the queue first and goes alone. */
    List<Frame> finish(Frame refusal) {
        List<Frame> dropped = refusal == null ? List.of() : discard();
        lock.lock();
        try {
            if (refusal != null) {
                frames.add(refusal);
            }
            byeQueued = true;
        } finally {
            lock.unlock();
        }
        return dropped;
    }

    /**
     * Moves whole frames into the write buffer while they fit, then the BYE if it is due.
     *
     * @return whether the BYE went in
     */
    boolean drainInto(WriteBuffer out, boolean byeWritten) {
        boolean freed = false;
        boolean bye;
        lock.lock();
        try {
            Frame f;
            while ((f = frames.peek()) != null && out.fits(f)) {
                out.put(frames.poll());
                freed = true;
            }
            bye = frames.isEmpty() && byeQueued && !byeWritten && out.putBye();
            if (freed) {
                room.signalAll();
                if (backlogHeld && frames.bytes() < budget) {
                    backlogHeld = false;
                    interest.release(SocketInterest.OUTPUT_BACKLOG); // under the lock, as the hold
                }
            }
        } finally {
            lock.unlock();
        }
        return bye;
    }

    /** The socket took {@code bytes}; {@code unwritten} are left in the write buffer. */
    void progressed(int bytes, long unwritten) {
        lock.lock();
        try {
            clock.took(bytes, waiting(unwritten));
        } finally {
            lock.unlock();
        }
    }

    /** Why the peer is dropped as stalled ({@link DrainClock}), or null if it is not. */
    String stalled(long now, long stallNanos, long unwritten) {
        lock.lock();
        try {
            return clock.stalled(now, stallNanos, waiting(unwritten));
        } finally {
            lock.unlock();
        }
    }

    /** Bytes on the wire of the frames queued, and {@code unwritten}. */
    private long waiting(long unwritten) {
        return frames.bytes() + (long) frames.size() * FrameDescriptor.HEADER_LENGTH + unwritten;
    }

    long bytes() {
        lock.lock();
        try {
            return frames.bytes();
        } finally {
            lock.unlock();
        }
    }

    /** Empties the queue; returns the DATA frames it held. Senders waiting for room wake. */
    List<Frame> discard() {
        List<Frame> lost = new ArrayList<>();
        lock.lock();
        try {
            Frame f;
            while ((f = frames.poll()) != null) {
                if (f.kind() == FrameDescriptor.KIND_DATA) {
                    lost.add(f);
                }
            }
            room.signalAll();
        } finally {
            lock.unlock();
        }
        return lost;
    }

    /** Wakes the senders waiting for room (they find the connection ended). */
    void wakeSenders() {
        lock.lock();
        try {
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
