package org.multios.ipc.channels.pipe;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.core.mapped.Deadlines;

/**
 * An unnamed pipe: a single-producer single-consumer ring of bytes on the heap ({@link ByteRing})
 * between one reading and one writing end. Each side has a lock of its own ({@link PipeSide}),
 * held for a whole read or write, waits included: writers among themselves, so that a write of at
 * most {@link #atomicWriteSize()} bytes goes whole, after bytes of no other write; readers among
 * themselves. A reader and a writer never share a lock: each copies while the other does, and
 * publishes what it moved with one volatile write of its side's position (the ring's tail or
 * head), which the other side reads. A single attempt (the try forms, a non-blocking end) that
 * finds its side held waits for a transfer under way, not for a holder that waits: there is
 * nothing for it to do then. Reads and writes, waiting ones included, allocate nothing.
 *
 * <p>Waiting: a reader that finds no byte (a writer that finds no room) idles as its end's wait
 * strategy says ({@link PipeWait}), probing the other side's position and its end, without
 * telling anyone; once the budget is spent it announces itself as its side's sleeper, looks again
 * and only then parks. A peer that moved the position reads the sleeper after its write of the
 * position and unparks it only if there is one: a writer pays no wake-up while the reader spins
 * or transfers, and several writes while the reader wakes up cost one. <b>No wake-up is
 * lost</b>: announcing (a volatile write of the sleeper) comes before the look (volatile reads of
 * the position, the ends and the grant), and every change a sleeper waits for (a position, an end
 * closed, a grant revoked) is a volatile write before its maker reads the sleeper; in the single
 * order of volatile accesses either the look sees the change or the maker sees the sleeper and
 * unparks it (an unpark before the park makes it return at once).
 *
 * <p>Revocation: a transfer checks its end's grant with its side's lock held and copies before
 * it lets go, with no release in between. Revoking the grant ({@link #revoked}) wakes the
 * side's sleeper and then takes and gives back the side's lock, so it returns only after a
 * transfer that passed its check before the grant was revoked; a later holder finds the grant
 * revoked. So no byte moves through an end once a revocation of its grant has returned. Closing an
 * end waits for its side the same way.
 */
final class UnnamedPipe implements PipeTarget {
    /** Bytes of a write that is never interleaved with others, as POSIX {@code PIPE_BUF}. */
    static final int PIPE_BUF = 4096;

