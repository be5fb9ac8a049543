package org.multios.ipc.core.mapped;

import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.nio.ReadOnlyBufferException;

/**
 * The words of a {@link MappedRegion}'s first chunk accessed through their native address
 * ({@code sun.misc.Unsafe}, module jdk.unsupported), for hot paths: the region's
 * {@code ByteBuffer} view handles check the buffer, its scope, read-only flag, limit and index
 * at every access; this view checks one bound. Obtained once per region ({@link MappedRegion#words()}).
 * Same semantics as the region's methods of the same names: native byte order, atomic operations
 * on naturally aligned offsets, thread-safe.
 *
 * <p>What keeps raw addresses as safe as the buffers:
 * <ul>
 * <li>Bounds: every access checks its offset against the window and its natural alignment, and a
 * write against a read-only region (a constant offset leaves one compare with a field), throwing
 * {@link IndexOutOfBoundsException}, {@link IllegalStateException} (misaligned) or
 * {@link ReadOnlyBufferException} as the region does: no address outside a writable mapping is
 * ever touched.</li>
 * <li>Unmapping: a region is only unmapped once unreachable ({@link MappedRegion}); this view holds
 * it and keeps it reachable through each access. Closing a handle unmaps nothing, and
 * {@link MappedRegion#detach()} replaces pages at the same addresses.</li>
 * <li>Truncation: a fault of these accesses is HotSpot's InternalError, as through the buffers
 * (which use the same operations underneath), for {@link MappedFault} to diagnose; a
 * read-modify-write first reads a byte of its word (volatile, so that compiled code keeps it) in
 * the same frame, for the reason given at {@link MappedRegion} (an interpreted atomic operation
 * runs in the VM without the fault guard). Each operation has its own method with no branch
 * between probe and operation: compiled, such a branch not yet taken is a trap that resumes in
 * the interpreter past the probe, straight into the unguarded operation.</li>
 * </ul>
 * Known limit: while a read-modify-write is interpreted, a truncation that lands between its
 * probe and the VM's atomic operation (a short window: the throw and catch, the call) still
 * aborts the JVM (SIGBUS); compiled, nothing does.
 *
 * <p>Where {@code sun.misc} cannot be loaded (a framework that does not export it), where its
 * memory access is denied ({@code --sun-misc-unsafe-memory-access=deny}: one trial access at
 * class initialization), from Java 24 on (its memory access warns there and is to fail later:
 * JEP 471) unless {@value #RAW_PROPERTY} is {@code true}, and wherever that property is
 * {@code false}, every access goes through the region.
 */
public final class MappedWords {
    /** System property: {@code false} sends every access through the region's buffers (diagnosis, comparison). */
    public static final String RAW_PROPERTY = "org.multios.ipc.mapped.rawAccess";

    /** The first Java release whose {@code sun.misc.Unsafe} memory access warns (JEP 471). */
    private static final int FIRST_WARNING_RELEASE = 24;
    private static final sun.misc.Unsafe UNSAFE = unsafe();
    private static final boolean RAW = UNSAFE != null;
    private static final Probed PROBED = new Probed();

    private final MappedRegion region;
    private final long address;
    /** Bytes readable from offset 0: the region's first chunk. */
    private final long readLength;
    /** Bytes writable from offset 0: {@link #readLength}, or 0 for a read-only region. */
    private final long writeLength;

    MappedWords(MappedRegion region) {
        this.region = region;
        this.readLength = Math.min(region.length(), MappedRegion.CHUNK_SIZE);
        this.writeLength = region.isWritable() ? readLength : 0;
        this.address = RAW ? region.address(0) : 0;
    }

