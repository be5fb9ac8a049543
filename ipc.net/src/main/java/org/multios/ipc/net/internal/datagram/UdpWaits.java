package org.multios.ipc.net.internal.datagram;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.stream.Reactor;
import org.multios.ipc.spi.GuardedHandle;

/**
 * How an operation of a {@link UdpEndpoint} waits: it tries once; a thread that must wait
 * takes the direction's wait lock and selects on that direction's selector, in slices of at
 * most {@value #SLICE_MILLIS} ms, between attempts. An interrupt only wakes it (a blocking
 * channel would be closed by it); a closed handle fails it with CLOSED. Waits and timeouts are
 * counted.
 */
final class UdpWaits {
    /** Wait as long as it takes. */
    static final long FOREVER = -1;
    /** Do not wait: one attempt. */
    static final long NEVER = 0;
    /** The longest single select: a safety net, as close and interrupts wake selectors anyway. */
    private static final long SLICE_MILLIS = 250;

    private final GuardedHandle handle;
    private final AtomicLongArray counters;

    /** @param counters the handle's counters, indexed by {@link Counter#ordinal()} */
    UdpWaits(GuardedHandle handle, AtomicLongArray counters) {
        this.handle = handle;
        this.counters = counters;
    }

    /** The timeout in nanoseconds, at least 1 (a zero timeout still tries once). */
    long nanos(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw IpcException.invalidArgument(handle.describe() + ": timeout " + timeout + " must be zero or more");
        }
        return timeout.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L - 1 ? Long.MAX_VALUE / 4
                : Math.max(1, timeout.toNanos());
    }

    /**
     * Runs {@code attempt} until it has a result: once at once, then (unless {@code wait} is
     * {@link #NEVER}) holding {@code lock}, selecting on {@code selector} before each further
     * attempt, until {@code wait} ends.
     *
     * @param wait {@link #FOREVER}, {@link #NEVER} or nanoseconds
     * @return the result, or null if {@code wait} is {@link #NEVER} and the attempt had none
     * @throws IpcException TIMEOUT, INTERRUPTED, CLOSED, or as {@code attempt}
     */
    <T> T until(Supplier<T> attempt, ReentrantLock lock, Selector selector, long wait, String operation) {
        T result = attempt.get();
        if (result != null || wait == NEVER) {
            return result;
        }
        counters.incrementAndGet(Counter.WAITS.ordinal());
        long deadline = System.nanoTime() + wait;
        lock(lock, wait, deadline, operation);
        try {
            while ((result = attempt.get()) == null) {
                await(selector, wait, deadline, operation);
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** Takes a wait lock, as long as the wait allows. */
    private void lock(ReentrantLock lock, long wait, long deadline, String operation) {
        try {
            if (wait == FOREVER) {
                lock.lockInterruptibly();
            } else if (!lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw timeout(operation);
            }
        } catch (InterruptedException e) {
            throw IpcException.interrupted(operation, handle.describe());
        }
    }

    /** Selects once (its wait lock held), for at most a slice and at most until the deadline. */
    private void await(Selector selector, long wait, long deadline, String operation) {
        Reactor.assertMayBlock(operation, handle.describe());
        long millis = SLICE_MILLIS;
        if (wait != FOREVER) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw timeout(operation);
            }
            millis = Math.min(millis, TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw IpcException.interrupted(operation, handle.describe());
        }
        try {
            handle.checkOpen();
            selector.select(millis);
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw IpcException.closed(handle.describe());
        } catch (IOException e) {
            counters.incrementAndGet(Counter.ERRORS.ordinal());
            throw new IpcException(IpcError.IO_ERROR, handle.describe() + ": cannot wait: " + e.getMessage(), e);
        }
        handle.checkOpen();
        if (Thread.currentThread().isInterrupted()) {
            throw IpcException.interrupted(operation, handle.describe());
        }
    }

    private IpcException timeout(String operation) {
        counters.incrementAndGet(Counter.TIMEOUTS.ordinal());
        return IpcException.timeout(operation, handle.describe());
    }
}
