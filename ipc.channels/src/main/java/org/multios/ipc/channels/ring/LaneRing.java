package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.LaneDescriptor.*;

import java.nio.ByteBuffer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessFence;
import org.multios.ipc.core.mapped.ProcessLiveness;

/**
 * One direction of messages between processes, first in first out, kept in place as records in
 * a ring of bytes: a flyweight over a {@link MappedRegion} at a base offset, laid out as
 * {@link LaneDescriptor} describes. Senders are served one at a time, and so are receivers, each
 * side by an owner word only that side writes, so that a message costs each side one
 * compare-and-set on a line of its own and the record's lines: a record is published by a
 * release store of its own length, which the receiver reads where it reads the message, and
 * the head is read by the sender only when its cached copy says full. A priority is carried to
 * the receiver's {@link MessageInfo} but does not reorder messages.
 *
 * <p>Outcomes are {@link RingStatus} codes; positions handed out by {@link #claimCleared} and
 * {@link #take} are record positions (at least 0). A side whose owner word another thread or
 * process holds makes a try report FULL or EMPTY after a short spin, and the caller waits as for
 * room or a message; a side handed back wakes whoever sleeps for it. One held by a process that
 * is dead for certain is taken over (see {@link LaneDescriptor} for what that recovers). A
 * thread that throws inside an operation gives its side back as a dead owner's successor would
 * find it.
 */
public final class LaneRing implements MessageRing {
    private static final ProcessLiveness LIVENESS = SlotRecovery.LIVENESS;
    private static final ProcessKind[] KINDS = ProcessKind.values();
    /** A position no record has: nothing to take. */
    private static final long NONE = LaneFrames.NONE;

    private final MappedRegion region;
    private final RingWords words;
    private final RingSignals signals;
    private final long base;
    private final long records;
    private final int capacity;
    private final int mask;
    private final int maxMessageSize;
    private final LaneSides sides;
    private final LaneRecovery recovery;
    private final LaneFrames frames;
    private final String what;
    /** What senders and receivers do for a watcher of sends into the empty lane ({@link LaneWatch}). */
    private final LaneWatch watch;
    /**
     * What each side's thread keeps between operations, each on cache lines of its own (entry
     * {@link #AT} of an array of {@link #SPAN}), so that a sender and a receiver of this JVM never
     * trade a line over them: the sender's {@code [CACHED]} the head as last read (a bound, never
     * ahead) and {@code [CLAIMED]} the frame length of the record it claimed last; the receiver's
     * {@code [TAKEN]} the checked length of the message it took last; each side's {@code [OWNED]}
     * the owner word its holder wrote.
     */
    private final long[] senderSide = new long[SPAN];
    private final long[] receiverSide = new long[SPAN];
    private static final int SPAN = 32;
    private static final int AT = 16;
    private static final int CACHED = AT;
    private static final int CLAIMED = AT + 1;
    private static final int TAKEN = AT;
    private static final int OWNED = AT + 2;

