package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.PriorityRingDescriptor.*;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;

/**
 * A bounded, lock-free, multi-process priority message ring: a flyweight over a
 * {@link MappedRegion} at a base offset, laid out as {@link PriorityRingDescriptor} describes.
 * Messages are received highest priority first, first in first out within a priority; any
 * number of threads in any number of processes may send and receive at once.
 *
 * <p><b>Sending</b> takes the slot at the head of the free ring (and fails at once with
 * {@link #FULL} if there is none, or if the byte budget has no room), copies the message into
 * the slot, then publishes the index on its priority's ring, marks the priority in the bitmap,
 * and, if a receiver sleeps, bumps the message-available sequence and wakes one.
 * <b>Receiving</b> looks at the priorities from the highest set bit down, takes the head index of
 * the first non-empty ring, copies the message out into the caller's buffer, returns the slot to
 * the free ring and, if a sender sleeps, bumps the space-available sequence and wakes it. The
 * length of the head message is read before it is taken, so a message longer than the buffer
 * stays queued ({@link #TOO_LARGE}). In place: {@link #claim} and {@link #commit} are the two
 * halves of a send with the caller writing the slot between them ({@link #abort} frees it
 * unsent), and {@link #take} and {@link #consumed} the two halves of a receive with the caller
 * reading the slot between them; ownership, budget and recovery are those of a send and a
 * receive.
 *
 * <p><b>Waiting.</b> A thread that found nothing first idles without telling anyone (its
 * {@link org.multios.ipc.WaitStrategy}); only then does it count itself in
 * ({@link #receiversSleeping(int)}, {@link #sendersSleeping(int)}), and from then on, at every
 * pass, it reads the sequence, tries again, and sleeps on the futex of the sequence while it is
 * unchanged. Whoever makes a message (or space) visible writes the ring word first and reads the
 * sleeper count after; it bumps the sequence and wakes only if the count is not zero. Both
 * sides write one word and read the other, all sequentially consistent (volatile and CAS): either
 * the signaller sees the sleeper, bumps and wakes it (a sleep that had not started yet finds the
 * sequence changed), or the sleeper's try after counting in sees the message. A receiver that
 * briefly clears the bitmap of a priority a sender published into meanwhile sets it again and
 * signals on the sender's behalf ({@link #clearIfEmpty}). Nobody sleeping: no shared write, no
 * system call.
 *
 * <p><b>Processes that die</b> (SIGKILL) at any instruction leave the ring usable, with no
 * message delivered half-written and no message lost whose send had returned:
 * <ul>
 * <li>claiming a position of an index ring and publishing it are one compare-and-set of the
 * entry word; head and tail are hints that others advance, so no position is left claimed but
 * unpublished;</li>
 * <li>a slot is moved from ring to ring only by the process whose pid and start tick are in the
 * slot's owner word; a slot whose owner is dead for certain ({@link ProcessLiveness}) is
 * recovered: left where it is if a ring holds its index (a message published whole, or a free
 * slot), else returned to the free ring (a message its sender died writing, never published, or
 * one its receiver died taking). A
 * thread that meets a foreign owner on the head slot spins, then yields, and once
 * {@link #LIVENESS_CHECK_NANOS} went by checks the owner's liveness now and then; a sender that finds no free slot looks for slots
 * of dead owners at most every {@link #SWEEP_INTERVAL_NANOS} ({@link #recover()} does it on
 * demand);</li>
 * <li>the byte budget's pending op names its slot, so a recoverer can complete it.</li>
 * </ul>
 * A live owner that is stopped (SIGSTOP) while it holds the head slot of a ring holds that ring
 * up; after {@link #GIVE_UP_NANOS} a try reports {@link #EMPTY} or {@link #FULL} and the caller's
 * wait loop tries again. A live owner merely descheduled never makes a try fail: enqueuing
 * never waits (an intact index ring has room for every slot and its tail hint lags by at most
 * one filled entry), and a take waits for a live owner up to that second. A receiver killed while
 * it copies a message out loses that message (it had taken it), as a POSIX receiver killed after
 * its receive would.
 *
 * <p><b>Hostile writers.</b> Another process may write anything into the file. No loop here
 * spins forever on such words: waits on an owner are bounded by time, passes over entries by
 * {@link #LOOP_LIMIT}, and states an intact ring cannot show (an entry a lap behind an unmoved
 * head or tail, a slot index beyond the capacity) give {@link IpcError#CORRUPTED}. A taken
 * message's length and priority are checked before its bytes are copied (a bad one is dropped
 * with CORRUPTED), lengths given back to the byte budget are clamped, an owner word naming no
 * process counts as dead (one naming a live process, or a foreign one, holds a ring up
 * for at most {@link #GIVE_UP_NANOS} a try), and {@link #attach} refuses sizes that could overflow.
 *
 * <p>The hot paths allocate nothing and return status codes; misuse (a bad range or priority)
 * is the caller's to check. Not tied to any API: message queues and channels build on it.
 */
public final class PriorityRing {
    /** {@link #offer} status: sent. */
    public static final int SENT = 0;
    /** {@link #offer} status: sent, and no priority was marked non-empty before. */
    public static final int SENT_TO_EMPTY = 1;
    /** {@link #offer} status: no free slot, or no room in the byte budget. */
    public static final int FULL = -1;
    /** {@link #poll} status: no message. */
    public static final int EMPTY = -1;
    /** {@link #poll} and {@link #offer} status: the message does not fit. */
    public static final int TOO_LARGE = -2;

