package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.PriorityRingDescriptor.*;

import java.nio.ByteBuffer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.shm.mapped.Futex;
import org.multios.ipc.shm.mapped.MappedRegion;

/**
 * A bounded, lock-free, multi-process priority message ring: a flyweight over a
 * {@link MappedRegion} at a base offset, laid out as {@link PriorityRingDescriptor} describes.
 * Messages are received highest priority first, first in first out within a priority; any
 * number of threads in any number of processes may send and receive at once.
 *
 * <p><b>Sending</b> takes a free slot index from the free ring (and fails at once with
 * {@link #FULL} if there is none), copies the message into the slot, then publishes the index
 * on its priority's ring, marks the priority in the bitmap, bumps the message-available
 * sequence and wakes a sleeping receiver if there is one. <b>Receiving</b> looks at the
 * priorities from the highest set bit down, takes the head index of the first non-empty ring,
 * copies the message out into the caller's buffer, returns the slot to the free ring, bumps the
 * space-available sequence and wakes a sleeping sender. The length of the head message is read
 * before it is taken, so a message longer than the buffer stays queued ({@link #TOO_LARGE}).
 * Index rings have room for every slot, so putting an index never finds them full; it waits only
 * while a thread that took the same ring entry one lap earlier has not released it yet (a Vyukov
 * ring position stays held from a taker's CAS to its release), at most a second.
 *
 * <p><b>Crashes.</b> A message is published only after it was copied, so a process killed in
 * the middle of a send never makes a half-written message visible. A slot it had taken is lost
 * (the ring holds one message fewer until it is made again). But a process killed between
 * claiming an index-ring position and publishing it leaves that position unpublished, and the
 * ring of that priority (or the free ring) stalls there until the queue or channel is made
 * again: recovering from that needs a sweep that knows the claimer, which is still to come.
 *
 * <p>The hot paths allocate nothing and return status codes; misuse (a bad range or priority)
 * is the caller's to check. Not tied to any API: message queues and channels build on it.
 */
public final class PriorityRing {
    /** {@link #offer} status: sent. */
    public static final int SENT = 0;
    /** {@link #offer} status: sent, and no priority was marked non-empty before. */
    public static final int SENT_TO_EMPTY = 1;
    /** {@link #offer} status: no free slot. */
    public static final int FULL = -1;
    /** {@link #poll} status: no message. */
    public static final int EMPTY = -1;
    /** {@link #poll} and {@link #offer} status: the message does not fit. */
    public static final int TOO_LARGE = -2;

    private static final ProcessKind[] KINDS = ProcessKind.values();
    /** How long a put waits for a ring entry held by a taker before it gives the ring up as stalled. */
    static final long HOLD_LIMIT_NANOS = 1_000_000_000L;
    /** Largest capacity {@link #attach} accepts: its index rings' length still fits an int. */
    private static final int MAX_CAPACITY = 1 << 30;
    /** Largest message size {@link #attach} accepts: its slot size still fits an int. */
    private static final int MAX_MESSAGE_SIZE = Integer.MAX_VALUE - SLOT_HEADER_SIZE - 8;
    private static final long ID_MASK = (1L << 56) - 1;

    private final MappedRegion region;
    private final long base;
    private final int capacity;
    private final int maxMessageSize;
    private final int slotSize;
    private final int indexLength;
    private final long mask;
    private final long slots;

    private PriorityRing(MappedRegion region, long base, int capacity, int maxMessageSize) {
        this.region = region;
        this.base = base;
        this.capacity = capacity;
        this.maxMessageSize = maxMessageSize;
        this.slotSize = slotSize(maxMessageSize);
        this.indexLength = indexLength(capacity);
        this.mask = indexLength - 1;
        this.slots = base + slotsOffset(capacity);
    }