    private static sun.misc.Unsafe unsafe() {
        String wanted = System.getProperty(RAW_PROPERTY);
        if (wanted != null ? !Boolean.parseBoolean(wanted) : Runtime.version().feature() >= FIRST_WARNING_RELEASE) {
            return null;
        }
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
            trial(u);
            return u;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable unavailable) {
            // not loadable, or its memory access denied (--sun-misc-unsafe-memory-access=deny):
            // UnsupportedOperationException at every access
            return null;
        }
    }

    /** One access of each kind used, on memory of its own: throws where they are not allowed. */
    private static void trial(sun.misc.Unsafe u) {
        long a = u.allocateMemory(Long.BYTES);
        try {
            u.putLongVolatile(null, a, 0);
            u.getByteVolatile(null, a);
            u.compareAndSwapLong(null, a, 0, 1);
        } finally {
            u.freeMemory(a);
        }
    }

    /** Whether accesses use native addresses (else the region's buffers). */
    public static boolean isRaw() {
        return RAW;
    }

    /** The region viewed. */
    public MappedRegion region() {
        return region;
    }

    /**
     * The native address of a {@code size}-byte word at {@code offset}, checked (see the class
     * comment) on both paths, so that they refuse the same offsets.
     */
    private long at(long offset, int size, long length) {
        if ((offset & (size - 1)) != 0 || offset < 0 || offset > length - size) {
            throw refused(offset, size);
        }
        return address + offset;
    }

    private RuntimeException refused(long offset, int size) {
        if (offset >= 0 && offset <= readLength - size && writeLength == 0) {
            return new ReadOnlyBufferException();
        }
        if ((offset & (size - 1)) != 0) {
            return new IllegalStateException("misaligned access at offset " + offset + " of " + size + " bytes");
        }
        return new IndexOutOfBoundsException("offset " + offset + " of " + size + " bytes outside " + readLength);
    }

    // ------------------------------------------------------------------ plain

    /** The int at {@code offset} (4-byte aligned). */
    public int getInt(long offset) {
        long a = at(offset, Integer.BYTES, readLength);
        if (!RAW) {
            return region.getInt(offset);
        }
        int v = UNSAFE.getInt(a);
        Reference.reachabilityFence(this);
        return v;
    }

    /** The long at {@code offset} (8-byte aligned). */
    public long getLong(long offset) {
        long a = at(offset, Long.BYTES, readLength);
        if (!RAW) {
            return region.getLong(offset);
        }
        long v = UNSAFE.getLong(a);
        Reference.reachabilityFence(this);
        return v;
    }

    /** Writes the int at {@code offset} (4-byte aligned), plainly. */
    public void putInt(long offset, int value) {
        long a = at(offset, Integer.BYTES, writeLength);
        if (!RAW) {
            region.putInt(offset, value);
            return;
        }
        UNSAFE.putInt(a, value);
        Reference.reachabilityFence(this);
    }

    /** Writes the long at {@code offset} (8-byte aligned), plainly. */
    public void putLong(long offset, long value) {
        long a = at(offset, Long.BYTES, writeLength);
        if (!RAW) {
            region.putLong(offset, value);
            return;
        }
        UNSAFE.putLong(a, value);
        Reference.reachabilityFence(this);
    }

    // ------------------------------------------------------------------ ordered int

    /** Volatile read. */
    public int getIntVolatile(long offset) {
        long a = at(offset, Integer.BYTES, readLength);
        if (!RAW) {
            return region.getIntVolatile(offset);
        }
        int v = UNSAFE.getIntVolatile(null, a);
        Reference.reachabilityFence(this);
        return v;
    }

    /** Volatile write. */
    public void putIntVolatile(long offset, int value) {
        long a = at(offset, Integer.BYTES, writeLength);
        if (!RAW) {
            region.putIntVolatile(offset, value);
            return;
        }
        UNSAFE.putIntVolatile(null, a, value);
        Reference.reachabilityFence(this);
    }

    /** Release write. */
    public void putIntRelease(long offset, int value) {
        long a = at(offset, Integer.BYTES, writeLength);
        if (!RAW) {
            region.putIntRelease(offset, value);
            return;
        }
        UNSAFE.putOrderedInt(null, a, value);
        Reference.reachabilityFence(this);
    }

    // ------------------------------------------------------------------ ordered long

    /** Volatile read. */
    public long getLongVolatile(long offset) {
        long a = at(offset, Long.BYTES, readLength);
        if (!RAW) {
            return region.getLongVolatile(offset);
        }
        long v = UNSAFE.getLongVolatile(null, a);
        Reference.reachabilityFence(this);
        return v;
    }

    /** Volatile write. */
    public void putLongVolatile(long offset, long value) {
        long a = at(offset, Long.BYTES, writeLength);
        if (!RAW) {
            region.putLongVolatile(offset, value);
            return;
        }
        UNSAFE.putLongVolatile(null, a, value);
        Reference.reachabilityFence(this);
    }

    /** Release write. */
    public void putLongRelease(long offset, long value) {
        long a = at(offset, Long.BYTES, writeLength);
        if (!RAW) {
            region.putLongRelease(offset, value);
            return;
        }
        UNSAFE.putOrderedLong(null, a, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Adds {@code delta} to a long that only the calling thread writes (a counter cell of its
     * own): a plain read and a release store with one bound check, not atomic (8-byte aligned).
     */
    public void addOwnedLong(long offset, long delta) {
        long a = at(offset, Long.BYTES, writeLength);
        if (!RAW) {
            region.putLongRelease(offset, region.getLong(offset) + delta);
            return;
        }
        UNSAFE.putOrderedLong(null, a, UNSAFE.getLong(a) + delta);
        Reference.reachabilityFence(this);
    }

    // ------------------------------------------------------------------ read-modify-write
    // One method per operation, each: the checked address, the probe, the operation; no branch
    // between probe and operation (see the class comment). Compiled, a branch there is a trap
    // where a case never seen yet resumes in the interpreter past the probe: a switch on the
    // operation aborted the JVM at the first long operation after C2 compiled the int ones.
    // The conditional ones (decrementIfPositive, incrementIfBelow) branch on the value they read
    // before the probe, never between probe and operation; a failed compare-and-set goes back to
    // that read (a trap there resumes at the read, which is guarded, and probes again).

    /** Compare and set (4-byte aligned). */
    public boolean compareAndSetInt(long offset, int expected, int value) {
        long a = at(offset, Integer.BYTES, writeLength);
        if (!RAW) {
            return region.compareAndSetInt(offset, expected, value);
        }
        try {
            UNSAFE.getByteVolatile(null, a); // the probe
            throw PROBED;
        } catch (Probed passed) {
            // a fault of the probe was thrown instead
        }
        boolean set = UNSAFE.compareAndSwapInt(null, a, expected, value);
        Reference.reachabilityFence(this);
        return set;
    }

    /** Atomic add, returning the previous value. */
    public int getAndAddInt(long offset, int delta) {
        long a = at(offset, Integer.BYTES, writeLength);
        if (!RAW) {
            return region.getAndAddInt(offset, delta);
        }
        try {
            UNSAFE.getByteVolatile(null, a); // the probe
            throw PROBED;
        } catch (Probed passed) {
            // a fault of the probe was thrown instead
        }
        int previous = UNSAFE.getAndAddInt(null, a, delta);
        Reference.reachabilityFence(this);
        return previous;
    }

    /** Compare and set (8-byte aligned). */
    public boolean compareAndSetLong(long offset, long expected, long value) {
        long a = at(offset, Long.BYTES, writeLength);
        if (!RAW) {
            return region.compareAndSetLong(offset, expected, value);
        }
        try {
            UNSAFE.getByteVolatile(null, a); // the probe
            throw PROBED;
        } catch (Probed passed) {
            // a fault of the probe was thrown instead
        }
        boolean set = UNSAFE.compareAndSwapLong(null, a, expected, value);
        Reference.reachabilityFence(this);
        return set;
    }

    /** Atomic add, returning the previous value. */
    public long getAndAddLong(long offset, long delta) {
        long a = at(offset, Long.BYTES, writeLength);
        if (!RAW) {
            return region.getAndAddLong(offset, delta);
        }
        try {
            UNSAFE.getByteVolatile(null, a); // the probe
            throw PROBED;
        } catch (Probed passed) {
            // a fault of the probe was thrown instead
        }
        long previous = UNSAFE.getAndAddLong(null, a, delta);
        Reference.reachabilityFence(this);
        return previous;
    }

    /**
     * Lowers the int at {@code offset} by one if it is positive (a counting semaphore's take): a
     * volatile read and, if positive, one compare-and-set, again while the word changes under it;
     * one bound check for all (4-byte aligned).
     *
     * @return the value read before: the word was lowered if and only if it is positive
     */
    public int decrementIfPositive(long offset) {
        long a = at(offset, Integer.BYTES, writeLength);
        if (!RAW) {
            while (true) {
                int v = region.getIntVolatile(offset);
                if (v <= 0 || region.compareAndSetInt(offset, v, v - 1)) {
                    return v;
                }
            }
        }
        while (true) {
            int v = UNSAFE.getIntVolatile(null, a);
            if (v <= 0) {
                Reference.reachabilityFence(this);
                return v;
            }
            // the probe after the last branch before the operation (see the class comment)
            try {
                UNSAFE.getByteVolatile(null, a); // the probe
                throw PROBED;
            } catch (Probed passed) {
                // a fault of the probe was thrown instead
            }
            if (UNSAFE.compareAndSwapInt(null, a, v, v - 1)) {
                Reference.reachabilityFence(this);
                return v;
            }
        }
    }

    /**
     * Raises the int at {@code offset} by one if it is below {@code limit} (a counting
     * semaphore's post), as {@link #decrementIfPositive} lowers it.
     *
     * @return the value read before: the word was raised if and only if it is below {@code limit}
     */
    public int incrementIfBelow(long offset, int limit) {
        long a = at(offset, Integer.BYTES, writeLength);
        if (!RAW) {
            while (true) {
                int v = region.getIntVolatile(offset);
                if (v >= limit || region.compareAndSetInt(offset, v, v + 1)) {
                    return v;
                }
            }
        }
        while (true) {
            int v = UNSAFE.getIntVolatile(null, a);
            if (v >= limit) {
                Reference.reachabilityFence(this);
                return v;
            }
            try {
                UNSAFE.getByteVolatile(null, a); // the probe
                throw PROBED;
            } catch (Probed passed) {
                // a fault of the probe was thrown instead
            }
            if (UNSAFE.compareAndSwapInt(null, a, v, v + 1)) {
                Reference.reachabilityFence(this);
                return v;
            }
        }
    }

    /** Thrown and caught by the read-modify-writes' probes: no stack trace, no suppression, immutable. */
    private static final class Probed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Probed() {
            super(null, null, false, false);
        }
    }
}