    /** A thread held up by a foreign slot owner checks its liveness this often. */
    public static final long LIVENESS_CHECK_NANOS = 1_000_000L;
    /**
     * A try held up this long by a live slot owner gives up with EMPTY or FULL (a taker or a
     * sender descheduled for a while must not make others fail; only a stopped or hostile one
     * holds a ring up that long).
     */
    public static final long GIVE_UP_NANOS = 1_000_000_000L;
    /** A sender finding no free slot looks for slots of dead owners at most this often. */
    public static final long SWEEP_INTERVAL_NANOS = 10_000_000L;

    /**
     * System property (test and diagnosis only): a sender pauses this many microseconds, at
     * random, inside the windows between taking a slot and publishing it, so that a kill lands
     * there. 0 or absent: no pause (the hook is null and costs nothing).
     */
    public static final String CRASH_WINDOW_PAUSE_PROPERTY = "org.multios.ipc.ring.crashWindowPauseMicros";

    // steps at which a test hook is called
    static final int STEP_SLOT_CLAIMED = 1;
    static final int STEP_SLOT_TAKEN = 2;
    static final int STEP_BYTES_PENDING = 3;
    static final int STEP_HALF_WRITTEN = 4;
    static final int STEP_PUBLISHED = 5;
    static final int STEP_MESSAGE_CLAIMED = 6;
    static final int STEP_MESSAGE_TAKEN = 7;
    static final int STEP_GIVE_BACK_PENDING = 8;
    static final int STEP_EMPTY_SEEN = 9;

    /** Called at each step of a send or receive: test and diagnosis only. */
    interface Hook {
        void at(int step);
    }

    private static final ProcessKind[] KINDS = ProcessKind.values();
    private static final long ID_MASK = (1L << 56) - 1;
    private static final long SLOT_MASK = ENTRY_FULL - 1;
    private static final int BUSY = -2;
    private static final int SPINS = 128;
    /** A thread held up by a slot owner yields this long, then parks {@link #PARK_NANOS} a pass. */
    private static final long YIELD_NANOS = 10_000_000L;
    private static final long PARK_NANOS = 50_000L;
    /**
     * Most passes a ring operation makes over words that show no progress of its own before it
     * calls the ring corrupted: an intact ring needs a pass per competing thread that beat it.
     */
    static final int LOOP_LIMIT = 1 << 20;
    /** Largest message size {@link #attach} accepts: its slot size still fits an int. */
    private static final int MAX_MESSAGE_SIZE = Integer.MAX_VALUE - SLOT_HEADER_SIZE - 8;
    private static final int OP_RESERVE = 0;
    private static final int OP_GIVE_BACK = 1;
    private static final Hook PAUSE_HOOK = pauseHook(Long.getLong(CRASH_WINDOW_PAUSE_PROPERTY, 0L));
    private static final ProcessLiveness LIVENESS = ProcessLiveness.system();

    private final MappedRegion region;
    private final long base;
    private final int capacity;
    private final int maxMessageSize;
    private final int slotSize;
    private final int indexLength;
    private final long mask;
    private final int lapShift;
    private final long slots;
    private final int budget;
    private final long self;
    private final long home;
    private final Hook hook;
    private final Consumer<PriorityRing> becameNonEmpty;
    private long nextSweep = System.nanoTime();

