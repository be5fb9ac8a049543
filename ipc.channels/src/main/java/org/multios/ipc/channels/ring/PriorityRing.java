package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.PriorityRingDescriptor.*;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

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
 * the operations over the layers under it (see the package documentation); outcomes are
 * {@link RingStatus} codes.
 *
 * <p><b>Sending</b> claims the slot at the head of the free ring (FULL at once if there is none,
 * or if the byte budget has no room), writes the message into it, then publishes the index on
 * its priority's ring, marks the priority and signals a sleeping receiver. <b>Receiving</b>
 * takes the head index of the highest marked priority, reads the message, and frees the slot
 * (signalling a sleeping sender). The head message's length is read before it is taken, so one
 * longer than the buffer stays queued (TOO_LARGE). {@link #claim}/{@link #commit} and
 * {@link #take}/{@link #consumed} are the halves of a send and a receive with the caller writing
 * or reading the slot in between. A receiver that briefly clears the mark of a priority a sender
 * published into meanwhile marks it again and signals on the sender's behalf
 * ({@link SlotTransfers}). An attachment that keeps marks
 * (channels, {@link #attachKeepingMarks}) leaves the mark after the last message, so that
 * a sender and a receiver meeting at an empty ring message after message do not trade the
 * bitmap's line.
 *
 * <p><b>Processes that die</b> (SIGKILL) at any instruction leave the ring usable, with no
 * message delivered half-written and no message lost whose send had returned
 * ({@link IndexRings}, {@link SlotRecovery}, {@link ByteBudget}). A live owner stopped (SIGSTOP)
 * on the head slot of a ring holds that ring up; after {@link SlotRecovery#GIVE_UP_NANOS} a try
 * reports EMPTY or FULL and the caller's wait loop tries again; one merely descheduled never
 * makes a try fail. A receiver killed while it copies a message out loses that message, as a
 * POSIX receiver killed after its receive would, except in a ring with checksums (durable
 * queues), where it is received again. <b>Hostile writers</b>: loops are bounded, a
 * taken message's length and priority are checked before its bytes are copied (a bad one is
 * dropped with CORRUPTED), and {@link #attach} refuses sizes that could overflow.
 *
 * <p>The hot paths allocate nothing and return status codes; misuse (a bad range or priority)
 * is the caller's to check. Not tied to any API: message queues and channels build on it.
 */
public final class PriorityRing extends SlotTransfers implements MessageRing {
    /** Largest message size {@link #attach} accepts: its slot size still fits an int. */
    private static final int MAX_MESSAGE_SIZE = Integer.MAX_VALUE - SLOT_HEADER_SIZE - 8;

    private final Consumer<PriorityRing> becameNonEmpty;
    private final boolean keepsMarks;

    private PriorityRing(MappedRegion region, long base, int capacity, int maxMessageSize, int budget,
            int freeScale, long self, RingSteps.Hook hook, LongSupplier sweepClock,
            Consumer<PriorityRing> becameNonEmpty, boolean keepsMarks) {
        super(region, base, capacity, maxMessageSize, budget, freeScale, self, hook, sweepClock);
        this.becameNonEmpty = becameNonEmpty;
        this.keepsMarks = keepsMarks;
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
        return initialize(region, base, capacity, maxMessageSize, byteBudget, false);
    }

    /**
     * Lays out an empty ring as {@link #initialize(MappedRegion, long, int, int, int)} does,
     * whose slots carry a checksum with {@code checksums} ({@link PriorityRingDescriptor},
     * "Checksums").
     */
    public static PriorityRing initialize(MappedRegion region, long base, int capacity, int maxMessageSize,
            int byteBudget, boolean checksums) {
        return initialize(region, base, capacity, maxMessageSize, byteBudget, checksums, FREE_SCALE);
    }

    /**
     * Lays out an empty ring as {@link #initialize(MappedRegion, long, int, int, int, boolean)}
     * does, whose free ring has {@code freeScale} times a priority's entries under the magic that
     * says so ({@link PriorityRingDescriptor#freeScale}): {@link PriorityRingDescriptor#FREE_SCALE}
     * for a ring of this layout; {@link PriorityRingDescriptor#FREE_SCALE_PRN3} lays out a ring of
     * the layout before, word for word (files of earlier builds, as tests make them).
     */
    public static PriorityRing initialize(MappedRegion region, long base, int capacity, int maxMessageSize,
            int byteBudget, boolean checksums, int freeScale) {
        if (capacity < 1 || capacity > MAX_CAPACITY || maxMessageSize < 0 || byteBudget < 0
                || (freeScale != FREE_SCALE && freeScale != FREE_SCALE_PRN3) || (base & (CACHE_LINE - 1)) != 0
                || base + length(capacity, maxMessageSize, freeScale) > region.length()) {
            throw new IllegalArgumentException("a ring of " + capacity + " messages of " + maxMessageSize
                    + " bytes does not fit at " + base + " in a region of " + region.length() + " bytes");
        }
        long home = LIVENESS.namespaces();
        region.putLong(base + HOME_NAMESPACE_OFFSET, home);
        region.putInt(base + CHECKSUMS_OFFSET, checksums ? 1 : 0);
        PriorityRing ring = new PriorityRing(region, base, capacity, maxMessageSize, byteBudget, freeScale,
                LIVENESS.currentProcessWord(home), RingSteps.PAUSE_HOOK, System::nanoTime, null, false);
        ring.layOut();
        region.putLong(base + BYTES_OFFSET, 0);
        region.putLong(base + RECOVERED_OFFSET, 0);
        region.putInt(base + CAPACITY_OFFSET, capacity);
        region.putInt(base + MAX_MESSAGE_SIZE_OFFSET, maxMessageSize);
        region.putInt(base + SLOT_SIZE_OFFSET, ring.slotSize);
        region.putInt(base + INDEX_LENGTH_OFFSET, ring.indexLength);
        region.putInt(base + BYTE_BUDGET_OFFSET, byteBudget);
        region.putIntVolatile(base + MAGIC_OFFSET, magic(freeScale));
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
        return attach(region, base, available, what, System::nanoTime);
    }

    /**
     * Attaches as {@link #attach(MappedRegion, long, long, String)} does, an attachment that
     * {@linkplain SlotTransfers#keepsMarks() keeps marks}: its receivers leave a priority marked
     * after its last message, so its sends report {@link RingStatus#SENT}, never
     * {@link RingStatus#SENT_TO_EMPTY}, and its {@link #isEmpty()} looks at the marked rings.
     */
    public static PriorityRing attachKeepingMarks(MappedRegion region, long base, long available, String what) {
        return attach(region, base, available, what, 0, RingSteps.PAUSE_HOOK, System::nanoTime, null, true);
    }

    /**
     * Attaches as {@link #attach(MappedRegion, long, long, String)} does, running
     * {@code becameNonEmpty} in the thread that makes the ring go from no message to some: a
     * sender that publishes into an empty ring, or a receiver or recoverer that marks again a
     * priority a sender published into while it was being cleared.
     */
    public static PriorityRing attach(MappedRegion region, long base, long available, String what,
            Consumer<PriorityRing> becameNonEmpty) {
        return attach(region, base, available, what, 0, RingSteps.PAUSE_HOOK, System::nanoTime, becameNonEmpty,
                false);
    }

    /**
     * Attaches as this process whose sweeps for dead owners fall due by {@code sweepClock} (nanoseconds)
     * instead of {@link System#nanoTime}: tests that advance time rather than sleep.
     */
    static PriorityRing attach(MappedRegion region, long base, long available, String what, LongSupplier sweepClock) {
        return attach(region, base, available, what, 0, RingSteps.PAUSE_HOOK, sweepClock, null, false);
    }

    /** Attaches as this process with a hook: tests that pause or fail a thread of a live process. */
    static PriorityRing attach(MappedRegion region, long base, long available, String what, RingSteps.Hook hook,
            Consumer<PriorityRing> becameNonEmpty) {
        return attach(region, base, available, what, 0, hook, System::nanoTime, becameNonEmpty, false);
    }

    /** Attaches as a given owner (0: this process) with a hook: tests that play a process that dies. */
    static PriorityRing attach(MappedRegion region, long base, long available, String what, long owner,
            RingSteps.Hook hook) {
        return attach(region, base, available, what, owner, hook, System::nanoTime, null, false);
    }

    private static PriorityRing attach(MappedRegion region, long base, long available, String what, long owner,
            RingSteps.Hook hook, LongSupplier sweepClock, Consumer<PriorityRing> becameNonEmpty, boolean keepsMarks) {
        if ((base & (CACHE_LINE - 1)) != 0 || available < CONTROLS_OFFSET || base + available > region.length()) {
            throw corrupted(what, "has no room for a message ring at " + base);
        }
        int magic = region.getIntVolatile(base + MAGIC_OFFSET);
        int freeScale = freeScale(magic);
        if (freeScale == 0) {
            throw corrupted(what, "has no initialized message ring of a known layout (ring magic 0x"
                    + Integer.toHexString(magic) + "; this platform reads 0x" + Integer.toHexString(MAGIC)
                    + " and 0x" + Integer.toHexString(MAGIC_PRN3) + ")");
        }
        int capacity = region.getInt(base + CAPACITY_OFFSET);
        int maxSize = region.getInt(base + MAX_MESSAGE_SIZE_OFFSET);
        int budget = region.getInt(base + BYTE_BUDGET_OFFSET);
        // bounded first, so that the sizes computed from them cannot overflow
        if (capacity < 1 || capacity > MAX_CAPACITY || maxSize < 0 || maxSize > MAX_MESSAGE_SIZE || budget < 0
                || region.getInt(base + INDEX_LENGTH_OFFSET) != indexLength(capacity)
                || region.getInt(base + SLOT_SIZE_OFFSET) != slotSize(maxSize)
                || length(capacity, maxSize, freeScale) > available) {
            throw corrupted(what, "has an inconsistent message ring (" + capacity + " slots of " + maxSize
                    + " bytes in " + available + " bytes)");
        }
        long self = owner != 0 ? owner
                : LIVENESS.currentProcessWord(region.getLong(base + HOME_NAMESPACE_OFFSET));
        return new PriorityRing(region, base, capacity, maxSize, budget, freeScale, self, hook, sweepClock,
                becameNonEmpty, keepsMarks);
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

    /**
     * The free ring's entries per entry of a priority's ring, as the ring's magic says
     * ({@link PriorityRingDescriptor#freeScale}): 2 in a ring of this layout, 1 in a PRN3 ring.
     */
    public int freeRingScale() {
        return freeLength / indexLength;
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

    /**
     * Whether no message is queued: no priority is marked non-empty, or (an attachment that
     * {@linkplain #attachKeepingMarks keeps marks}) no marked priority's ring holds one.
     */
    public boolean isEmpty() {
        return keepsMarks ? markedRingsEmpty() : bitmap.isEmpty();
    }

    /**
     * Messages on the rings of the priorities marked in the bitmap now, 0 to capacity: what
     * {@link #size()} counts, less messages whose sender has not marked their priority yet (it
     * counts them itself after it marked), reading the bitmap and the marked rings only.
     */
    public int markedSize() {
        int marked = bitmap.read();
        long n = 0;
        while (marked != 0) {
            int p = 31 - Integer.numberOfLeadingZeros(marked);
            marked &= ~(1 << p);
            long c = control(1 + p);
            n += words.getLongVolatile(c + TAIL_OFFSET) - words.getLongVolatile(c + HEAD_OFFSET);
        }
        return (int) Math.max(0, Math.min(capacity, n));
    }

    /**
     * Whether the rings of the priorities marked in the bitmap now hold at most {@code limit}
     * messages together, as the entries just behind their tails show
     * ({@link IndexRings#depthNearTail}; false also when they cannot tell): what
     * {@link #markedSize()} {@code <= limit} answers, for a small limit, without the heads the
     * receivers write at every message. After a send, the entries it reads lie beside the one the
     * send filled.
     */
    public boolean markedDepthAtMost(int limit) {
        int marked = bitmap.read();
        int left = limit;
        while (marked != 0) {
            int p = 31 - Integer.numberOfLeadingZeros(marked);
            marked &= ~(1 << p);
            int n = depthNearTail(1 + p, left);
            if (n < 0) {
                return false;
            }
            left -= n;
        }
        return true;
    }

    /**
     * Slots ever taken off the free ring (its head position): once a send returned, its own slot
     * is among them. With {@link #slotsGivenBack()}, a bound of the depth ({@link DepthMark}).
     */
    public long slotsTaken() {
        return words.getLongVolatile(control(FREE_RING) + HEAD_OFFSET);
    }

    /** Slots ever put back on the free ring, at least (its tail position less the capacity). */
    public long slotsGivenBack() {
        return words.getLongVolatile(control(FREE_RING) + TAIL_OFFSET) - capacity;
    }

    /**
     * Whether at least {@code n} slots were ever put back on the free ring, as the entry of the
     * free-ring position that the {@code n}th give-back filled shows ({@link IndexRings#filled}):
     * what {@link #slotsGivenBack()} answers from the free ring's tail, which the receivers write
     * at every message, read instead from one entry, which they write once a lap.
     */
    public boolean givenBackAtLeast(long n) {
        return n <= 0 || filled(FREE_RING, capacity + n - 1);
    }

    @Override
    boolean keepsMarks() {
        return keepsMarks;
    }

    /**
     * Wakes one more sleeping receiver if a message is queued: called by a receiver that leaves
     * without taking one (too large for it, closed, timed out), since the wake-up it got may have
     * been the only one.
     */
    public void passOnMessage() {
        boolean queued;
        try {
            queued = !isEmpty();
        } catch (IpcException corrupted) {
            queued = true; // a ring overwritten by another process: one wake-up too many costs nothing
        }
        signals.passOnMessage(queued);
    }

    /** False: every change a waiter waits for is made with a compare-and-set, a fence of its own. */
    @Override
    public boolean settleBeforeSleep() {
        return false;
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
        int length = checkTaken(slot, len, info);
        try {
            region.getBytes(payload(slot), dst, off, length);
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
        int length = checkTaken(slot, dst.remaining(), info);
        int limit = dst.limit();
        try {
            dst.limit(dst.position() + length);
            region.getBytes(payload(slot), dst);
        } catch (Throwable t) {
            throw abandon(slot, t);
        } finally {
            dst.limit(limit);
        }
        free(slot, length);
        return length;
    }

    @Override
    public boolean countsQueued() {
        return true;
    }

    // ------------------------------------------------------------------ in place, as MessageRing: a slot

    @Override
    public long claimInPlace(int len, int priority, long sender, long senderPid) {
        return claimCleared(len, priority, sender, senderPid);
    }

    @Override
    public long payloadOf(long slot) {
        return payload((int) slot);
    }

    @Override
    public void commitInPlace(long slot, int priority) {
        commit((int) slot, priority);
    }

    @Override
    public void abortInPlace(long slot, int len) {
        abort((int) slot, len);
    }

    @Override
    public long takeInPlace(MessageInfo info) {
        return take(info);
    }

    @Override
    public void consumedInPlace(long slot, int length) {
        consumed((int) slot, length);
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
