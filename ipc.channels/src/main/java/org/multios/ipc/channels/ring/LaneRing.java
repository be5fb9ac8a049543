package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.LaneDescriptor.*;

import java.nio.ByteBuffer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;

/**
 * One direction of messages between processes, first in first out, kept in place as records in
 * a ring of bytes: a flyweight over a {@link MappedRegion} at a base offset, laid out as
 * {@link LaneDescriptor} describes. Senders are served one at a time, and so are receivers, each
 * side by an owner word only that side writes, so that a message costs each side one
 * compare-and-set on a line of its own, the record's lines, and one release store of the
 * position the other side reads only when its cached copy says full or empty. A priority is
 * carried to the receiver's {@link MessageInfo} but does not reorder messages.
 *
 * <p>Outcomes are {@link RingStatus} codes; positions handed out by {@link #claimCleared} and
 * {@link #take} are record positions (at least 0). A side's owner word held by a live thread
 * (another thread of this process, a stopped process) holds that side up for at most
 * {@link SlotRecovery#GIVE_UP_NANOS} a try, after which the try reports FULL or EMPTY; one held
 * by a process that is dead for certain is taken over (see {@link LaneDescriptor} for what
 * that recovers). A thread that throws inside an operation gives its side back as a dead owner's
 * successor would find it.
 */
public final class LaneRing implements MessageRing {
    private static final ProcessLiveness LIVENESS = SlotRecovery.LIVENESS;
    private static final ProcessKind[] KINDS = ProcessKind.values();
    /** A position no record has: nothing to take. */
    private static final long NONE = -1;

    private final MappedRegion region;
    private final RingWords words;
    private final RingSignals signals;
    private final long base;
    private final long records;
    private final int capacity;
    private final int mask;
    private final int maxMessageSize;
    private final LaneSides sides;
    private final String what;
    /**
     * What each side's thread keeps between operations, each on cache lines of its own (entry
     * {@link #AT} of an array of {@link #SPAN}), so that a sender and a receiver of this JVM never
     * trade a line over them: {@code [CACHED]} the other side's position as last read (a bound,
     * never ahead: the head for the sender, the tail for the receiver), {@code [TAKEN]} the checked
     * length of the message the receiver took last.
     */
    private final long[] senderSide = new long[SPAN];
    private final long[] receiverSide = new long[SPAN];
    private static final int SPAN = 32;
    private static final int AT = 16;
    private static final int CACHED = AT;
    private static final int TAKEN = AT + 1;

    private LaneRing(MappedRegion region, long base, int capacity, int maxMessageSize, long self, String what) {
        this.region = region;
        this.base = base;
        this.records = base + RECORDS_OFFSET;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxMessageSize = maxMessageSize;
        this.words = new RingWords(region, base, length(capacity));
        this.signals = new RingSignals(region, words, base, true);
        long home = region.getLong(base + HOME_NAMESPACE_OFFSET);
        this.sides = new LaneSides(region, words, signals, base, home, self != 0 ? self : LIVENESS.currentProcessWord(home));
        this.what = what;
    }

    /**
     * Lays out an empty lane of {@code capacity} record bytes ({@link LaneDescriptor#capacity})
     * for messages of up to {@code maxMessageSize} bytes at {@code base} of a zero-filled region.
     * Nobody else may use it yet.
     *
     * @throws IllegalArgumentException for a bad base, capacity or size
     */
    public static LaneRing initialize(MappedRegion region, long base, int capacity, int maxMessageSize, String what) {
        if (capacity < RECORD_ALIGNMENT || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1
                || maxMessageSize < 0 || maxMessageSize > MAX_CAPACITY / 2 || 2L * recordLength(maxMessageSize) > capacity
                || (base & (PriorityRingDescriptor.CACHE_LINE - 1)) != 0 || base + length(capacity) > region.length()) {
            throw new IllegalArgumentException("a lane of " + capacity + " bytes for messages of " + maxMessageSize
                    + " bytes does not fit at " + base + " in a region of " + region.length() + " bytes");
        }
        region.putLong(base + HOME_NAMESPACE_OFFSET, LIVENESS.namespaces());
        region.putInt(base + CAPACITY_OFFSET, capacity);
        region.putInt(base + MAX_MESSAGE_SIZE_OFFSET, maxMessageSize);
        region.putIntVolatile(base + MAGIC_OFFSET, MAGIC);
        return new LaneRing(region, base, capacity, maxMessageSize, 0, what);
    }

