package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.PriorityRingDescriptor.*;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * A bounded, lock-free, multi-process priority message ring: a flyweight over a
 * {@link MappedRegion} at a base offset, laid out as {@link PriorityRingDescriptor} describes.
 * Messages are received highest priority first, first in first out within a priority; any
 * number of threads in any number of processes may send and receive at once. This class holds
 * the operations; the layers under it hold one concern each: {@link RingLayout} (addresses, slot
 * header, {@link PriorityBitmap}, {@link RingSignals}), {@link IndexRings}, {@link ByteBudget}
 * and {@link SlotRecovery}. Outcomes are the {@link RingStatus} codes.
 *
 * <p><b>Sending</b> takes the slot at the head of the free ring (and fails at once with
 * {@link RingStatus#FULL} if there is none, or if the byte budget has no room), copies the
 * message into the slot, then publishes the index on its priority's ring, marks the priority in
 * the bitmap, and, if a receiver sleeps, bumps the message-available sequence and wakes one.
 * <b>Receiving</b> looks at the priorities from the highest set bit down, takes the head index of
 * the first non-empty ring, copies the message out into the caller's buffer, returns the slot to
 * the free ring and, if a sender sleeps, bumps the space-available sequence and wakes it. The
 * length of the head message is read before it is taken, so a message longer than the buffer
 * stays queued ({@link RingStatus#TOO_LARGE}). In place: {@link #claim} and {@link #commit} are
 * the two halves of a send with the caller writing the slot between them ({@link #abort} frees it
 * unsent), and {@link #take} and {@link #consumed} the two halves of a receive with the caller
 * reading the slot between them; ownership, budget and recovery are those of a send and a
 * receive.
 *
 * <p><b>Waiting</b> is {@link RingSignals}' protocol. A receiver that briefly clears the bitmap
 * of a priority a sender published into meanwhile sets it again and signals on the sender's
 * behalf ({@link #clearIfEmpty}).
 *
 * <p><b>Processes that die</b> (SIGKILL) at any instruction leave the ring usable, with no
 * message delivered half-written and no message lost whose send had returned: claiming a
 * position of an index ring and publishing it are one compare-and-set ({@link IndexRings}); a
 * slot is moved only by its owner, and a dead owner's slot is recovered ({@link SlotRecovery});
 * the byte budget's pending op names its slot, so a recoverer can complete it
 * ({@link ByteBudget}). A live owner that is stopped (SIGSTOP) while it holds the head slot of a
 * ring holds that ring up; after {@link SlotRecovery#GIVE_UP_NANOS} a try reports EMPTY or FULL
 * and the caller's wait loop tries again. A live owner merely descheduled never makes a try
 * fail: enqueuing never waits (an intact index ring has room for every slot and its tail hint
 * lags by at most one filled entry), and a take waits for a live owner up to that second. A
 * receiver killed while it copies a message out loses that message (it had taken it), as a POSIX
 * receiver killed after its receive would.
 *
 * <p><b>Hostile writers.</b> Another process may write anything into the file: loops are bounded
 * ({@link IndexRings}), a taken message's length and priority are checked before its bytes are
 * copied (a bad one is dropped with CORRUPTED), lengths given back to the byte budget are
 * clamped, and {@link #attach} refuses sizes that could overflow.
 *
 * <p>The hot paths allocate nothing and return status codes; misuse (a bad range or priority)
 * is the caller's to check. Not tied to any API: message queues and channels build on it.
 */
public final class PriorityRing extends SlotRecovery {
    /** Largest message size {@link #attach} accepts: its slot size still fits an int. */
    private static final int MAX_MESSAGE_SIZE = Integer.MAX_VALUE - SLOT_HEADER_SIZE - 8;

    private final Consumer<PriorityRing> becameNonEmpty;

    private PriorityRing(MappedRegion region, long base, int capacity, int maxMessageSize, int budget, long self,
            RingSteps.Hook hook, Consumer<PriorityRing> becameNonEmpty) {
        super(region, base, capacity, maxMessageSize, budget, self, hook);
        this.becameNonEmpty = becameNonEmpty;
    }

    /**
     * Lays out an empty ring of {@code capacity} slots for messages of up to
     * {@code maxMessageSize} bytes, at {@code base} in a zero-filled region of at least
     * {@link PriorityRingDescriptor#length} bytes from there. Nobody else may use it yet.
     *
     * @throws IllegalArgumentException for a bad base, size or capacity
     */
    public static PriorityRing initialize(MappedRegion region, long base, int capacity, int maxMessageSize) {
        return initialize(region, base, capacity, maxMessageSize, 0);
    }

    /**
     * Lays out an empty ring as {@link #initialize(MappedRegion, long, int, int)} does, whose
     * queued messages may together hold at most {@code byteBudget} bytes (0: no bound but the
     * slots).
     */
    public static PriorityRing initialize(MappedRegion region, long base, int capacity, int maxMessageSize,
            int byteBudget) {
        if (capacity < 1 || capacity > MAX_CAPACITY || maxMessageSize < 0 || byteBudget < 0
                || (base & (CACHE_LINE - 1)) != 0 || base + length(capacity, maxMessageSize) > region.length()) {
            throw new IllegalArgumentException("a ring of " + capacity + " messages of " + maxMessageSize
                    + " bytes does not fit at " + base + " in a region of " + region.length() + " bytes");
        }
        long home = LIVENESS.namespaces();
        region.putLong(base + HOME_NAMESPACE_OFFSET, home);
        PriorityRing ring = new PriorityRing(region, base, capacity, maxMessageSize, byteBudget,
                LIVENESS.currentProcessWord(home), RingSteps.PAUSE_HOOK, null);
        ring.layOut();
        region.putLong(base + BYTES_OFFSET, 0);
        region.putLong(base + RECOVERED_OFFSET, 0);
        region.putInt(base + CAPACITY_OFFSET, capacity);
        region.putInt(base + MAX_MESSAGE_SIZE_OFFSET, maxMessageSize);
        region.putInt(base + SLOT_SIZE_OFFSET, ring.slotSize);
        region.putInt(base + INDEX_LENGTH_OFFSET, ring.indexLength);
        region.putInt(base + BYTE_BUDGET_OFFSET, byteBudget);
        region.putIntVolatile(base + MAGIC_OFFSET, MAGIC);
        return ring;
    }

    /**
     * Attaches to a ring laid out earlier (by any process) at {@code base}.
     *
     * @param available bytes of the region from {@code base} that the ring may use
     * @param what      the object the ring belongs to, named in messages
     * @throws IpcException CORRUPTED if the words there do not describe a ring that fits
     */
    public static PriorityRing attach(MappedRegion region, long base, long available, String what) {
        return attach(region, base, available, what, null);
    }

    /**
     * Attaches as {@link #attach(MappedRegion, long, long, String)} does, running
     * {@code becameNonEmpty} in the thread that makes the ring go from no message to some: a
     * sender that publishes into an empty ring, or a receiver or recoverer that marks again a
     * priority a sender published into while it was being cleared.
     */
    public static PriorityRing attach(MappedRegion region, long base, long available, String what,
            Consumer<PriorityRing> becameNonEmpty) {
        return attach(region, base, available, what, 0, RingSteps.PAUSE_HOOK, becameNonEmpty);
    }

    /** Attaches as this process with a hook: tests that pause or fail a thread of a live process. */
    static PriorityRing attach(MappedRegion region, long base, long available, String what, RingSteps.Hook hook,
            Consumer<PriorityRing> becameNonEmpty) {
        return attach(region, base, available, what, 0, hook, becameNonEmpty);
    }

    /** Attaches as a given owner (0: this process) with a hook: tests that play a process that dies. */
    static PriorityRing attach(MappedRegion region, long base, long available, String what, long owner,
            RingSteps.Hook hook) {
        return attach(region, base, available, what, owner, hook, null);
    }

    private static PriorityRing attach(MappedRegion region, long base, long available, String what, long owner,
            RingSteps.Hook hook, Consumer<PriorityRing> becameNonEmpty) {
        if ((base & (CACHE_LINE - 1)) != 0 || available < CONTROLS_OFFSET || base + available > region.length()) {
            throw corrupted(what, "has no room for a message ring at " + base);
        }
        if (region.getIntVolatile(base + MAGIC_OFFSET) != MAGIC) {
            throw corrupted(what, "has no initialized message ring of this layout (bad ring magic)");
        }
        int capacity = region.getInt(base + CAPACITY_OFFSET);
        int maxSize = region.getInt(base + MAX_MESSAGE_SIZE_OFFSET);
        int budget = region.getInt(base + BYTE_BUDGET_OFFSET);
        // bounded first, so that the sizes computed from them cannot overflow
        if (capacity < 1 || capacity > MAX_CAPACITY || maxSize < 0 || maxSize > MAX_MESSAGE_SIZE || budget < 0
                || region.getInt(base + INDEX_LENGTH_OFFSET) != indexLength(capacity)
                || region.getInt(base + SLOT_SIZE_OFFSET) != slotSize(maxSize)
                || length(capacity, maxSize) > available) {
            throw corrupted(what, "has an inconsistent message ring (" + capacity + " slots of " + maxSize
                    + " bytes in " + available + " bytes)");
        }
        long self = owner != 0 ? owner
                : LIVENESS.currentProcessWord(region.getLong(base + HOME_NAMESPACE_OFFSET));
        return new PriorityRing(region, base, capacity, maxSize, budget, self, hook, becameNonEmpty);
    }

    private static IpcException corrupted(String what, String problem) {
        return new IpcException(IpcError.CORRUPTED, what + " " + problem);
    }

    /** Message slots. */
    public int capacity() {
        return capacity;
    }

    /** Largest message in bytes. */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** The byte budget, 0 for none. */
    public int byteBudget() {
        return budget;
    }

    /** Encodes a sender for {@link #offer}: the kind's ordinal in the top 8 bits, the id below. */
    public static long sender(ProcessKind kind, long id) {
        return ((long) kind.ordinal() << 56) | (id & ID_MASK);
    }

    /** The region the ring lies in. */
    public MappedRegion region() {
        return region;
    }

    /** The futex sequences and sleeper counts that waiting senders and receivers use. */
    public RingSignals signals() {
        return signals;
    }

    /** Whether no priority is marked non-empty. */
    public boolean isEmpty() {
        return bitmap.isEmpty();
    }

    /**
     * Wakes one more sleeping receiver if a message is queued: called by a receiver that leaves
     * without taking one (too large for it, closed, timed out), since the wake-up it got may have
     * been the only one.
     */
    public void passOnMessage() {
        signals.passOnMessage(!isEmpty());
    }

    // ------------------------------------------------------------------ sending

    /**
     * Sends {@code len} bytes of {@code src} from {@code off} with a priority, if a slot is free.
     *
     * @param priority  0 to 31, checked by the caller
     * @param sender    the sender as {@link #sender(ProcessKind, long)} encodes it
     * @param senderPid the OS process of the sender
     * @return {@link RingStatus#SENT}, {@code SENT_TO_EMPTY}, {@code FULL} or {@code TOO_LARGE}
     */
    public int offer(byte[] src, int off, int len, int priority, long sender, long senderPid) {
        int slot = claim(len, priority, sender, senderPid);
        if (slot < 0) {
            return slot;
        }
        long s = slot(slot);
        try {
            if (hook == null) {
                region.putBytes(s + SLOT_HEADER_SIZE, src, off, len);
            } else {
                int half = len / 2;
                region.putBytes(s + SLOT_HEADER_SIZE, src, off, half);
                step(RingSteps.HALF_WRITTEN);
                region.putBytes(s + SLOT_HEADER_SIZE + half, src, off + half, len - half);
            }
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        return commit(slot, priority);
    }

    /**
     * Sends the remaining bytes of {@code src} with a priority, if a slot is free; the position
     * advances to the limit only if it was sent.
     *
     * @return as {@link #offer(byte[], int, int, int, long, long)}
     */
    public int offer(ByteBuffer src, int priority, long sender, long senderPid) {
        int slot = claim(src.remaining(), priority, sender, senderPid);
        if (slot < 0) {
            return slot;
        }
        try {
            region.putBytes(slot(slot) + SLOT_HEADER_SIZE, src);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        return commit(slot, priority);
    }

    /**
     * Claims a free slot (owning it) for a message of {@code len} bytes, writes its header and
     * reserves its bytes: the first half of {@link #offer}. The caller writes the message at
     * {@link #payload(int)}, then {@linkplain #commit commits} or {@linkplain #abort aborts}; a
     * process that dies holding the claim is recovered as one that died writing a send.
     *
     * @return the slot, {@link RingStatus#FULL} or {@link RingStatus#TOO_LARGE}
     */
    public int claim(int len, int priority, long sender, long senderPid) {
        if (len > maxMessageSize) {
            return RingStatus.TOO_LARGE;
        }
        if (overBudget(len)) {
            sweepIfDue();
            return RingStatus.FULL;
        }
        int slot = take(FREE_RING, -1, null, RingSteps.SLOT_CLAIMED, RingSteps.SLOT_TAKEN);
        if (slot < 0) {
            sweepIfDue();
            return RingStatus.FULL;
        }
        boolean reserved;
        try {
            writeHeader(slot(slot), len, priority, sender, senderPid);
            reserved = budget == 0 || budgetOp(slot, OP_RESERVE, len);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        if (!reserved) {
            release(slot, FREE_RING);
            sweepIfDue();
            return RingStatus.FULL;
        }
        return slot;
    }

    /**
     * Publishes a slot this thread claimed, the second half of {@link #offer}.
     *
     * @return {@link RingStatus#SENT} or {@link RingStatus#SENT_TO_EMPTY}
     */
    public int commit(int slot, int priority) {
        long s = slot(slot);
        try {
            enqueue(1 + priority, slot, RingSteps.PUBLISHED);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        region.putLongRelease(s + SLOT_OWNER_OFFSET, 0);
        boolean toEmpty = mark(priority);
        signals.signalMessage();
        return toEmpty ? RingStatus.SENT_TO_EMPTY : RingStatus.SENT;
    }

    /** Gives a slot this thread claimed back unsent, with the {@code len} bytes it reserved. */
    public void abort(int slot, int len) {
        free(slot, len);
    }

    /** Where the bytes of a slot's message start in {@link #region()}. */
    public long payload(int slot) {
        return slot(slot) + SLOT_HEADER_SIZE;
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Receives the next message into {@code dst} from {@code off}, at most {@code len} bytes.
     *
     * @param info filled with the message's length, priority and sender (also when it is too
     *             large); may be null
     * @return the message's length, {@link RingStatus#EMPTY}, or {@link RingStatus#TOO_LARGE}
     *         (the message stays)
     */
    public int poll(byte[] dst, int off, int len, MessageInfo info) {
        int slot = takeMessage(len, info);
        if (slot < 0) {
            return slot;
        }
        long s = slot(slot);
        int length = region.getInt(s + SLOT_LENGTH_OFFSET);
        int priority = region.getInt(s + SLOT_PRIORITY_OFFSET);
        checkTaken(slot, length, priority, len);
        try {
            region.getBytes(s + SLOT_HEADER_SIZE, dst, off, length);
            describe(s, length, priority, info);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        free(slot, length);
        return length;
    }

    /**
     * Receives the next message into {@code dst} at its position, which advances by the length.
     *
     * @return as {@link #poll(byte[], int, int, MessageInfo)}; the buffer is unchanged unless a
     *         message was received
     */
    public int poll(ByteBuffer dst, MessageInfo info) {
        int slot = takeMessage(dst.remaining(), info);
        if (slot < 0) {
            return slot;
        }
        long s = slot(slot);
        int length = region.getInt(s + SLOT_LENGTH_OFFSET);
        int priority = region.getInt(s + SLOT_PRIORITY_OFFSET);
        checkTaken(slot, length, priority, dst.remaining());
        int limit = dst.limit();
        try {
            dst.limit(dst.position() + length);
            region.getBytes(s + SLOT_HEADER_SIZE, dst);
            describe(s, length, priority, info);
        } catch (Throwable t) {
            throw abandon(slot, t);
        } finally {
            dst.limit(limit);
        }
        free(slot, length);
        return length;
    }

    /**
     * Takes the next message to be read in place at {@link #payload(int)}: the slot stays this
     * thread's until {@link #consumed}, and {@code info} holds its checked length, priority and
     * sender.
     *
     * @return the slot, or {@link RingStatus#EMPTY}
     * @throws IpcException CORRUPTED for a length or priority no sender can write (the message
     *                      is dropped)
     */
    public int take(MessageInfo info) {
        int slot = takeMessage(-1, info);
        if (slot < 0) {
            return slot;
        }
        long s = slot(slot);
        int length = region.getInt(s + SLOT_LENGTH_OFFSET);
        int priority = region.getInt(s + SLOT_PRIORITY_OFFSET);
        checkTaken(slot, length, priority, maxMessageSize);
        try {
            describe(s, length, priority, info);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        return slot;
    }

    /** Frees a slot {@link #take} returned, once its {@code length} bytes were read. */
    public void consumed(int slot, int length) {
        free(slot, length);
    }

    /**
     * Takes (owning it) the head slot of the highest non-empty priority, or returns EMPTY or
     * TOO_LARGE (with {@code info} describing the message that stays).
     */
    private int takeMessage(int maxLength, MessageInfo info) {
        int marked = bitmap.read();
        while (marked != 0) {
            int p = 31 - Integer.numberOfLeadingZeros(marked);
            int r = take(1 + p, maxLength, info, RingSteps.MESSAGE_CLAIMED, RingSteps.MESSAGE_TAKEN);
            if (r >= 0) {
                try {
                    clearIfEmpty(p);
                } catch (Throwable t) {
                    throw abandon(r, t);
                }
                return r;
            }
            if (r == RingStatus.TOO_LARGE) {
                return r;
            }
            if (r == RingStatus.EMPTY) {
                clearIfEmpty(p);
            }
            marked &= ~(1 << p); // EMPTY, or BUSY: held up by a live owner
        }
        return RingStatus.EMPTY;
    }

    /**
     * Checks the length and priority of a message just taken (words another process may have
     * written anything into); a message that cannot be true is dropped, its slot freed.
     *
     * @throws IpcException CORRUPTED if the length is negative or beyond the message size or the
     *                      room looked at, or the priority outside 0..31
     */
    private void checkTaken(int slot, int length, int priority, int room) {
        if (length < 0 || length > maxMessageSize || length > room || priority < 0 || priority >= PRIORITIES) {
            free(slot, length);
            throw new IpcException(IpcError.CORRUPTED, "message ring held a message of " + length
                    + " bytes at priority " + priority + " (largest " + maxMessageSize + " bytes, room for " + room
                    + "); it was dropped");
        }
    }

    /** Gives a received slot's bytes back and returns it to the free ring. */
    private void free(int slot, int length) {
        try {
            giveBack(slot, length);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        release(slot, FREE_RING);
    }

    // ------------------------------------------------------------------ the bitmap

    /**
     * Clears priority p's bit if its ring is empty, then sets it again if a sender raced in: that
     * sender found the bit still set, so if the bitmap is empty now this thread makes the ring
     * non-empty on its behalf, and wakes a sleeper on its behalf too: a receiver that counted
     * itself in may have read the bitmap while it was clear, and the sender did not see it.
     */
    private void clearIfEmpty(int p) {
        if (ringEmpty(1 + p)) {
            step(RingSteps.EMPTY_SEEN);
            bitmap.clear(p);
            if (!ringEmpty(1 + p)) {
                mark(p);
                signals.signalMessage();
            }
        }
    }

    @Override
    boolean mark(int p) {
        boolean toEmpty = bitmap.set(p) == 0;
        if (toEmpty && becameNonEmpty != null) {
            becameNonEmpty.accept(this);
        }
        return toEmpty;
    }
}