    private LaneRing(MappedRegion region, long base, int capacity, int maxMessageSize, long self, boolean fences,
            String what, LaneWatcher watcher) {
        this.region = region;
        this.base = base;
        this.records = base + RECORDS_OFFSET;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxMessageSize = maxMessageSize;
        this.words = new RingWords(region, base, length(capacity));
        this.frames = new LaneFrames(words, records, capacity, maxMessageSize);
        this.signals = new RingSignals(region, words, base, true);
        long home = region.getLong(base + HOME_NAMESPACE_OFFSET);
        this.recovery = new LaneRecovery(words, frames, signals, base, capacity, () -> !isEmpty());
        this.sides = new LaneSides(region, words, base, home, self != 0 ? self : LIVENESS.currentProcessWord(home),
                recovery, fences);
        this.what = what;
        this.watch = new LaneWatch(watcher, words, base + HEAD_OFFSET);
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
                || maxMessageSize < 0 || maxMessageSize > MAX_CAPACITY / 2 || !LaneFrames.fits(capacity, maxMessageSize)
                || (base & (PriorityRingDescriptor.CACHE_LINE - 1)) != 0 || base + length(capacity) > region.length()) {
            throw new IllegalArgumentException("a lane of " + capacity + " bytes for messages of " + maxMessageSize
                    + " bytes does not fit at " + base + " in a region of " + region.length() + " bytes");
        }
        region.putLong(base + HOME_NAMESPACE_OFFSET, LIVENESS.namespaces());
        region.putInt(base + CAPACITY_OFFSET, capacity);
        region.putInt(base + MAX_MESSAGE_SIZE_OFFSET, maxMessageSize);
        region.putIntVolatile(base + MAGIC_OFFSET, MAGIC);
        return new LaneRing(region, base, capacity, maxMessageSize, 0, ProcessFence.canSerializeAll(), what, null);
    }

    /**
     * Attaches to a lane laid out earlier (by any process) at {@code base}.
     *
     * @param available bytes of the region from {@code base} the lane may use
     * @param what      the object the lane belongs to, named in messages
     * @throws IpcException CORRUPTED if the words there do not describe a lane that fits
     */
    public static LaneRing attach(MappedRegion region, long base, long available, String what) {
        return attach(region, base, available, what, null);
    }

    /**
     * Attaches as {@link #attach(MappedRegion, long, long, String)} does, telling {@code watcher}
     * (if not null) of each send into the lane while it held no message.
     */
    public static LaneRing attach(MappedRegion region, long base, long available, String what,
            LaneWatcher watcher) {
        return attach(region, base, available, what, 0, ProcessFence.canSerializeAll(), watcher);
    }

    /**
     * Attaches as a given owner word (0: this process), fencing other processes for its waiters
     * or not ({@link LaneSides#settle}): tests that play another process, or one that cannot fence.
     */
    static LaneRing attach(MappedRegion region, long base, long available, String what, long owner, boolean fences) {
        return attach(region, base, available, what, owner, fences, null);
    }

    private static LaneRing attach(MappedRegion region, long base, long available, String what, long owner,
            boolean fences, LaneWatcher watcher) {
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
                || maxSize > MAX_CAPACITY / 2 || !LaneFrames.fits(capacity, maxSize) || length(capacity) > available) {
            throw new IpcException(IpcError.CORRUPTED, what + " has an inconsistent lane (" + capacity
                    + " bytes for messages of " + maxSize + " bytes in " + available + " bytes)");
        }
        return new LaneRing(region, base, capacity, maxSize, owner, fences, what, watcher);
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

    /**
     * Messages queued now, counted by walking the published records from the head (for
     * statistics: a walk of at most the ring); those before a record that cannot be true.
     */
    @Override
    public int size() {
        return frames.published(words.getLongVolatile(base + HEAD_OFFSET));
    }

    /**
     * Whether no message is queued: the record at the head is not published. Reads the line the
     * next message will be read from, not the tail (a head off a record boundary, which only a
     * hostile writer makes, reads as not empty: the receive that follows says CORRUPTED). An
     * empty look of a watched lane is taken again after a fence, as {@link #take}'s is
     * ({@link LaneWatch#looksAgain}).
     */
    @Override
    public boolean isEmpty() {
        return headUnpublished() && (!watch.looksAgain() || headUnpublished());
    }

    private boolean headUnpublished() {
        return frames.frameAt(words.getLongVolatile(base + HEAD_OFFSET)) == 0;
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
        long at = claim(len, priority, sender, senderPid, sides.self);
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
        long at = claim(len, priority, sender, senderPid, sides.self);
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
        long at = claim(len, priority, sender, senderPid, sides.acrossCode(base + SENDER_OFFSET));
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

    /** @param owner the senders' owner word while this claim holds it ({@link LaneSides#acquire}) */
    private long claim(int len, int priority, long sender, long senderPid, long owner) {
        if (len < 0 || len > maxMessageSize) {
            return RingStatus.TOO_LARGE;
        }
        int held = sides.acquire(base + SENDER_OFFSET, owner);
        if (held != LaneSides.ACQUIRED) {
            return held == RingStatus.HELD_BY_THIS_THREAD ? held : RingStatus.FULL;
        }
        senderSide[OWNED] = owner;
        try {
            long t = words.getLong(base + TAIL_OFFSET);
            long h = senderSide[CACHED];
            if ((t & (RECORD_ALIGNMENT - 1)) != 0 || t - h < 0 || t - h > capacity) {
                h = words.getLongVolatile(base + HEAD_OFFSET);
                senderSide[CACHED] = h;
                if ((t & (RECORD_ALIGNMENT - 1)) != 0 || t - h < 0 || t - h > capacity) {
                    t = frames.endOfPublished(h, h); // a tail no sender writes: found again from the head
                    if (t == NONE) {
                        throw new IpcException(IpcError.CORRUPTED, what + " holds a head " + h
                                + " that no receiver writes; nothing can be sent until a receiver moves it");
                    }
                    words.putLongRelease(base + TAIL_OFFSET, t);
                }
            }
            int record = recordLength(len);
            int off = (int) (t & mask);
            int pad = off + record > capacity ? capacity - off : 0;
            // room for the record and for the next record's frame length, cleared ahead
            long end = t + pad + record + RECORD_ALIGNMENT;
            if (end - senderSide[CACHED] > capacity) {
                senderSide[CACHED] = words.getLongVolatile(base + HEAD_OFFSET);
                if (end - senderSide[CACHED] > capacity) {
                    sides.release(base + SENDER_OFFSET);
                    return RingStatus.FULL;
                }
            }
            if (pad > 0) {
                off = 0; // the padding record is published after this one, in commit
            }
            long at = records + off;
            // what the receiver reads at the next record until it is published
            words.putInt(records + ((off + record) & mask), 0);
            senderSide[CLAIMED] = RECORD_HEADER_SIZE + len;
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

    /**
     * Publishes the record this thread claimed at region offset {@code at} (a release store of
     * its frame length, then of the padding record before it if it starts the ring again), moves
     * the tail past it and wakes a sleeping receiver.
     */
    public void commit(long at) {
        sides.requireHeld(base + SENDER_OFFSET, senderSide[OWNED], what, "a claim");
        int frame = (int) senderSide[CLAIMED];
        long tail = words.getLong(base + TAIL_OFFSET);
        int off = (int) (tail & mask);
        words.putIntRelease(at + FRAME_LENGTH_OFFSET, frame);
        long start = tail;
        if (at - records < off) { // a padding record before it, at the tail
            words.putIntRelease(records + off, PADDING);
            start += capacity - off;
        }
        words.putLongRelease(base + TAIL_OFFSET, start + LaneFrames.align(frame));
        sides.release(base + SENDER_OFFSET);
        signals.signalMessage();
        signals.signalSpace(); // senders that gave up waiting for this side sleep on space
        watch.published(this, tail);
    }

    /** Gives up the record this thread claimed unsent. */
    public void abort(long at) {
        sides.requireHeld(base + SENDER_OFFSET, senderSide[OWNED], what, "a claim");
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
        long at = take(len, info, sides.self);
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
        long at = take(dst.remaining(), info, sides.self);
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
        return take(room, info, sides.acrossCode(base + RECEIVER_OFFSET));
    }

    /** @param owner the receivers' owner word while this take holds it ({@link LaneSides#acquire}) */
    private long take(int room, MessageInfo info, long owner) {
        int held = sides.acquire(base + RECEIVER_OFFSET, owner);
        if (held != LaneSides.ACQUIRED) {
            return held == RingStatus.HELD_BY_THIS_THREAD ? held : RingStatus.EMPTY;
        }
        receiverSide[OWNED] = owner;
        try {
            long h = next();
            if (h == NONE && watch.looksAgain()) {
                h = next();
            }
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
        sides.requireHeld(base + RECEIVER_OFFSET, receiverSide[OWNED], what, "a message taken");
        words.putLongRelease(base + HEAD_OFFSET, words.getLong(base + TAKING_OFFSET));
        sides.release(base + RECEIVER_OFFSET);
        signals.signalSpace();
        recovery.wakeReceiverForQueued();
    }

    /**
     * The position of the next published record, past a padding record, checked to be one a
     * sender can write (its message length, read once, in {@code receiverSide[TAKEN]}); or
     * {@link #NONE}. Reads the record's frame length with acquire, not the tail.
     */
    private long next() {
        long h = words.getLong(base + HEAD_OFFSET);
        if ((h & (RECORD_ALIGNMENT - 1)) != 0) {
            throw dropped(h, "a head " + h + " off a record boundary");
        }
        int off = (int) (h & mask);
        int frame = words.getIntVolatile(records + off);
        if (frame == PADDING) {
            h += capacity - off;
            off = 0;
            frame = words.getIntVolatile(records);
        }
        if (frame == 0) {
            return NONE;
        }
        int priority = words.getInt(records + off + RECORD_PRIORITY_OFFSET);
        if (!frames.isFrame(frame, off) || priority < 0 || priority >= PriorityRingDescriptor.PRIORITIES) {
            throw dropped(h, "a record of " + frame + " bytes at priority " + priority + " (largest " + maxMessageSize
                    + " bytes and a header of " + RECORD_HEADER_SIZE + ", in a ring of " + capacity + " bytes)");
        }
        receiverSide[TAKEN] = frame - RECORD_HEADER_SIZE;
        return h;
    }

    /**
     * Drops every record up to the tail, behind one that cannot be true, and says so; a tail that
     * is no record boundary itself is left as it is (nothing can be received until a sender finds
     * the tail again, and each try says so).
     */
    private IpcException dropped(long head, String problem) {
        long tail = words.getLongVolatile(base + TAIL_OFFSET);
        if ((tail & (RECORD_ALIGNMENT - 1)) != 0) {
            return new IpcException(IpcError.CORRUPTED, what + " holds " + problem + " at position " + head
                    + "; nothing can be received until a sender finds the tail again");
        }
        words.putLongRelease(base + HEAD_OFFSET, tail);
        words.putLong(base + TAKING_OFFSET, tail);
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
        return claimCleared(len, priority, sender, senderPid);
    }

    @Override
    public long payloadOf(long at) {
        return payload(at);
    }

    @Override
    public void commitInPlace(long at, int priority) {
        commit(at);
    }

    @Override
    public void abortInPlace(long at, int len) {
        abort(at);
    }

    @Override
    public long takeInPlace(MessageInfo info) {
        return take(maxMessageSize, info);
    }

    @Override
    public void consumedInPlace(long at, int length) {
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

    /**
     * Takes over dead owners' sides when due; where this attachment does not fence other processes
     * for its waiters ({@link LaneSides#settle}), also wakes those a holder may have missed
     * ({@link LaneRecovery#wakeMissed}).
     */
    @Override
    public boolean sweepForSleepers() {
        sides.sweepIfDue();
        if (sides.sweepWakes()) {
            recovery.wakeMissed();
        }
        return false;
    }

    /** Before a waiter counted in as a sleeper sleeps ({@link LaneSides#settle}): true, try once more. */
    @Override
    public boolean settleBeforeSleep() {
        sides.settle();
        return true;
    }

    /** This process's owner word in the lane's home namespaces (a queue's listener word names it so). */
    @Override
    public long ownerWord() {
        return sides.self;
    }

    @Override
    public boolean isOwnerDead(long owner) {
        return sides.isOwnerDead(owner);
    }

    /** Encodes a sender for {@link #offer}, as {@link PriorityRing#sender} does. */
    public static long sender(ProcessKind kind, long id) {
        return PriorityRing.sender(kind, id);
    }
}
