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
 * read-modify-write first reads a byte of its word in the same frame, for the reason given at
 * {@link MappedRegion} (an interpreted atomic operation runs in the VM without the fault guard).</li>
 * </ul>
 * Where {@code sun.misc} cannot be loaded (a framework that does not export it), from Java 24 on
 * (its memory access warns there and is to fail later: JEP 471) unless {@value #RAW_PROPERTY} is
 * {@code true}, and wherever that property is {@code false}, every access goes through the region.
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
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError unavailable) {
            return null;
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

    // ------------------------------------------------------------------ read-modify-write

    /** Compare and set (4-byte aligned). */
    public boolean compareAndSetInt(long offset, int expected, int value) {
        at(offset, Integer.BYTES, writeLength);
        return RAW ? readModifyWrite(INT_COMPARE_AND_SET, offset, expected, value) != 0
                : region.compareAndSetInt(offset, expected, value);
    }

    /** Atomic add, returning the previous value. */
    public int getAndAddInt(long offset, int delta) {
        at(offset, Integer.BYTES, writeLength);
        return RAW ? (int) readModifyWrite(INT_GET_AND_ADD, offset, delta, 0) : region.getAndAddInt(offset, delta);
    }

    /** Compare and set (8-byte aligned). */
    public boolean compareAndSetLong(long offset, long expected, long value) {
        at(offset, Long.BYTES, writeLength);
        return RAW ? readModifyWrite(LONG_COMPARE_AND_SET, offset, expected, value) != 0
                : region.compareAndSetLong(offset, expected, value);
    }

    /** Atomic add, returning the previous value. */
    public long getAndAddLong(long offset, long delta) {
        at(offset, Long.BYTES, writeLength);
        return RAW ? readModifyWrite(LONG_GET_AND_ADD, offset, delta, 0) : region.getAndAddLong(offset, delta);
    }

    private static final int INT_COMPARE_AND_SET = 0;
    private static final int INT_GET_AND_ADD = 1;
    private static final int LONG_COMPARE_AND_SET = 2;
    private static final int LONG_GET_AND_ADD = 3;

    /**
     * The one body of every read-modify-write, as {@link MappedRegion}'s, on a checked offset: a probe
     * (a plain read of the word's first byte, then a throw caught here, which in the interpreter
     * delivers the probe's fault before the atomic operation runs), then {@code operation}.
     * Compiled, the probe's read and throw fold away and the constant {@code operation} leaves one
     * instruction.
     */
    private long readModifyWrite(int operation, long offset, long operand, long value) {
        long a = address + offset; // checked by the caller
        try {
            UNSAFE.getByte(a); // the probe
            throw PROBED;
        } catch (Probed passed) {
            // a fault of the probe was thrown instead
        }
        long r = switch (operation) {
            case INT_COMPARE_AND_SET -> UNSAFE.compareAndSwapInt(null, a, (int) operand, (int) value) ? 1 : 0;
            case INT_GET_AND_ADD -> UNSAFE.getAndAddInt(null, a, (int) operand);
            case LONG_COMPARE_AND_SET -> UNSAFE.compareAndSwapLong(null, a, operand, value) ? 1 : 0;
            case LONG_GET_AND_ADD -> UNSAFE.getAndAddLong(null, a, operand);
            default -> throw new IllegalArgumentException("operation " + operation);
        };
        Reference.reachabilityFence(this);
        return r;
    }

    /** Thrown and caught by the read-modify-writes' probes: no stack trace, no suppression, immutable. */
    private static final class Probed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Probed() {
            super(null, null, false, false);
        }
    }
}
