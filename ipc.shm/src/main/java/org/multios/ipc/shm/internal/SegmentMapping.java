package org.multios.ipc.shm.internal;

import static org.multios.ipc.shm.internal.SegmentDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * A caller's window on a segment. Every access is checked against the window and the access
 * mode before it touches memory; the counting of atomic operations is per mapping and folded
 * into the shared header when the mapping closes or statistics are read.
 */
final class SegmentMapping implements Mapping {
    private final SegmentHandle handle;
    private final Segment segment;
    private final MappedRegion region;
    private final MapAccess access;
    private final long offset;
    private final long length;
    private final long base;
    private final LongAdder atomics = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Session session;

    SegmentMapping(Session session, SegmentHandle handle, Segment segment, MapAccess access, long offset,
            long length) {
        this.session = session;
        this.handle = handle;
        this.segment = segment;
        this.region = segment.region();
        this.access = access;
        this.offset = offset;
        this.length = length;
        this.base = DATA_OFFSET + offset;
        segment.retain();
        segment.countNow(MAPPINGS_NOW_OFFSET, 1);
        segment.count(MAPPINGS_TOTAL_OFFSET, 1);
    }

    @Override
    public SharedMemory segment() {
        return handle;
    }

    @Override
    public MapAccess access() {
        return access;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long address() {
        open();
        return region.address(base);
    }

    @Override
    public ByteOrder order() {
        return ByteOrder.nativeOrder();
    }

    // ------------------------------------------------------------------ checks

    private void open() {
        if (closed.get()) {
            throw IpcException.closed("mapping of " + segment.displayName());
        }
        IpcException corrupted = handle.corrupted();
        if (corrupted != null) {
            throw new IpcException(IpcError.CORRUPTED, "mapping of " + segment.displayName() + ": "
                    + corrupted.getMessage(), corrupted);
        }
        if (!handle.allows(access.requiredRights())) {
            handle.denied("use a revoked mapping");
            throw IpcException.permissionDenied("use a revoked mapping of", segment.displayName(), handle.owner());
        }
    }

    private long at(long off, long size) {
        open();
        if (off < 0 || size < 0 || off > length - size) {
            throw IpcException.invalidArgument(segment.displayName() + ": access of " + size + " bytes at offset "
                    + off + " is outside the mapping of " + length + " bytes");
        }
        return base + off;
    }

    private long writable(long off, long size) {
        long at = at(off, size);
        if (!access.isWritable()) {
            handle.denied("write through a read-only mapping");
            throw IpcException.permissionDenied("write through a read-only mapping of", segment.displayName(),
                    handle.owner());
        }
        return at;
    }

    private long aligned(long off, int size) {
        return counted(checkAlignment(off, size));
    }

    private long alignedWritable(long off, int size) {
        long at = checkAlignment(off, size);
        if (!access.isWritable()) {
            handle.denied("write through a read-only mapping");
            throw IpcException.permissionDenied("write through a read-only mapping of", segment.displayName(),
                    handle.owner());
        }
        return counted(at);
    }

    private long counted(long at) {
        atomics.increment();
        return at;
    }

    private long checkAlignment(long off, int size) {
        long at = at(off, size);
        if (((offset + off) & (size - 1)) != 0) {
            throw IpcException.invalidArgument(segment.displayName() + ": atomic " + size + "-byte access at offset "
                    + (offset + off) + " of the segment is not " + size + "-byte aligned");
        }
        return at;
    }

    // ------------------------------------------------------------------ plain

    @Override
    public byte getByte(long off) {
        try {
            return MappedFault.passed(region.getByte(at(off, 1)));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public void putByte(long off, byte value) {
        try {
            region.putByte(writable(off, 1), value);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public int getInt(long off) {
        try {
            return MappedFault.passed(region.getInt(at(off, Integer.BYTES)));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public void putInt(long off, int value) {
        try {
            region.putInt(writable(off, Integer.BYTES), value);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public long getLong(long off) {
        try {
            return MappedFault.passed(region.getLong(at(off, Long.BYTES)));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public void putLong(long off, long value) {
        try {
            region.putLong(writable(off, Long.BYTES), value);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    // ------------------------------------------------------------------ bulk

    @Override
    public void read(long off, byte[] dst, int dstOffset, int len) {
        try {
            checkArray(dst.length, dstOffset, len);
            region.getBytes(at(off, len), dst, dstOffset, len);
            segment.count(BYTES_READ_OFFSET, len);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public void write(long off, byte[] src, int srcOffset, int len) {
        try {
            checkArray(src.length, srcOffset, len);
            region.putBytes(writable(off, len), src, srcOffset, len);
            segment.count(BYTES_WRITTEN_OFFSET, len);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public void read(long off, ByteBuffer dst) {
        try {
            int len = dst.remaining();
            long at = at(off, len);
            if (dst.isReadOnly()) {
                throw IpcException.invalidArgument(segment.displayName() + ": cannot read into a read-only buffer");
            }
            region.getBytes(at, dst);
            segment.count(BYTES_READ_OFFSET, len);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public void write(long off, ByteBuffer src) {
        try {
            int len = src.remaining();
            region.putBytes(writable(off, len), src);
            segment.count(BYTES_WRITTEN_OFFSET, len);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public void fill(long off, long len, byte value) {
        try {
            region.fill(writable(off, len), len, value);
            segment.count(BYTES_WRITTEN_OFFSET, len);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    private void checkArray(int arrayLength, int arrayOffset, int len) {
        if (arrayOffset < 0 || len < 0 || arrayOffset > arrayLength - len) {
            throw IpcException.invalidArgument(segment.displayName() + ": range " + arrayOffset + "+" + len
                    + " is outside an array of " + arrayLength + " bytes");
        }
    }

    // ------------------------------------------------------------------ atomic int

    @Override
    public int getIntVolatile(long off) {
        try {
            return MappedFault.passed(region.getIntVolatile(aligned(off, Integer.BYTES)));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public void putIntVolatile(long off, int value) {
        try {
            region.putIntVolatile(alignedWritable(off, Integer.BYTES), value);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public int getIntAcquire(long off) {
        try {
            return MappedFault.passed(region.getIntAcquire(aligned(off, Integer.BYTES)));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public void putIntRelease(long off, int value) {
        try {
            region.putIntRelease(alignedWritable(off, Integer.BYTES), value);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public boolean compareAndSetInt(long off, int expected, int newValue) {
        try {
            return MappedFault.passed(region.compareAndSetInt(alignedWritable(off, Integer.BYTES), expected, newValue));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public int getAndAddInt(long off, int delta) {
        try {
            return MappedFault.passed(region.getAndAddInt(alignedWritable(off, Integer.BYTES), delta));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public int getAndSetInt(long off, int newValue) {
        try {
            return MappedFault.passed(region.getAndSetInt(alignedWritable(off, Integer.BYTES), newValue));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    // ------------------------------------------------------------------ atomic long

    @Override
    public long getLongVolatile(long off) {
        try {
            return MappedFault.passed(region.getLongVolatile(aligned(off, Long.BYTES)));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public void putLongVolatile(long off, long value) {
        try {
            region.putLongVolatile(alignedWritable(off, Long.BYTES), value);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public long getLongAcquire(long off) {
        try {
            return MappedFault.passed(region.getLongAcquire(aligned(off, Long.BYTES)));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public void putLongRelease(long off, long value) {
        try {
            region.putLongRelease(alignedWritable(off, Long.BYTES), value);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public boolean compareAndSetLong(long off, long expected, long newValue) {
        try {
            return MappedFault.passed(region.compareAndSetLong(alignedWritable(off, Long.BYTES), expected, newValue));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public long getAndAddLong(long off, long delta) {
        try {
            return MappedFault.passed(region.getAndAddLong(alignedWritable(off, Long.BYTES), delta));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    @Override
    public long getAndSetLong(long off, long newValue) {
        try {
            return MappedFault.passed(region.getAndSetLong(alignedWritable(off, Long.BYTES), newValue));
        } catch (Error e) {
            throw handle.faulted(e);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Adds the atomic operations counted here to the shared header. */
    void flushCounters() {
        long n = atomics.sumThenReset();
        if (n != 0) {
            segment.count(ATOMIC_OPERATIONS_OFFSET, n);
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            flushCounters();
            segment.countNow(MAPPINGS_NOW_OFFSET, -1);
            session.forget(this);
            segment.release();
        }
    }

    @Override
    public String toString() {
        return access + " mapping of " + segment.displayName() + " [" + offset + ", " + (offset + length) + ")";
    }
}