    /**
     * Lays out an empty ring of {@code capacity} slots for messages of up to
     * {@code maxMessageSize} bytes, at {@code base} in a zero-filled region of at least
     * {@link PriorityRingDescriptor#length} bytes from there. Nobody else may use it yet.
     *
     * @throws IllegalArgumentException for a bad base, size or capacity
     */
    public static PriorityRing initialize(MappedRegion region, long base, int capacity, int maxMessageSize) {
        if (capacity < 1 || maxMessageSize < 0 || (base & (CACHE_LINE - 1)) != 0
                || base + length(capacity, maxMessageSize) > region.length()) {
            throw new IllegalArgumentException("a ring of " + capacity + " messages of " + maxMessageSize
                    + " bytes does not fit at " + base + " in a region of " + region.length() + " bytes");
        }
        PriorityRing ring = new PriorityRing(region, base, capacity, maxMessageSize);
        for (int r = 0; r < INDEX_RINGS; r++) {
            for (int i = 0; i < ring.indexLength; i++) {
                region.putLong(ring.entry(r, i) + ENTRY_SEQUENCE_OFFSET, i);
            }
            region.putLong(ring.control(r) + TAIL_OFFSET, 0);
            region.putLong(ring.control(r) + HEAD_OFFSET, 0);
        }
        for (int slot = 0; slot < capacity; slot++) {
            long e = ring.entry(FREE_RING, slot);
            region.putInt(e + ENTRY_SLOT_OFFSET, slot);
            region.putLong(e + ENTRY_SEQUENCE_OFFSET, slot + 1L);
        }
        region.putLong(ring.control(FREE_RING) + TAIL_OFFSET, capacity);
        region.putInt(base + CAPACITY_OFFSET, capacity);
        region.putInt(base + MAX_MESSAGE_SIZE_OFFSET, maxMessageSize);
        region.putInt(base + SLOT_SIZE_OFFSET, ring.slotSize);
        region.putInt(base + INDEX_LENGTH_OFFSET, ring.indexLength);
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
        if ((base & (CACHE_LINE - 1)) != 0 || available < CONTROLS_OFFSET || base + available > region.length()) {
            throw corrupted(what, "has no room for a message ring at " + base);
        }
        if (region.getIntVolatile(base + MAGIC_OFFSET) != MAGIC) {
            throw corrupted(what, "has no initialized message ring (bad ring magic)");
        }
        int capacity = region.getInt(base + CAPACITY_OFFSET);
        int maxSize = region.getInt(base + MAX_MESSAGE_SIZE_OFFSET);
        // bounded first, so that the sizes computed from them cannot overflow
        if (capacity < 1 || capacity > MAX_CAPACITY || maxSize < 0 || maxSize > MAX_MESSAGE_SIZE
                || region.getInt(base + INDEX_LENGTH_OFFSET) != indexLength(capacity)
                || region.getInt(base + SLOT_SIZE_OFFSET) != slotSize(maxSize)
                || length(capacity, maxSize) > available) {
            throw corrupted(what, "has an inconsistent message ring (" + capacity + " slots of " + maxSize
                    + " bytes in " + available + " bytes)");
        }
        return new PriorityRing(region, base, capacity, maxSize);
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

    /** Encodes a sender for {@link #offer}: the kind's ordinal in the top 8 bits, the id below. */
    public static long sender(ProcessKind kind, long id) {
        return ((long) kind.ordinal() << 56) | (id & ID_MASK);
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
        if (len > maxMessageSize) {
            return TOO_LARGE;
        }
        int slot = dequeue(FREE_RING, -1);
        if (slot < 0) {
            return FULL;
        }
        long s = writeHeader(slot, len, priority, sender, senderPid);
        region.putBytes(s + SLOT_HEADER_SIZE, src, off, len);
        return publish(slot, priority);
    }

    /**
     * Sends the remaining bytes of {@code src} with a priority, if a slot is free; the position
     * advances to the limit only if it was sent.
     *
     * @return as {@link #offer(byte[], int, int, int, long, long)}
     */
    public int offer(ByteBuffer src, int priority, long sender, long senderPid) {
        int len = src.remaining();
        if (len > maxMessageSize) {
            return TOO_LARGE;
        }
        int slot = dequeue(FREE_RING, -1);
        if (slot < 0) {
            return FULL;
        }
        long s = writeHeader(slot, len, priority, sender, senderPid);
        region.putBytes(s + SLOT_HEADER_SIZE, src);
        return publish(slot, priority);
    }

    private long writeHeader(int slot, int len, int priority, long sender, long senderPid) {
        long s = slot(slot);
        region.putInt(s + SLOT_LENGTH_OFFSET, len);
        region.putInt(s + SLOT_PRIORITY_OFFSET, priority);
        region.putLong(s + SLOT_SENDER_OFFSET, sender);
        region.putLong(s + SLOT_SENDER_PID_OFFSET, senderPid);
        return s;
    }

    private int publish(int slot, int priority) {
        if (!enqueue(1 + priority, slot)) {
            throw new IpcException(IpcError.CORRUPTED, "message ring of priority " + priority + " is stalled: an "
                    + "index entry stayed held longer than " + HOLD_LIMIT_NANOS / 1_000_000 + " ms (a process died "
                    + "while taking a message?); the message was not sent");
        }
        int before = setBit(priority);
        region.getAndAddInt(base + AVAILABLE_SEQUENCE_OFFSET, 1);
        if (region.getIntVolatile(base + RECEIVERS_SLEEPING_OFFSET) > 0) {
            Futex.wake(region, base + AVAILABLE_SEQUENCE_OFFSET, 1);
        }
        return before == 0 ? SENT_TO_EMPTY : SENT;
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
        int slot = take(len, info);
        if (slot < 0) {
            return slot;
        }
        long s = slot(slot);
        int length = region.getInt(s + SLOT_LENGTH_OFFSET);
        int priority = region.getInt(s + SLOT_PRIORITY_OFFSET);
        checkTaken(slot, length, priority, len);
        region.getBytes(s + SLOT_HEADER_SIZE, dst, off, length);
        describe(s, length, priority, info);
        free(slot);
        return length;
    }

    /**
     * Receives the next message into {@code dst} at its position, which advances by the length.
     *
     * @return as {@link #poll(byte[], int, int, MessageInfo)}; the buffer is unchanged unless a
     *         message was received
     */
    public int poll(ByteBuffer dst, MessageInfo info) {
        int slot = take(dst.remaining(), info);
        if (slot < 0) {
            return slot;
        }
        long s = slot(slot);
        int length = region.getInt(s + SLOT_LENGTH_OFFSET);
        int priority = region.getInt(s + SLOT_PRIORITY_OFFSET);
        checkTaken(slot, length, priority, dst.remaining());
        int limit = dst.limit();
        dst.limit(dst.position() + length);
        region.getBytes(s + SLOT_HEADER_SIZE, dst);
        dst.limit(limit);
        describe(s, length, priority, info);
        free(slot);
        return length;
    }

    /** Takes the head slot of the highest non-empty priority, or returns a status. */
    private int take(int maxLength, MessageInfo info) {
        int bitmap = region.getIntVolatile(base + BITMAP_OFFSET);
        while (bitmap != 0) {
            int p = 31 - Integer.numberOfLeadingZeros(bitmap);
            int r = dequeue(1 + p, maxLength);
            if (r >= 0) {
                clearIfEmpty(p);
                return r;
            }
            if (r == EMPTY) {
                clearIfEmpty(p);
                bitmap &= ~(1 << p);
            } else {
                long s = slot(-2 - r);
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
            free(slot);
            throw new IpcException(IpcError.CORRUPTED, "message ring held a message of " + length
                    + " bytes at priority " + priority + " (largest " + maxMessageSize + " bytes, room for " + room
                    + "); it was dropped");
        }
    }

    private void describe(long s, int length, int priority, MessageInfo info) {
        if (info != null) {
            long sender = region.getLong(s + SLOT_SENDER_OFFSET);
            int kind = (int) (sender >>> 56);
            info.set(length, priority, kind < KINDS.length ? KINDS[kind] : KINDS[0],
                    sender & ID_MASK, region.getLong(s + SLOT_SENDER_PID_OFFSET));
        }
    }

    private void free(int slot) {
        if (!enqueue(FREE_RING, slot)) {
            return; // the free ring is stalled: the slot stays out of use rather than fail the receive
        }
        region.getAndAddInt(base + SPACE_SEQUENCE_OFFSET, 1);
        if (region.getIntVolatile(base + SENDERS_SLEEPING_OFFSET) > 0) {
            Futex.wake(region, base + SPACE_SEQUENCE_OFFSET, 1);
        }
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

    /** Wakes every sleeper, in every process, so that each re-checks (for closing). */
    public void wakeAll() {
        Futex.wake(region, base + AVAILABLE_SEQUENCE_OFFSET, Integer.MAX_VALUE);
        Futex.wake(region, base + SPACE_SEQUENCE_OFFSET, Integer.MAX_VALUE);
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

    /**
     * Vyukov enqueue. An index ring has room for every slot, so it is never full; but a receiver
     * (or, on the free ring, a sender) that took the entry one lap earlier and was descheduled
     * before releasing it holds this position until it runs again: the enqueue waits for it, at
     * most {@link #HOLD_LIMIT_NANOS}.
     *
     * @return false if the entry stayed held that long (its taker died, or another process wrote
     *         it): nothing was put
     * @throws IpcException CORRUPTED if the entry holds a sequence no taker can leave there
     */
    private boolean enqueue(int ring, int slot) {
        long tail = control(ring) + TAIL_OFFSET;
        long pos = region.getLongVolatile(tail);
        long heldSince = 0;
        for (int spins = 0;; ) {
            long e = entry(ring, pos);
            long dif = region.getLongAcquire(e + ENTRY_SEQUENCE_OFFSET) - pos;
            if (dif == 0) {
                if (region.compareAndSetLong(tail, pos, pos + 1)) {
                    region.putInt(e + ENTRY_SLOT_OFFSET, slot);
                    region.putLongRelease(e + ENTRY_SEQUENCE_OFFSET, pos + 1);
                    return true;
                }
                pos = region.getLongVolatile(tail);
            } else if (dif == 1 - indexLength) {
                if (++spins < 64) {
                    Thread.onSpinWait();
                } else if (heldSince == 0) {
                    heldSince = System.nanoTime();
                } else if (System.nanoTime() - heldSince > HOLD_LIMIT_NANOS) {
                    return false;
                } else {
                    Thread.yield();
                }
                pos = region.getLongVolatile(tail);
            } else if (dif < 0) {
                throw new IpcException(IpcError.CORRUPTED, "message ring has an index entry " + (-dif)
                        + " positions behind its position " + pos + " (overwritten by another process?)");
            } else {
                pos = progressed(tail, pos);
            }
        }
    }

    /**
     * Vyukov dequeue that looks before it takes: returns the slot index, {@link #EMPTY}, or, if
     * {@code maxLength >= 0} and the head message is longer, {@code -2 - slot} without taking it.
     */
    private int dequeue(int ring, int maxLength) {
        long head = control(ring) + HEAD_OFFSET;
        long pos = region.getLongVolatile(head);
        while (true) {
            long e = entry(ring, pos);
            long dif = region.getLongAcquire(e + ENTRY_SEQUENCE_OFFSET) - (pos + 1);
            if (dif == 0) {
                int slot = region.getInt(e + ENTRY_SLOT_OFFSET);
                int length = maxLength >= 0 ? region.getInt(slot(slot) + SLOT_LENGTH_OFFSET) : 0;
                // a length no sender can write is taken, for poll to drop, rather than kept forever
                if (maxLength >= 0 && length > maxLength && length <= maxMessageSize) {
                    long now = region.getLongVolatile(head);
                    if (now == pos) {
                        return -2 - slot;
                    }
                    pos = now;
                    continue;
                }
                if (region.compareAndSetLong(head, pos, pos + 1)) {
                    region.putLongRelease(e + ENTRY_SEQUENCE_OFFSET, pos + indexLength);
                    return slot;
                }
                pos = region.getLongVolatile(head);
            } else if (dif < 0) {
                return EMPTY;
            } else {
                pos = progressed(head, pos);
            }
        }
    }

    /**
     * The position re-read after an entry was found a lap ahead of it. That happens only once
     * another thread moved the position on, so finding it unchanged means the words were
     * overwritten: spinning on them would never end.
     *
     * @throws IpcException CORRUPTED if the position has not moved
     */
    private long progressed(long position, long seen) {
        long now = region.getLongVolatile(position);
        if (now == seen) {
            throw new IpcException(IpcError.CORRUPTED, "message ring has an index entry ahead of its position "
                    + seen + " (overwritten by another process?)");
        }
        return now;
    }

    private boolean ringEmpty(int ring) {
        long pos = region.getLongVolatile(control(ring) + HEAD_OFFSET);
        return region.getLongAcquire(entry(ring, pos) + ENTRY_SEQUENCE_OFFSET) != pos + 1;
    }

    /** Clears priority p's bit if its ring is empty, then sets it again if a sender raced in. */
    private void clearIfEmpty(int p) {
        if (ringEmpty(1 + p)) {
            clearBit(p);
            if (!ringEmpty(1 + p)) {
                setBit(p);
            }
        }
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