    /**
     * Attaches to a lane laid out earlier (by any process) at {@code base}.
     *
     * @param available bytes of the region from {@code base} the lane may use
     * @param what      the object the lane belongs to, named in messages
     * @throws IpcException CORRUPTED if the words there do not describe a lane that fits
     */
    public static LaneRing attach(MappedRegion region, long base, long available, String what) {
        return attach(region, base, available, what, 0);
    }

    /** Attaches as a given owner word (0: this process): tests that play another process. */
    static LaneRing attach(MappedRegion region, long base, long available, String what, long owner) {
        if ((base & (PriorityRingDescriptor.CACHE_LINE - 1)) != 0 || available < RECORDS_OFFSET
                || base + available > region.length()) {
            throw new IpcException(IpcError.CORRUPTED, what + " has no room for a lane at " + base);
        }
        int magic = region.getIntVolatile(base + MAGIC_OFFSET);
        int capacity = region.getInt(base + CAPACITY_OFFSET);
        int maxSize = region.getInt(base + MAX_MESSAGE_SIZE_OFFSET);
        if (magic != MAGIC) {
            throw new IpcException(IpcError.CORRUPTED, what + " has no initialized lane (magic 0x"
                    + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC) + ")");
        }
        if (capacity < RECORD_ALIGNMENT || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1 || maxSize < 0
                || maxSize > MAX_CAPACITY / 2 || 2L * recordLength(maxSize) > capacity || length(capacity) > available) {
            throw new IpcException(IpcError.CORRUPTED, what + " has an inconsistent lane (" + capacity
                    + " bytes for messages of " + maxSize + " bytes in " + available + " bytes)");
        }
        return new LaneRing(region, base, capacity, maxSize, owner, what);
    }

    /** Record bytes. */
    public int capacity() {
        return capacity;
    }

    /** Largest message in bytes. */
    @Override
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** The region the lane lies in. */
    @Override
    public MappedRegion region() {
        return region;
    }

    /** The futex sequences and sleeper counts that waiting senders and receivers use. */
    @Override
    public RingSignals signals() {
        return signals;
    }

    /** Owners of dead processes replaced since the lane was made, in every process. */
    public long recoveredOwners() {
        return region.getLongVolatile(base + RECOVERED_OFFSET);
    }

    /** Whether no message is queued. */
    @Override
    public boolean isEmpty() {
        return words.getLongVolatile(base + HEAD_OFFSET) == words.getLongVolatile(base + TAIL_OFFSET);
    }

    /**
     * Messages queued now, counted by walking the records from the head to the tail (for
     * statistics: a walk of at most the ring); those before a record that cannot be true.
     */
    @Override
    public int size() {
        long h = words.getLongVolatile(base + HEAD_OFFSET);
        long t = words.getLongVolatile(base + TAIL_OFFSET);
        int n = 0;
        while (h - t < 0 && t - h <= capacity && ((h | t) & (RECORD_ALIGNMENT - 1)) == 0) {
            int off = (int) (h & mask);
            int length = words.getInt(records + off);
            if (length == PADDING) {
                h += capacity - off;
            } else if (length < 0 || length > maxMessageSize) {
                return n;
            } else {
                h += recordLength(length);
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ sending

    /**
     * Sends {@code len} bytes of {@code src} from {@code off} with a priority (carried, not
     * ordered by), if the lane has room.
     *
     * @return {@link RingStatus#SENT}, {@code FULL} or {@code TOO_LARGE}
     */
    @Override
    public int offer(byte[] src, int off, int len, int priority, long sender, long senderPid) {
        long at = claim(len, priority, sender, senderPid);
        if (at < 0) {
            return (int) at;
        }
        try {
            region.putBytes(at + RECORD_HEADER_SIZE, src, off, len);
        } catch (Throwable t) {
            abort(at);
            throw t;
        }
        commit(at);
        return RingStatus.SENT;
    }

    /** Sends the remaining bytes of {@code src}, whose position advances to its limit only if sent. */
    @Override
    public int offer(ByteBuffer src, int priority, long sender, long senderPid) {
        int len = src.remaining();
        long at = claim(len, priority, sender, senderPid);
        if (at < 0) {
            return (int) at;
        }
        try {
            region.putBytes(at + RECORD_HEADER_SIZE, src);
        } catch (Throwable t) {
            abort(at);
            throw t;
        }
        commit(at);
        return RingStatus.SENT;
    }

    /**
     * Claims room for a message of {@code len} bytes, cleared, holding the senders' side until
     * {@link #commit} or {@link #abort}: the caller writes the message at {@link #payload(long)}.
     *
     * @return the record's region offset, {@link RingStatus#FULL} or {@link RingStatus#TOO_LARGE}
     */
    public long claimCleared(int len, int priority, long sender, long senderPid) {
        long at = claim(len, priority, sender, senderPid);
        if (at >= 0) {
            try {
                region.clear(at + RECORD_HEADER_SIZE, len);
            } catch (Throwable t) {
                abort(at);
                throw t;
            }
        }
        return at;
    }

    private long claim(int len, int priority, long sender, long senderPid) {
        if (len < 0 || len > maxMessageSize) {
            return RingStatus.TOO_LARGE;
        }
        int held = sides.acquire(base + SENDER_OFFSET);
        if (held != LaneSides.ACQUIRED) {
            return held == RingStatus.HELD_BY_THIS_THREAD ? held : RingStatus.FULL;
        }
        try {
            long t = words.getLong(base + TAIL_OFFSET);
            long h = senderSide[CACHED];
            if ((t & (RECORD_ALIGNMENT - 1)) != 0 || t - h < 0) {
                h = words.getLongVolatile(base + HEAD_OFFSET);
                senderSide[CACHED] = h;
                if ((t & (RECORD_ALIGNMENT - 1)) != 0 || t - h < 0 || t - h > capacity) {
                    throw new IpcException(IpcError.CORRUPTED, what + " holds a tail " + t + " and a head " + h
                            + " that no sender and receiver write; nothing can be sent until it is made again");
                }
            }
            int record = recordLength(len);
            int off = (int) (t & mask);
            int pad = off + record > capacity ? capacity - off : 0;
            long end = t + pad + record;
            if (end - senderSide[CACHED] > capacity) {
                senderSide[CACHED] = words.getLongVolatile(base + HEAD_OFFSET);
                if (end - senderSide[CACHED] > capacity) {
                    sides.release(base + SENDER_OFFSET);
                    return RingStatus.FULL;
                }
            }
            if (pad > 0) {
                words.putInt(records + off, PADDING);
                off = 0;
            }
            long at = records + off;
            words.putInt(at + RECORD_LENGTH_OFFSET, len);
            words.putInt(at + RECORD_PRIORITY_OFFSET, priority);
            words.putLong(at + RECORD_SENDER_OFFSET, sender);
            words.putLong(at + RECORD_SENDER_PID_OFFSET, senderPid);
            return at;
        } catch (Throwable t) {
            sides.release(base + SENDER_OFFSET);
            throw t;
        }
    }

    /** Where the payload of the record at region offset {@code at} starts. */
    public long payload(long at) {
        return at + RECORD_HEADER_SIZE;
    }

    /** Publishes the record this thread claimed at region offset {@code at} and wakes a sleeping receiver. */
    public void commit(long at) {
        int length = words.getInt(at + RECORD_LENGTH_OFFSET);
        long tail = words.getLong(base + TAIL_OFFSET);
        long off = at - records;
        long start = off >= (tail & mask) ? tail : tail + (capacity - (tail & mask)); // after a padding record
        words.putLongRelease(base + TAIL_OFFSET, start + recordLength(length));
        sides.release(base + SENDER_OFFSET);
        signals.signalMessage();
        signals.signalSpace(); // senders that gave up waiting for this side sleep on space
    }

    /** Gives up the record this thread claimed unsent. */
    public void abort(long at) {
        sides.release(base + SENDER_OFFSET);
        signals.signalSpace(); // senders that gave up waiting for this side sleep on space
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Receives the next message into {@code dst} from {@code off}, at most {@code len} bytes.
     *
     * @param info filled with the message's length, priority and sender (also when too large)
     * @return the message's length, {@link RingStatus#EMPTY} or {@link RingStatus#TOO_LARGE}
     *         (the message stays)
     * @throws IpcException CORRUPTED for a record no sender can write (dropped with those behind it)
     */
    @Override
    public int poll(byte[] dst, int off, int len, MessageInfo info) {
        long at = take(len, info);
        if (at < 0) {
            return (int) at;
        }
        int length = (int) receiverSide[TAKEN];
        try {
            region.getBytes(at + RECORD_HEADER_SIZE, dst, off, length);
        } finally {
            consumed(at);
        }
        return length;
    }

    /** Receives the next message into {@code dst} at its position, which advances by the length. */
    @Override
    public int poll(ByteBuffer dst, MessageInfo info) {
        long at = take(dst.remaining(), info);
        if (at < 0) {
            return (int) at;
        }
        int length = (int) receiverSide[TAKEN];
        int limit = dst.limit();
        try {
            dst.limit(dst.position() + length);
            region.getBytes(at + RECORD_HEADER_SIZE, dst);
        } finally {
            dst.limit(limit);
            consumed(at);
        }
        return length;
    }

    /**
     * Takes the next message to be read in place at {@link #payload(long)}, holding the
     * receivers' side until {@link #consumed}; {@code info} holds its length, priority and sender.
     *
     * @param room the largest message the caller takes; a longer one stays (TOO_LARGE)
     * @return the record's region offset, {@link RingStatus#EMPTY} or {@link RingStatus#TOO_LARGE}
     */
    public long take(int room, MessageInfo info) {
        int held = sides.acquire(base + RECEIVER_OFFSET);
        if (held != LaneSides.ACQUIRED) {
            return held == RingStatus.HELD_BY_THIS_THREAD ? held : RingStatus.EMPTY;
        }
        try {
            long h = next();
            if (h == NONE) {
                sides.release(base + RECEIVER_OFFSET);
                return RingStatus.EMPTY;
            }
            long at = records + (h & mask);
            int length = (int) receiverSide[TAKEN];
            describe(at, length, info);
            if (length > room) {
                sides.release(base + RECEIVER_OFFSET);
                return RingStatus.TOO_LARGE;
            }
            words.putLong(base + TAKING_OFFSET, h + recordLength(length));
            return at;
        } catch (Throwable t) {
            sides.release(base + RECEIVER_OFFSET);
            throw t;
        }
    }

    /** Frees the record {@link #take} returned, once read, and wakes a sleeping sender. */
    public void consumed(long at) {
        words.putLongRelease(base + HEAD_OFFSET, words.getLong(base + TAKING_OFFSET));
        sides.release(base + RECEIVER_OFFSET);
        signals.signalSpace();
        wakeReceiverForQueued();
    }

    /**
     * Wakes a receiver that gave up waiting for the receivers' side (and sleeps on the message
     * sequence) if a message is still queued: only when receivers sleep, so a message costs the
     * tail's line no more.
     */
    private void wakeReceiverForQueued() {
        if (signals.receiversSleeping() > 0 && !isEmpty()) {
            signals.signalMessage();
        }
    }

    /**
     * The position of the next record, past a padding record, checked to be one a sender can
     * write (its length, read once, in {@code receiverSide[TAKEN]}); or {@link #NONE}.
     */
    private long next() {
        long h = words.getLong(base + HEAD_OFFSET);
        long t = receiverSide[CACHED];
        if (t - h <= 0) { // also stale where another attachment's receiver moved the head past it
            t = words.getLongVolatile(base + TAIL_OFFSET);
            receiverSide[CACHED] = t;
            if (t == h) {
                return NONE;
            }
        }
        if (t - h < 0 || t - h > capacity || ((h | t) & (RECORD_ALIGNMENT - 1)) != 0) {
            throw dropped(h, t, "a head " + h + " and a tail " + t + " that no sender and receiver write");
        }
        int off = (int) (h & mask);
        int length = words.getInt(records + off);
        if (length == PADDING) {
            h += capacity - off;
            off = 0;
            length = words.getInt(records);
        }
        int priority = words.getInt(records + off + RECORD_PRIORITY_OFFSET);
        if (length < 0 || length > maxMessageSize || off + recordLength(length) > capacity
                || h + recordLength(length) - t > 0 || priority < 0 || priority >= PriorityRingDescriptor.PRIORITIES) {
            throw dropped(h, t, "a message of " + length + " bytes at priority " + priority + " (largest "
                    + maxMessageSize + " bytes, " + (t - h) + " bytes of records queued)");
        }
        receiverSide[TAKEN] = length;
        return h;
    }

    /**
     * Drops every record up to the tail, behind one that cannot be true, and says so; a tail that
     * is no record boundary itself is left as it is (nothing can be received until the lane is
     * made again, and each try says so).
     */
    private IpcException dropped(long head, long tail, String problem) {
        if ((tail & (RECORD_ALIGNMENT - 1)) != 0) {
            return new IpcException(IpcError.CORRUPTED, what + " holds " + problem + " at position " + head
                    + "; nothing can be received until it is made again");
        }
        words.putLongRelease(base + HEAD_OFFSET, tail);
        words.putLong(base + TAKING_OFFSET, tail);
        receiverSide[CACHED] = tail;
        signals.signalSpace();
        return new IpcException(IpcError.CORRUPTED, what + " held " + problem + " at position " + head
                + "; it and the messages queued behind it were dropped");
    }

    private void describe(long at, int length, MessageInfo info) {
        if (info != null) {
            long sender = words.getLong(at + RECORD_SENDER_OFFSET);
            int kind = (int) (sender >>> 56);
            info.set(length, words.getInt(at + RECORD_PRIORITY_OFFSET),
                    kind >= 0 && kind < KINDS.length ? KINDS[kind] : KINDS[0], sender & RingLayout.ID_MASK,
                    words.getLong(at + RECORD_SENDER_PID_OFFSET));
        }
    }

    /** False: the lane's bytes, charged when its file was made, bound its messages. */
    @Override
    public boolean countsQueued() {
        return false;
    }

    // ------------------------------------------------------------------ in place, as MessageRing: a record

    @Override
    public long claimInPlace(int len, int priority, long sender, long senderPid) {
        long at = claimCleared(len, priority, sender, senderPid);
        if (at >= 0) {
            sides.claimer.set(Thread.currentThread());
        }
        return at;
    }

    @Override
    public long payloadOf(long at) {
        return payload(at);
    }

    @Override
    public void commitInPlace(long at, int priority) {
        sides.claimer.set(null);
        commit(at);
    }

    @Override
    public void abortInPlace(long at, int len) {
        sides.claimer.set(null);
        abort(at);
    }

    @Override
    public long takeInPlace(MessageInfo info) {
        long at = take(maxMessageSize, info);
        if (at >= 0) {
            sides.taker.set(Thread.currentThread());
        }
        return at;
    }

    @Override
    public void consumedInPlace(long at, int length) {
        sides.taker.set(null);
        consumed(at);
    }

    /** Wakes one more sleeping receiver if a message is queued. */
    @Override
    public void passOnMessage() {
        signals.passOnMessage(!isEmpty());
    }

    /** Takes over the sides whose owner words name processes dead for certain, when due ({@link LaneSides#sweepIfDue}). */
    @Override
    public void sweepIfDue() {
        sides.sweepIfDue();
    }

    @Override
    public boolean sweepForSleepers() {
        sides.sweepIfDue();
        return false;
    }

    /** Encodes a sender for {@link #offer}, as {@link PriorityRing#sender} does. */
    public static long sender(ProcessKind kind, long id) {
        return PriorityRing.sender(kind, id);
    }
}