    private PriorityRing(MappedRegion region, long base, int capacity, int maxMessageSize, int budget, long self,
            Hook hook, Consumer<PriorityRing> becameNonEmpty) {
        this.region = region;
        this.base = base;
        this.capacity = capacity;
        this.maxMessageSize = maxMessageSize;
        this.slotSize = slotSize(maxMessageSize);
        this.indexLength = indexLength(capacity);
        this.mask = indexLength - 1;
        this.lapShift = Integer.numberOfTrailingZeros(indexLength);
        this.slots = base + slotsOffset(capacity);
        this.budget = budget;
        this.self = self;
        this.home = region.getLong(base + HOME_NAMESPACE_OFFSET);
        this.hook = hook;
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
                LIVENESS.currentProcessWord(home), PAUSE_HOOK, null);
        for (int r = 0; r < INDEX_RINGS; r++) {
            for (int i = 0; i < ring.indexLength; i++) {
                region.putLong(ring.entry(r, i), ring.freeWord(i));
            }
            region.putLong(ring.control(r) + TAIL_OFFSET, 0);
            region.putLong(ring.control(r) + HEAD_OFFSET, 0);
        }
        for (int slot = 0; slot < capacity; slot++) {
            region.putLong(ring.entry(FREE_RING, slot), ring.fullWord(slot, slot));
            region.putLong(ring.slot(slot) + SLOT_OWNER_OFFSET, 0);
            region.putInt(ring.slot(slot) + SLOT_BUDGETED_OFFSET, 0);
        }
        region.putLong(ring.control(FREE_RING) + TAIL_OFFSET, capacity);
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
        return attach(region, base, available, what, 0, PAUSE_HOOK, becameNonEmpty);
    }

    /** Attaches as this process with a hook: tests that pause or fail a thread of a live process. */
    static PriorityRing attach(MappedRegion region, long base, long available, String what, Hook hook,
            Consumer<PriorityRing> becameNonEmpty) {
        return attach(region, base, available, what, 0, hook, becameNonEmpty);
    }

    /** Attaches as a given owner (0: this process) with a hook: tests that play a process that dies. */
    static PriorityRing attach(MappedRegion region, long base, long available, String what, long owner, Hook hook) {
        return attach(region, base, available, what, owner, hook, null);
    }

    private static PriorityRing attach(MappedRegion region, long base, long available, String what, long owner,
            Hook hook, Consumer<PriorityRing> becameNonEmpty) {
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

    /** Bytes of the messages queued now (and of sends under way), with a byte budget. */
    public long bytesQueued() {
        return region.getLongVolatile(base + BYTES_OFFSET) & 0xffff_ffffL;
    }

    /**
     * Slots recovered since the ring was made, in every process: from dead owners, and from
     * threads that threw while they held them.
     */
    public long recoveredSlots() {
        return region.getLongVolatile(base + RECOVERED_OFFSET);
    }

    /** Encodes a sender for {@link #offer}: the kind's ordinal in the top 8 bits, the id below. */
    public static long sender(ProcessKind kind, long id) {
        return ((long) kind.ordinal() << 56) | (id & ID_MASK);
    }

    /**
     * The owner word this attachment writes: this process, for the ring's home namespaces. Other
     * records of the file that name a process (a queue's listener) use it too.
     */
    public long ownerWord() {
        return self;
    }

    /**
     * Whether the process of an owner word written by {@link #ownerWord()} (in any process) is
     * dead for certain, as {@link ProcessLiveness} and the ring's home namespace decide.
     */
    public boolean isOwnerDead(long owner) {
        return LIVENESS.isOwnerDead(owner, home);
    }

    private static Hook pauseHook(long micros) {
        if (micros <= 0) {
            return null;
        }
        return step -> {
            if (step <= STEP_PUBLISHED && ThreadLocalRandom.current().nextInt(4) == 0) {
                LockSupport.parkNanos(micros * 1000);
            }
        };
    }

    private void step(int step) {
        if (hook != null) {
            hook.at(step);
        }
    }

    // ------------------------------------------------------------------ sending

    /**
     * Sends {@code len} bytes of {@code src} from {@code off} with a priority, if a slot is free.
     *
     * @param priority  0 to 31, checked by the caller
     * @param sender    the sender as {@link #sender(ProcessKind, long)} encodes it
     * @param senderPid the OS process of the sender
     * @return {@link #SENT}, {@link #SENT_TO_EMPTY}, {@link #FULL} or {@link #TOO_LARGE}
     */
    public int offer(byte[] src, int off, int len, int priority, long sender, long senderPid) {
        int slot = claimFree(len, priority, sender, senderPid);
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
                step(STEP_HALF_WRITTEN);
                region.putBytes(s + SLOT_HEADER_SIZE + half, src, off + half, len - half);
            }
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        return publish(slot, priority);
    }

    /**
     * Sends the remaining bytes of {@code src} with a priority, if a slot is free; the position
     * advances to the limit only if it was sent.
     *
     * @return as {@link #offer(byte[], int, int, int, long, long)}
     */
    public int offer(ByteBuffer src, int priority, long sender, long senderPid) {
        int slot = claimFree(src.remaining(), priority, sender, senderPid);
        if (slot < 0) {
            return slot;
        }
        try {
            region.putBytes(slot(slot) + SLOT_HEADER_SIZE, src);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        return publish(slot, priority);
    }

    /** Takes a free slot (owning it), writes its header and reserves its bytes; or a status. */
    private int claimFree(int len, int priority, long sender, long senderPid) {
        if (len > maxMessageSize) {
            return TOO_LARGE;
        }
        if (budget > 0 && bytesQueued() + len > budget) {
            maybeSweep();
            return FULL;
        }
        int slot = take(FREE_RING, -1, STEP_SLOT_CLAIMED, STEP_SLOT_TAKEN);
        if (slot < 0) {
            maybeSweep();
            return FULL;
        }
        boolean reserved;
        try {
            long s = slot(slot);
            region.putInt(s + SLOT_LENGTH_OFFSET, len);
            region.putInt(s + SLOT_PRIORITY_OFFSET, priority);
            region.putLong(s + SLOT_SENDER_OFFSET, sender);
            region.putLong(s + SLOT_SENDER_PID_OFFSET, senderPid);
            reserved = budget == 0 || budgetOp(slot, OP_RESERVE, len);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        if (!reserved) {
            release(slot, FREE_RING);
            maybeSweep();
            return FULL;
        }
        return slot;
    }

    private int publish(int slot, int priority) {
        long s = slot(slot);
        try {
            enqueue(1 + priority, slot, STEP_PUBLISHED);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        region.putLongRelease(s + SLOT_OWNER_OFFSET, 0);
        boolean toEmpty = mark(priority);
        signalMessage();
        return toEmpty ? SENT_TO_EMPTY : SENT;
    }

    /**
     * Gives up a slot this thread owns and was using when it threw, as the recovery of a dead
     * owner does (a message published stays, anything else goes back to the free ring with its
     * bytes): called only between claiming a slot and releasing it, so the slot is still this
     * thread's even though the owner word names only the process.
     *
     * @return the throwable, unchecked, to rethrow
     */
    private RuntimeException abandon(int slot, Throwable thrown) {
        try {
            repair(slot, self);
        } catch (Throwable again) {
            thrown.addSuppressed(again);
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        return thrown instanceof RuntimeException r ? r : new IllegalStateException(thrown);
    }

    /**
     * Tells sleeping receivers a message is there: bumps the sequence they sleep on and wakes one,
     * only if some are counted in (see "Waiting" in the class comment), so a send to a receiver
     * that spins or is busy costs no shared write and no system call.
     */
    private void signalMessage() {
        if (region.getIntVolatile(base + RECEIVERS_SLEEPING_OFFSET) > 0) {
            region.getAndAddInt(base + AVAILABLE_SEQUENCE_OFFSET, 1);
            Futex.wake(region, base + AVAILABLE_SEQUENCE_OFFSET, 1);
        }
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Receives the next message into {@code dst} from {@code off}, at most {@code len} bytes.
     *
     * @param info filled with the message's length, priority and sender (also when it is too
     *             large); may be null
     * @return the message's length, {@link #EMPTY}, or {@link #TOO_LARGE} (the message stays)
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

    /** Takes (owning it) the head slot of the highest non-empty priority, or returns a status. */
    private int takeMessage(int maxLength, MessageInfo info) {
        int bitmap = region.getIntVolatile(base + BITMAP_OFFSET);
        while (bitmap != 0) {
            int p = 31 - Integer.numberOfLeadingZeros(bitmap);
            int r = take(1 + p, maxLength, STEP_MESSAGE_CLAIMED, STEP_MESSAGE_TAKEN);
            if (r >= 0) {
                try {
                    clearIfEmpty(p);
                } catch (Throwable t) {
                    throw abandon(r, t);
                }
                return r;
            }
            if (r == EMPTY) {
                clearIfEmpty(p);
                bitmap &= ~(1 << p);
            } else if (r == BUSY) {
                bitmap &= ~(1 << p);
            } else {
                long s = slot(-3 - r);
                describe(s, region.getInt(s + SLOT_LENGTH_OFFSET), p, info);
                return TOO_LARGE;
            }
        }
        return EMPTY;
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

    /** A length read from a slot, as the budget may count it. */
    private int budgeted(int length) {
        return Math.max(0, Math.min(length, maxMessageSize));
    }

    private void describe(long s, int length, int priority, MessageInfo info) {
        if (info != null) {
            long sender = region.getLong(s + SLOT_SENDER_OFFSET);
            int kind = (int) (sender >>> 56);
            info.set(length, priority, kind >= 0 && kind < KINDS.length ? KINDS[kind] : KINDS[0],
                    sender & ID_MASK, region.getLong(s + SLOT_SENDER_PID_OFFSET));
        }
    }

    /** Gives a received slot's bytes back and returns it to the free ring. */
    private void free(int slot, int length) {
        try {
            if (budget > 0 && region.getInt(slot(slot) + SLOT_BUDGETED_OFFSET) != 0) {
                budgetOp(slot, OP_GIVE_BACK, budgeted(length));
            }
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        release(slot, FREE_RING);
    }

    /** Puts an owned slot on a ring, gives up its ownership, and tells senders if it was freed. */
    private void release(int slot, int ring) {
        enqueue(ring, slot, 0); // throws only CORRUPTED: the slot stays owned, the ring is unusable
        region.putLongRelease(slot(slot) + SLOT_OWNER_OFFSET, 0);
        if (ring == FREE_RING) {
            signalSpace();
        }
    }

    /**
     * Bumps the space sequence and wakes sleeping senders, if some are counted in: one, or, with
     * a byte budget, all of them (the one woken might need more bytes than were freed while
     * another needs fewer).
     */
    private void signalSpace() {
        if (region.getIntVolatile(base + SENDERS_SLEEPING_OFFSET) > 0) {
            region.getAndAddInt(base + SPACE_SEQUENCE_OFFSET, 1);
            Futex.wake(region, base + SPACE_SEQUENCE_OFFSET, budget > 0 ? Integer.MAX_VALUE : 1);
        }
    }

    // ------------------------------------------------------------------ in place (claims and views)

    /**
     * Claims a free slot for a message of {@code len} bytes that the caller writes in place at
     * {@link #payload(int)} and then {@linkplain #commit commits} or {@linkplain #abort aborts}:
     * the first half of {@link #offer}, with the same header, byte budget and ownership, so a
     * process that dies holding the claim is recovered as one that died writing a send.
     *
     * @return the slot, {@link #FULL} or {@link #TOO_LARGE}
     */
    public int claim(int len, int priority, long sender, long senderPid) {
        return claimFree(len, priority, sender, senderPid);
    }

    /**
     * Publishes a slot this thread claimed, the second half of {@link #offer}.
     *
     * @return {@link #SENT} or {@link #SENT_TO_EMPTY}
     */
    public int commit(int slot, int priority) {
        return publish(slot, priority);
    }

    /** Gives a slot this thread claimed back unsent, with the {@code len} bytes it reserved. */
    public void abort(int slot, int len) {
        free(slot, len);
    }

    /**
     * Takes the next message to be read in place at {@link #payload(int)}: the slot stays this
     * thread's until {@link #consumed}, and {@code info} holds its checked length, priority and
     * sender.
     *
     * @return the slot, or {@link #EMPTY}
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

    /** Where the bytes of a slot's message start in {@link #region()}. */
    public long payload(int slot) {
        return slot(slot) + SLOT_HEADER_SIZE;
    }

    /** The region the ring lies in. */
    public MappedRegion region() {
        return region;
    }

    // ------------------------------------------------------------------ state and waiting

    /** Messages queued now (including ones being published), 0 to capacity. */
    public int size() {
        long n = 0;
        for (int p = 0; p < PRIORITIES; p++) {
            long c = control(1 + p);
            n += region.getLongVolatile(c + TAIL_OFFSET) - region.getLongVolatile(c + HEAD_OFFSET);
        }
        return (int) Math.max(0, Math.min(capacity, n));
    }

    /** Whether no priority is marked non-empty. */
    public boolean isEmpty() {
        return region.getIntVolatile(base + BITMAP_OFFSET) == 0;
    }

    /** The message-available sequence now: read it before trying, then sleep on it. */
    public int availableSequence() {
        return region.getIntVolatile(base + AVAILABLE_SEQUENCE_OFFSET);
    }

    /** The space-available sequence now. */
    public int spaceSequence() {
        return region.getIntVolatile(base + SPACE_SEQUENCE_OFFSET);
    }

    /** Counts a receiver in (+1) or out (-1) of sleeping; senders wake receivers only if some sleep. */
    public void receiversSleeping(int delta) {
        region.getAndAddInt(base + RECEIVERS_SLEEPING_OFFSET, delta);
    }

    /** Receivers sleeping now, in every process. */
    public int receiversSleeping() {
        return region.getIntVolatile(base + RECEIVERS_SLEEPING_OFFSET);
    }

    /** Counts a sender in (+1) or out (-1) of sleeping. */
    public void sendersSleeping(int delta) {
        region.getAndAddInt(base + SENDERS_SLEEPING_OFFSET, delta);
    }

    /**
     * Sleeps in the kernel while the available sequence is {@code sequence}, at most
     * {@code nanos}; the caller counted itself in with {@link #receiversSleeping(int)}.
     *
     * @return as {@link Futex#await}
     */
    public int awaitMessage(int sequence, long nanos) {
        return Futex.await(region, base + AVAILABLE_SEQUENCE_OFFSET, sequence, nanos);
    }

    /** Sleeps while the space sequence is {@code sequence}, at most {@code nanos}. */
    public int awaitSpace(int sequence, long nanos) {
        return Futex.await(region, base + SPACE_SEQUENCE_OFFSET, sequence, nanos);
    }

    /**
     * Wakes one more sleeping receiver if a message is queued: called by a receiver that leaves
     * without taking one (too large for it, closed, timed out), since the wake-up it got may have
     * been the only one.
     */
    public void passOnMessage() {
        if (!isEmpty() && region.getIntVolatile(base + RECEIVERS_SLEEPING_OFFSET) > 0) {
            Futex.wake(region, base + AVAILABLE_SEQUENCE_OFFSET, 1);
        }
    }

    /** Wakes sleeping senders again: called by a sender that leaves without sending. */
    public void passOnSpace() {
        if (region.getIntVolatile(base + SENDERS_SLEEPING_OFFSET) > 0) {
            Futex.wake(region, base + SPACE_SEQUENCE_OFFSET, budget > 0 ? Integer.MAX_VALUE : 1);
        }
    }

    /**
     * Wakes every sleeper, in every process, so that each re-checks (for closing, revocation, an
     * end closed for good). It bumps both sequences first: a waiter reads its sequence before it
     * checks those flags, so one about to sleep finds the sequence changed and does not sleep.
     */
    public void wakeAll() {
        region.getAndAddInt(base + AVAILABLE_SEQUENCE_OFFSET, 1);
        region.getAndAddInt(base + SPACE_SEQUENCE_OFFSET, 1);
        Futex.wake(region, base + AVAILABLE_SEQUENCE_OFFSET, Integer.MAX_VALUE);
        Futex.wake(region, base + SPACE_SEQUENCE_OFFSET, Integer.MAX_VALUE);
    }

    // ------------------------------------------------------------------ recovery

    /**
     * Recovers every slot whose owner process is dead (see the class comment), completes a
     * budget op such a process left pending, and marks every non-empty priority in the bitmap
     * (a sender may have died between publishing and marking). Safe at any time, from any
     * process; reads /proc for each foreign owner it meets.
     *
     * @return the slots recovered by this call
     */
    public int recover() {
        int recovered = 0;
        for (int slot = 0; slot < capacity; slot++) {
            long owner = region.getLongVolatile(slot(slot) + SLOT_OWNER_OFFSET);
            if (owner != 0 && owner != self && isOwnerDead(owner) && repair(slot, owner)) {
                recovered++;
            }
        }
        boolean marked = false;
        for (int p = 0; p < PRIORITIES; p++) {
            if (!ringEmpty(1 + p) && (region.getIntVolatile(base + BITMAP_OFFSET) & (1 << p)) == 0) {
                mark(p);
                marked = true;
            }
        }
        if (marked) {
            signalMessage();
        }
        return recovered;
    }

    /**
     * Recovers every slot that has an owner as if that owner were dead, forgets the sleepers
     * counted in, then recovers as {@link #recover()} does. Only for a ring that no live process
     * uses, whose owner words may name processes of an earlier boot of the machine that look alive
     * now (a reused pid and start tick) or live in namespaces that no longer exist: a durable
     * queue's file opened for the first time after a restart, under its opener's lock.
     *
     * @return the slots recovered
     */
    public int recoverAfterRestart() {
        int recovered = 0;
        for (int slot = 0; slot < capacity; slot++) {
            long owner = region.getLongVolatile(slot(slot) + SLOT_OWNER_OFFSET);
            if (owner != 0 && repair(slot, owner)) {
                recovered++;
            }
        }
        region.putIntVolatile(base + RECEIVERS_SLEEPING_OFFSET, 0);
        region.putIntVolatile(base + SENDERS_SLEEPING_OFFSET, 0);
        return recovered + recover();
    }

    /**
     * {@link #recover()} at most every {@link #SWEEP_INTERVAL_NANOS} (per attachment): a send that
     * fails calls it, and so should a receiver before it sleeps, which then finds a message whose
     * sender died after publishing it but before marking its priority.
     */
    public void sweepIfDue() {
        maybeSweep();
    }

    private void maybeSweep() {
        long now = System.nanoTime();
        if (now - nextSweep >= 0) {
            nextSweep = now + SWEEP_INTERVAL_NANOS;
            recover();
        }
    }

    /**
     * Takes over slot {@code slot} from its dead owner {@code dead}: completes a budget op it
     * left pending, then leaves the slot where a ring holds it or returns it to the free ring.
     *
     * @return false if someone else changed the owner first
     */
    private boolean repair(int slot, long dead) {
        long s = slot(slot);
        if (!region.compareAndSetLong(s + SLOT_OWNER_OFFSET, dead, self)) {
            return false;
        }
        if (budget > 0) {
            long word = base + BYTES_OFFSET;
            long w = region.getLongVolatile(word);
            int pending = (int) (w >>> 32);
            if (pending != 0 && (pending >>> 1) - 1 == slot) {
                region.putInt(s + SLOT_BUDGETED_OFFSET, (pending & 1) == OP_RESERVE ? 1 : 0);
                region.putLongVolatile(word, w & 0xffff_ffffL);
            }
        }
        int ring = locate(slot);
        if (ring < 0) {
            if (budget > 0 && region.getInt(s + SLOT_BUDGETED_OFFSET) != 0) {
                budgetOp(slot, OP_GIVE_BACK, budgeted(region.getInt(s + SLOT_LENGTH_OFFSET)));
            }
            region.getAndAddLong(base + RECOVERED_OFFSET, 1);
            release(slot, FREE_RING);
        } else {
            region.putLongRelease(s + SLOT_OWNER_OFFSET, 0);
            if (ring != FREE_RING) {
                mark(ring - 1);
                signalMessage();
            }
        }
        return true;
    }

    /** The index ring holding {@code slot}, or -1; stable while the caller owns the slot. */
    private int locate(int slot) {
        for (int r = 0; r < INDEX_RINGS; r++) {
            for (int i = 0; i < indexLength; i++) {
                long w = region.getLongVolatile(entry(r, i));
                if ((w & ENTRY_FULL) != 0 && (w & SLOT_MASK) == slot) {
                    return r;
                }
            }
        }
        return -1;
    }

    /**
     * Waits while a foreign owner holds a slot the caller needs, checking its liveness now and
     * then and recovering the slot if it is dead.
     *
     * @param spins  how often the caller has waited on this owner so far
     * @param since  when the caller started to wait on it (0: not yet)
     * @return when the wait started, or 0 to tell the caller to give up
     */
    private long holdUp(int slot, long owner, int spins, long since) {
        if (spins < SPINS) {
            Thread.onSpinWait();
            return since == 0 ? 1 : since;
        }
        long now = System.nanoTime();
        if (since <= 1) {
            return now;
        }
        long waited = now - since;
        // liveness reads /proc and allocates: every 64th pass once a millisecond went by
        if (waited >= LIVENESS_CHECK_NANOS && ((spins & 63) == 0 || waited >= GIVE_UP_NANOS)
                && owner != self && isOwnerDead(owner)) {
            repair(slot, owner);
            return now;
        }
        if (waited >= GIVE_UP_NANOS) {
            return 0;
        }
        if (waited < YIELD_NANOS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(PARK_NANOS); // a long hold (a stopped owner): do not burn a core
        }
        return since;
    }

    // ------------------------------------------------------------------ byte budget

    /**
     * Reserves ({@link #OP_RESERVE}) or gives back ({@link #OP_GIVE_BACK}) {@code len} bytes of
     * the budget for an owned slot, recording the op in the bytes word until the slot's flag
     * says it happened.
     *
     * @return false if a reservation does not fit, or if a live owner held the word longer than
     *         {@link #GIVE_UP_NANOS} (a reservation then fails with FULL; bytes given back stay
     *         counted, which only a stopped process or a hostile write can cause)
     */
    private boolean budgetOp(int slot, int op, int len) {
        long word = base + BYTES_OFFSET;
        long pendingTag = (((long) (slot + 1) << 1) | op) << 32;
        int spins = 0;
        long since = 0;
        int waitedFor = 0;
        while (true) {
            long w = region.getLongVolatile(word);
            int pending = (int) (w >>> 32);
            if (pending != 0) {
                if (pending != waitedFor) {
                    waitedFor = pending;
                    spins = 0;
                    since = 0;
                }
                int holder = (pending >>> 1) - 1;
                long owner = holder >= 0 && holder < capacity
                        ? region.getLongVolatile(slot(holder) + SLOT_OWNER_OFFSET) : 0;
                since = holdUp(holder, owner, spins++, since);
                if (since == 0) {
                    return false;
                }
                continue;
            }
            long bytes = w & 0xffff_ffffL;
            long after = op == OP_RESERVE ? bytes + len : Math.max(0, bytes - len);
            if (op == OP_RESERVE && after > budget) {
                return false;
            }
            if (region.compareAndSetLong(word, w, pendingTag | after)) {
                step(op == OP_RESERVE ? STEP_BYTES_PENDING : STEP_GIVE_BACK_PENDING);
                region.putInt(slot(slot) + SLOT_BUDGETED_OFFSET, op == OP_RESERVE ? 1 : 0);
                region.putLongVolatile(word, after);
                return true;
            }
        }
    }

    // ------------------------------------------------------------------ index rings

    private long control(int ring) {
        return base + CONTROLS_OFFSET + (long) ring * CONTROL_SIZE;
    }

    private long entry(int ring, long position) {
        return base + ENTRIES_OFFSET + ((long) ring * indexLength + (position & mask)) * ENTRY_SIZE;
    }

    private long slot(int slot) {
        if (slot < 0 || slot >= capacity) {
            throw new IpcException(IpcError.CORRUPTED, "message ring holds slot index " + slot + " outside 0.."
                    + (capacity - 1));
        }
        return slots + (long) slot * slotSize;
    }

    /** The entry word of a free position. */
    private long freeWord(long position) {
        return (position >>> lapShift) << ENTRY_LAP_SHIFT;
    }

    /** The entry word of a position holding a slot. */
    private long fullWord(long position, int slot) {
        return ((position >>> lapShift) << ENTRY_LAP_SHIFT) | ENTRY_FULL | slot;
    }

    /** The lap of an entry word less the lap of a position, modulo 2^39 with sign. */
    private long lapDifference(long word, long position) {
        return (((word >>> ENTRY_LAP_SHIFT) - (position >>> lapShift)) << ENTRY_LAP_SHIFT) >> ENTRY_LAP_SHIFT;
    }

    /**
     * Puts an index on a ring with one compare-and-set of the entry. An intact index ring has room
     * for every slot and its tail hint is at most one position behind the last filled entry, so
     * this never waits for anyone.
     *
     * @throws IpcException CORRUPTED if the entry words cannot be those of an intact ring (a
     *                      previous lap still there, a lap behind its position, or no end to
     *                      positions already filled)
     */
    private void enqueue(int ring, int slot, int step) {
        long tail = control(ring) + TAIL_OFFSET;
        for (int loops = 0;; loops++) {
            if (loops > LOOP_LIMIT) {
                throw stalled(ring, "no free entry after " + LOOP_LIMIT + " passes");
            }
            long t = region.getLongVolatile(tail);
            long e = entry(ring, t);
            long w = region.getLongVolatile(e);
            long d = lapDifference(w, t);
            if (d == 0) {
                if ((w & ENTRY_FULL) == 0) {
                    if (region.compareAndSetLong(e, w, fullWord(t, slot))) {
                        if (step != 0) {
                            step(step);
                        }
                        region.compareAndSetLong(tail, t, t + 1);
                        return;
                    }
                } else {
                    region.compareAndSetLong(tail, t, t + 1); // filled, its tail not advanced yet
                }
            } else if (d > 0) {
                // position t was filled (and taken since) by a process that died before it
                // advanced the tail: help
                region.compareAndSetLong(tail, t, t + 1);
            } else if (region.getLongVolatile(tail) == t) {
                // the entry a lap (or more) behind an unmoved tail: every position before the tail
                // was filled, so an intact ring cannot show that; and a previous lap still full
                // would mean more slots on the ring than it has entries
                throw stalled(ring, "an entry " + (-d) + " lap(s) behind its tail " + t
                        + ((w & ENTRY_FULL) != 0 ? ", still full" : ", free"));
            }
        }
    }

    private IpcException stalled(int ring, String problem) {
        return new IpcException(IpcError.CORRUPTED, "message ring " + (ring == FREE_RING ? "of free slots"
                : "of priority " + (ring - 1)) + " has " + problem + " (overwritten by another process?)");
    }

    /**
     * Takes the head index of a ring, owning its slot first: returns the slot, {@link #EMPTY},
     * {@link #BUSY} (a live owner held the head longer than {@link #GIVE_UP_NANOS}), or, if
     * {@code maxLength >= 0} and the head message is longer, {@code -3 - slot} without taking it.
     *
     * @throws IpcException CORRUPTED if the entry words cannot be those of an intact ring
     */
    private int take(int ring, int maxLength, int claimedStep, int takenStep) {
        long head = control(ring) + HEAD_OFFSET;
        int spins = 0;
        long since = 0;
        long heldBy = 0;
        long heldAt = -1;
        for (int loops = 0;; ) {
            long h = region.getLongVolatile(head);
            long e = entry(ring, h);
            long w = region.getLongVolatile(e);
            long d = lapDifference(w, h);
            if (d == 0) {
                if ((w & ENTRY_FULL) == 0) {
                    return EMPTY;
                }
                int slot = (int) (w & SLOT_MASK);
                long s = slot(slot);
                if (maxLength >= 0) {
                    int length = region.getInt(s + SLOT_LENGTH_OFFSET);
                    // a length no sender can write is taken, for poll to drop, rather than kept forever
                    if (length > maxLength && length <= maxMessageSize) {
                        if (region.getLongVolatile(e) == w) {
                            return -3 - slot;
                        }
                        loops = count(ring, loops);
                        continue;
                    }
                }
                long owner = region.getLongVolatile(s + SLOT_OWNER_OFFSET);
                if (owner == 0) {
                    if (region.compareAndSetLong(s + SLOT_OWNER_OFFSET, 0, self)) {
                        if (region.getLongVolatile(e) == w) {
                            try {
                                step(claimedStep);
                                region.putLongVolatile(e, freeWord(h + indexLength));
                                step(takenStep);
                            } catch (Throwable t) {
                                throw abandon(slot, t);
                            }
                            region.compareAndSetLong(head, h, h + 1);
                            return slot;
                        }
                        region.putLongRelease(s + SLOT_OWNER_OFFSET, 0); // moved on meanwhile
                    }
                    loops = count(ring, loops);
                    continue;
                }
                if (owner != heldBy || h != heldAt) {
                    heldBy = owner;
                    heldAt = h;
                    spins = 0;
                    since = 0;
                }
                // waiting on an owner is bounded by time, not by passes
                since = holdUp(slot, owner, spins++, since);
                if (since == 0) {
                    return BUSY;
                }
            } else if (d > 0) {
                // position h was taken (and the entry maybe filled again for the next lap) by a
                // process that died before it advanced the head: help
                region.compareAndSetLong(head, h, h + 1);
                loops = count(ring, loops);
            } else {
                behind(ring, head, h, d);
                loops = count(ring, loops);
            }
        }
    }

    /** Counts a pass of a ring loop. @throws IpcException CORRUPTED past {@link #LOOP_LIMIT} */
    private int count(int ring, int loops) {
        if (loops >= LOOP_LIMIT) {
            throw stalled(ring, "no end to entries taken ahead of its head after " + LOOP_LIMIT + " passes");
        }
        return loops + 1;
    }

    /**
     * An entry a lap behind the head: only a stale head can show that (every position before the
     * head was taken).
     *
     * @throws IpcException CORRUPTED if the head has not moved
     */
    private void behind(int ring, long head, long h, long d) {
        if (region.getLongVolatile(head) == h) {
            throw stalled(ring, "an entry " + (-d) + " lap(s) behind its head " + h);
        }
    }

    private boolean ringEmpty(int ring) {
        long head = control(ring) + HEAD_OFFSET;
        for (int loops = 0;; loops = count(ring, loops)) {
            long h = region.getLongVolatile(head);
            long w = region.getLongVolatile(entry(ring, h));
            long d = lapDifference(w, h);
            if (d == 0) {
                return (w & ENTRY_FULL) == 0;
            }
            if (d > 0) {
                region.compareAndSetLong(head, h, h + 1);
            } else {
                behind(ring, head, h, d);
            }
        }
    }

    /**
     * Clears priority p's bit if its ring is empty, then sets it again if a sender raced in: that
     * sender found the bit still set, so if the bitmap is empty now this thread makes the ring
     * non-empty on its behalf, and wakes a sleeper on its behalf too: a receiver that counted
     * itself in may have read the bitmap while it was clear, and the sender did not see it.
     */
    private void clearIfEmpty(int p) {
        if (ringEmpty(1 + p)) {
            step(STEP_EMPTY_SEEN);
            clearBit(p);
            if (!ringEmpty(1 + p)) {
                mark(p);
                signalMessage();
            }
        }
    }

    /**
     * Sets priority p's bit, and tells the listener of this attachment if no bit was set.
     *
     * @return whether the ring went from no message to some
     */
    private boolean mark(int p) {
        boolean toEmpty = setBit(p) == 0;
        if (toEmpty && becameNonEmpty != null) {
            becameNonEmpty.accept(this);
        }
        return toEmpty;
    }

    private int setBit(int p) {
        long word = base + BITMAP_OFFSET;
        int bit = 1 << p;
        while (true) {
            int v = region.getIntVolatile(word);
            if ((v & bit) != 0 || region.compareAndSetInt(word, v, v | bit)) {
                return v;
            }
        }
    }

    private void clearBit(int p) {
        long word = base + BITMAP_OFFSET;
        int bit = 1 << p;
        while (true) {
            int v = region.getIntVolatile(word);
            if ((v & bit) == 0 || region.compareAndSetInt(word, v, v & ~bit)) {
                return;
            }
        }
    }
}
