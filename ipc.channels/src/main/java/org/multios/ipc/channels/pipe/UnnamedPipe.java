package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.core.mapped.Deadlines;

/**
 * An unnamed pipe: a ring of bytes on the heap with one reading and one writing end. One lock
 * guards the ring. A reader that finds no byte (a writer that finds no room) first idles as its
 * end's wait strategy says ({@link PipeWait}) without the lock, watching {@code changes}, then
 * counts itself in and sleeps on the lock's condition for bytes (room); ends signal a condition
 * only when someone sleeps on it. No wake-up is lost: every change of the ring or the ends is
 * made under the lock and bumps {@code changes}, an idle waiter reads it first under the lock,
 * and a waiter whose budget ran out looks at the ring again under the lock before it sleeps. A write
 * of at most {@link #atomicWriteSize()} bytes waits until it fits whole and is copied under the
 * lock, so no other writer's bytes come between. Reads and writes that need not wait allocate
 * nothing.
 */
final class UnnamedPipe implements PipeTarget {
    /** Bytes of a write that is never interleaved with others, as POSIX {@code PIPE_BUF}. */
    static final int PIPE_BUF = 4096;

    private final long id;
    private final IpcProcess creator;
    private final ByteRing ring;
    private final PipeCounters counters = new PipeCounters();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final Runnable onGone;
    private boolean readerOpen = true;
    private boolean writerOpen = true;
    private int readWaiters;
    private int writeWaiters;
    /** Bumped under the lock by every change an idle waiter must see (bytes, room, ends, revocation). */
    private volatile int changes;
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

    int available() {
        lock.lock();
        try {
            return ring.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads as {@link ReaderEnd#transfer}; {@code end} is the reader, checked under the lock
     * before each transfer, so none happens once a revocation of its grant has returned.
     */
    int read(ReaderEnd<?> end, byte[] array, int off, ByteBuffer buffer, int len, long deadline) {
        lock.lock();
        try {
            PipeWait wait = null;
            while (true) {
                end.checkAccess();
                int n = Math.min(len, ring.size());
                if (n > 0) {
                    ring.take(array, off, buffer, n);
                    changes++;
                    counters.read(n);
                    if (writeWaiters > 0) {
                        writable.signalAll();
                    }
                    if (wait != null) {
                        wait.done();
                    }
                    return n;
                }
                if (!writerOpen) {
                    return ReaderEnd.END_OF_STREAM;
                }
                if (Deadlines.remaining(deadline) == 0) {
                    return 0;
                }
                if (wait == null) {
                    wait = end.startWait();
                }
                if (!wait.sleeping()) {
                    idleUnlocked(wait, end, deadline, "read");
                    continue;
                }
                readWaiters++;
                try {
                    if (!await(readable, deadline, end, "read")) {
                        return 0;
                    }
                } finally {
                    readWaiters--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes as {@link WriterEnd#transfer}; {@code end} is the writer, checked as the reader is. */
    int write(WriterEnd<?> end, byte[] array, int off, ByteBuffer buffer, int len, long deadline, boolean partial) {
        boolean atomic = len <= atomicWriteSize();
        int written = 0;
        lock.lock();
        try {
            PipeWait wait = null;
            while (true) {
                end.checkAccess();
                if (!readerOpen) {
                    if (partial && written > 0) {
                        return written;
                    }
                    throw end.brokenPipe();
                }
                int free = ring.free();
                if (atomic ? free >= len : free > 0) {
                    int n = Math.min(free, len - written);
                    ring.put(array, array == null ? 0 : off + written, buffer, n);
                    changes++;
                    written += n;
                    counters.wrote(n, ring.size());
                    if (readWaiters > 0) {
                        readable.signalAll();
                    }
                    if (written == len) {
                        if (wait != null) {
                            wait.done();
                        }
                        return written;
                    }
                    continue;
                }
                if (Deadlines.remaining(deadline) == 0) {
                    return written;
                }
                if (wait == null) {
                    wait = end.startWait();
                }
                if (!wait.sleeping()) {
                    idleUnlocked(wait, end, deadline, "write");
                    continue;
                }
                writeWaiters++;
                try {
                    if (!await(writable, deadline, end, "write")) {
                        return written;
                    }
                } finally {
                    writeWaiters--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Idles without the lock (held on entry and on return) as the wait's strategy says, until
     * {@code changes} moves, the deadline passes or the budget is spent; the caller then looks
     * at the ring again.
     *
     * @throws IpcException INTERRUPTED
     */
    private void idleUnlocked(PipeWait wait, PipeEnd<?> end, long deadline, String operation) {
        int seen = changes;
        lock.unlock();
        try {
            while (wait.idle()) {
                if (changes != seen || Deadlines.remaining(deadline) == 0) {
                    return;
                }
                if (Thread.interrupted()) {
                    throw IpcException.interrupted(operation, end.describe());
                }
            }
        } finally {
            lock.lock();
        }
    }

    /** Waits on a condition until signalled or the deadline; false once the deadline has passed. */
    private boolean await(Condition condition, long deadline, PipeEnd<?> end, String operation) {
        long nanos = Deadlines.remaining(deadline);
        if (nanos == 0) {
            return false;
        }
        try {
            if (deadline == Deadlines.NO_DEADLINE) {
                condition.await();
            } else {
                condition.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            throw IpcException.interrupted(operation, end.describe());
        }
        return true;
    }

    /**
     * Wakes every waiter, which checks its end again: for a revoked grant. Taking the lock waits
     * for a transfer under way.
     */
    void wakeAll() {
        lock.lock();
        try {
            changes++;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The reading end closed: buffered bytes are dropped, writers see BROKEN_PIPE. */
    void readerClosed() {
        endClosed(true);
    }

    /** The writing end closed: readers drain the buffer, then see end of stream. */
    void writerClosed() {
        endClosed(false);
    }

    private void endClosed(boolean reader) {
        boolean gone;
        lock.lock();
        try {
            if (reader) {
                readerOpen = false;
                ring.clear();
            } else {
                writerOpen = false;
            }
            changes++;
            readable.signalAll();
            writable.signalAll();
            gone = !readerOpen && !writerOpen;
        } finally {
            lock.unlock();
        }
        if (gone) {
            onGone.run();
        }
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Optional<String> name() {
        return Optional.empty();
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
        return new ObjectInfo(ObjectType.PIPE, id, Optional.empty(), creator, permissions, ring.capacity(), false,
                counters.snapshot(available()));
    }

    @Override
    public void setPermissions(Permissions changed) {
        this.permissions = changed;
    }
}