    private static final VarHandle READ_SLEEPER;
    private static final VarHandle WRITE_SLEEPER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            READ_SLEEPER = l.findVarHandle(UnnamedPipe.class, "readSleeper", Thread.class);
            WRITE_SLEEPER = l.findVarHandle(UnnamedPipe.class, "writeSleeper", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long id;
    private final IpcProcess creator;
    private final PipeCounters counters = new PipeCounters();
    private final PipeSide writers = new PipeSide();
    private final PipeSide readers = new PipeSide();
    private final ByteRing ring;
    private final Runnable onGone;
    private final AtomicInteger openEnds = new AtomicInteger(2);
    private volatile boolean readerOpen = true;
    private volatile boolean writerOpen = true;
    /** The reader parked (or about to park) for bytes; written when it sleeps and wakes, read after every write. */
    private volatile Thread readSleeper;
    /** The writer parked (or about to park) for room; written when it sleeps and wakes, read after every read. */
    private volatile Thread writeSleeper;
    private volatile Permissions permissions;

    /**
     * @param onGone called once when both ends have closed
     */
    UnnamedPipe(long id, int capacity, IpcProcess creator, Runnable onGone) {
        this.id = id;
        this.creator = creator;
        this.ring = new ByteRing(capacity);
        this.onGone = onGone;
        this.permissions = Permissions.of(creator, 0600);
    }

    int capacity() {
        return ring.capacity();
    }

    int atomicWriteSize() {
        return Math.min(PIPE_BUF, ring.capacity());
    }

    /** The bytes held now (none once the reader closed: they are dropped). */
    int available() {
        long head = readers.position;
        long tail = writers.position;
        return readerOpen ? (int) Math.min(tail - head, ring.capacity()) : 0;
    }

    /**
     * Reads as {@link ReaderEnd#transfer}; {@code end} is the reader, checked with the readers'
     * lock held before each transfer, so none happens once a revocation of its grant has returned.
     */
    int read(ReaderEnd<?> end, byte[] array, int off, ByteBuffer buffer, int len, long deadline) {
        if (!enter(readers, end, deadline)) {
            return 0;
        }
        boolean waited = false;
        try {
            while (true) {
                end.checkAccess();
                boolean open = writerOpen; // before the tail: a closed writer's last byte is in it
                long head = readers.position;
                long available = readers.seen - head;
                if (available == 0) {
                    readers.seen = writers.position;
                    available = readers.seen - head;
                }
                if (available > 0) {
                    end.session.at(PipeHook.TRANSFER_GRANTED);
                    int n = (int) Math.min(len, available);
                    ring.take(head, array, off, buffer, n);
                    readers.position = head + n; // publishes the room, then looks for a sleeping writer
                    wake(WRITE_SLEEPER);
                    if (waited) {
                        readers.wait.done();
                    }
                    return n;
                }
                if (!open) {
                    return ReaderEnd.END_OF_STREAM;
                }
                if (Deadlines.remaining(deadline) == 0) {
                    return 0;
                }
                if (!waited) {
                    waited = startWait(readers, end);
                }
                await(readers, end, READ_SLEEPER, 1, deadline);
            }
        } finally {
            leave(readers, waited);
        }
    }

    /** Writes as {@link WriterEnd#transfer}; {@code end} is the writer, checked as the reader is. */
    int write(WriterEnd<?> end, byte[] array, int off, ByteBuffer buffer, int len, long deadline, boolean partial) {
        int need = len <= atomicWriteSize() ? len : 1; // an atomic write waits until it fits whole
        int capacity = ring.capacity();
        if (!enter(writers, end, deadline)) {
            return 0;
        }
        boolean waited = false;
        boolean longWrite = false;
        int written = 0;
        try {
            while (true) {
                end.checkAccess();
                if (!readerOpen) {
                    if (partial && written > 0) {
                        return written;
                    }
                    throw end.brokenPipe();
                }
                long tail = writers.position;
                long free = capacity - (tail - writers.seen);
                if (free < need) {
                    writers.seen = readers.position;
                    free = capacity - (tail - writers.seen);
                }
                if (free >= need) {
                    end.session.at(PipeHook.TRANSFER_GRANTED);
                    int n = (int) Math.min(free, len - written);
                    ring.put(tail, array, array == null ? 0 : off + written, buffer, n);
                    writers.position = tail + n; // publishes the bytes, then looks for a sleeping reader
                    wake(READ_SLEEPER);
                    highWater(tail + n);
                    written += n;
                    if (written == len) {
                        if (waited) {
                            writers.wait.done();
                        }
                        return written;
                    }
                    if (!longWrite) {
                        longWrite = true;
                        writers.holderWaits = true; // a single attempt does not spin for the rest
                    }
                    continue;
                }
                if (Deadlines.remaining(deadline) == 0) {
                    return written;
                }
                if (!waited) {
                    waited = startWait(writers, end);
                }
                await(writers, end, WRITE_SLEEPER, need, deadline);
            }
        } finally {
            leave(writers, waited || longWrite);
        }
    }

    /** Takes the side's lock by the deadline ({@link PipeSide#enter}); false if it did not. */
    private static boolean enter(PipeSide side, PipeEnd<?> end, long deadline) {
        try {
            return side.enter(deadline);
        } catch (InterruptedException e) {
            throw end.interrupted();
        }
    }

    private static void leave(PipeSide side, boolean waited) {
        if (waited) {
            side.holderWaits = false;
        }
        side.exit();
    }

    /** Counts a wait of the side and starts it in the side's reusable {@link PipeWait}; true. */
    private static boolean startWait(PipeSide side, PipeEnd<?> end) {
        side.waits = side.waits + 1; // only the holder writes it
        end.restartWait(side.wait);
        side.holderWaits = true;
        return true;
    }

    /** Raises the writers' high-water mark to the depth after a write up to {@code tail}, if that is higher. */
    private void highWater(long tail) {
        if (tail - writers.seen > writers.highWater) {
            writers.seen = readers.position; // the cached head only overestimates the depth
            long depth = tail - writers.seen;
            if (depth > writers.highWater) {
                writers.highWater = depth;
            }
        }
    }

    /**
     * Waits once for what the holder of {@code side} needs ({@code need} bytes of room for a
     * writer, a byte for a reader), as its wait strategy says: idle steps while the budget
     * lasts, probing without telling anyone; then announce as the side's sleeper, look again and
     * park (see the class comment). Returns when the caller should look again: something may
     * have changed, the deadline passed, or (spurious) for no reason.
     *
     * @throws IpcException INTERRUPTED; CLOSED or PERMISSION_DENIED once the end is closed or its
     *                      grant revoked
     */
    private void await(PipeSide side, PipeEnd<?> end, VarHandle sleeper, int need, long deadline) {
        boolean reading = side == readers;
        PipeWait wait = side.wait;
        while (wait.idle()) {
            if (ready(reading, need) || Deadlines.remaining(deadline) == 0) {
                return;
            }
            end.checkAccess();
            if (Thread.interrupted()) {
                throw end.interrupted();
            }
        }
        end.session.at(PipeHook.SLEEPING);
        sleeper.setVolatile(this, Thread.currentThread());
        try {
            if (ready(reading, need)) {
                return;
            }
            end.checkAccess();
            long nanos = Deadlines.remaining(deadline);
            if (nanos == 0) {
                return;
            }
            if (deadline == Deadlines.NO_DEADLINE) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, nanos);
            }
            if (Thread.interrupted()) {
                throw end.interrupted();
            }
        } finally {
            sleeper.setVolatile(this, null);
        }
    }

    /** Whether a waiting reader (writer) should look again: a byte came (room for {@code need}), or the other end closed. */
    private boolean ready(boolean reading, int need) {
        if (reading) {
            return writers.position != readers.position || !writerOpen;
        }
        return ring.capacity() - (writers.position - readers.position) >= need || !readerOpen;
    }

    /** Unparks the sleeper of a side, if it has one; the caller has just made the change it waits for. */
    private void wake(VarHandle sleeper) {
        Thread t = (Thread) sleeper.getVolatile(this);
        if (t != null && sleeper.compareAndSet(this, t, null)) {
            LockSupport.unpark(t);
        }
    }

    /**
     * The grant of an end was revoked (it no longer allows anything): wakes its side's sleeper,
     * which finds it revoked, then waits for the side's holder to leave, so that a transfer that
     * passed its check before has ended when this returns.
     */
    void revoked(boolean reader) {
        PipeSide side = reader ? readers : writers;
        wake(reader ? READ_SLEEPER : WRITE_SLEEPER);
        side.enterUninterruptibly();
        side.exit();
    }

    /** The reading end closed: buffered bytes are dropped, writers see BROKEN_PIPE. */
    void readerClosed() {
        wake(READ_SLEEPER);
        readers.enterUninterruptibly();
        try {
            readerOpen = false;
        } finally {
            readers.exit();
        }
        wake(WRITE_SLEEPER);
        endClosed();
    }

    /** The writing end closed: readers drain the buffer, then see end of stream. */
    void writerClosed() {
        wake(WRITE_SLEEPER);
        writers.enterUninterruptibly();
        try {
            writerOpen = false; // after the last byte, so a reader that sees it sees them all
        } finally {
            writers.exit();
        }
        wake(READ_SLEEPER);
        endClosed();
    }

    private void endClosed() {
        if (openEnds.decrementAndGet() == 0) {
            onGone.run();
        }
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String displayName() {
        return "unnamed pipe #" + id;
    }

    @Override
    public PipeCounters counters() {
        return counters;
    }

    @Override
    public ObjectInfo info() {
        long out = readers.position;
        return new ObjectInfo(ObjectType.PIPE, id, name(), creator, permissions, ring.capacity(), false,
                counters.snapshot(available(), writers.position, out, writers.highWater,
                        readers.waits + writers.waits));
    }

    @Override
    public void setPermissions(Permissions changed) {
        this.permissions = changed;
    }
}
