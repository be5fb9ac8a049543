package org.multios.ipc.core.mapped;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.multios.ipc.core.posix.Posix;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * A memory-mapped region of a file, of any length: the file is mapped in chunks of
 * {@value #CHUNK_SIZE} bytes, so regions larger than 2 GiB work although one
 * {@link MappedByteBuffer} cannot hold them. Offsets are absolute within the region.
 *
 * <p>A flyweight for hot paths: it checks nothing but what the JVM checks (an offset outside
 * the region throws {@link IndexOutOfBoundsException}); callers check bounds, rights and
 * alignment once, up front. Multi-byte values are in native byte order. The atomic operations
 * need naturally aligned offsets (4 for int, 8 for long) and work across processes that map
 * the same file. Thread-safe: only absolute accesses are used.
 *
 * <p>The mapping stays until the region is unreachable (the JVM unmaps it then); this keeps a
 * late access by a racing thread from touching unmapped memory, through the region or through
 * the native addresses of its {@link #words()}. {@link #detach()} cuts it from
 * its file earlier without unmapping anything: for native addresses handed out.
 *
 * <p>If another process truncates the file under the mapping, an access past the new end faults
 * (SIGBUS, reported by the JVM as an InternalError): {@link MappedFault} is the rule that turns
 * that into CORRUPTED, measuring the file this region was mapped from ({@link #fileSize()},
 * {@link #endFaults()}).
 */
public final class MappedRegion {
    /** Bytes mapped per chunk: 1 GiB. A multiple of every word size, so no aligned word straddles chunks. */
    public static final int CHUNK_SIZE = 1 << 30;
    private static final int CHUNK_SHIFT = 30;
    private static final long CHUNK_MASK = CHUNK_SIZE - 1;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private static final Probed PROBED = new Probed();

    private final ByteBuffer[] chunks;
    /** {@code chunks[0]}: the one chunk of every region below 1 GiB, reached with no array access. */
    private final ByteBuffer first;
    private final long[] chunkAddresses;
    private final long length;
    private final boolean writable;
    private final boolean mapped;
    private final AtomicBoolean detached = new AtomicBoolean();
    /** The raw-address view of the first chunk, made at the first {@link #words()}; immutable, so a racy publication is safe. */
    private MappedWords words;
    /** The file mapped and its inode, for {@link #fileSize()}; null and -1 while unknown. */
    private volatile Path file;
    private volatile long inode = -1;

    private MappedRegion(ByteBuffer[] chunks, long length, boolean writable, boolean mapped) {
        this.chunks = chunks;
        this.first = chunks[0];
        this.chunkAddresses = new long[chunks.length];
        this.length = length;
        this.writable = writable;
        this.mapped = mapped;
    }

    /**
     * Maps {@code length} bytes of the file from its start. The channel may be closed
     * afterwards; the mapping stays valid.
     *
     * @param writable map read-write (the channel must be open for writing) or read-only
     * @throws IllegalArgumentException if {@code length} is not positive or needs more chunks than
     *                                  an array holds (callers bound lengths by their limits first)
     */
    public static MappedRegion map(FileChannel channel, long length, boolean writable) throws IOException {
        long chunkCount = (length >>> CHUNK_SHIFT) + ((length & CHUNK_MASK) == 0 ? 0 : 1);
        if (length <= 0 || chunkCount > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot map " + length + " bytes");
        }
        int count = (int) chunkCount;
        MappedByteBuffer[] chunks = new MappedByteBuffer[count];
        FileChannel.MapMode mode = writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY;
        for (int i = 0; i < count; i++) {
            long start = (long) i << CHUNK_SHIFT;
            chunks[i] = channel.map(mode, start, Math.min(CHUNK_SIZE, length - start));
            chunks[i].order(ByteOrder.nativeOrder());
        }
        return new MappedRegion(chunks, length, writable, true);
    }

    /**
     * A read-only snapshot of the first {@code length} bytes of a file, copied into native memory
     * rather than mapped: for reading headers without appearing among the file's mappers.
     */
    public static MappedRegion snapshot(FileChannel channel, int length) throws IOException {
        ByteBuffer copy = ByteBuffer.allocateDirect(length).order(ByteOrder.nativeOrder());
        while (copy.hasRemaining() && channel.read(copy, copy.position()) >= 0) {
            // read until full or end of file
        }
        copy.clear();
        return new MappedRegion(new ByteBuffer[] { copy }, length, false, false);
    }

    /** A writable region of {@code length} zero bytes in native memory, backed by no file. */
    static MappedRegion buffer(int length) {
        ByteBuffer b = ByteBuffer.allocateDirect(length).order(ByteOrder.nativeOrder());
        return new MappedRegion(new ByteBuffer[] { b }, length, true, false);
    }

    /**
     * The view of the region's first chunk for hot paths: its words accessed through their native
     * address, with the same checks' effect ({@link MappedWords}). One per region.
     */
    public MappedWords words() {
        MappedWords w = words;
        if (w == null) {
            w = new MappedWords(this);
            words = w;
        }
        return w;
    }

    /** The region's length in bytes. */
    public long length() {
        return length;
    }

    /**
     * Records which file the region maps: its name and inode, so that {@link #fileSize()} can tell
     * whether it was truncated under the mapping.
     */
    void origin(Path file, long inode) {
        this.file = file;
        this.inode = inode;
    }

    /** The file the region was mapped from, or null if unknown (unnamed, a snapshot). */
    public Path file() {
        return file;
    }

    /** The inode of {@link #file()}, -1 while unknown. */
    long inode() {
        return inode;
    }

    /** What {@link #fileSize()} answers when the region's file has no name it knows: unnamed, a snapshot. */
    public static final long UNNAMED = -2;
    /** What {@link #fileSize()} answers when the name leads to no file, or to another one: removed or replaced. */
    public static final long GONE = -1;

    /**
     * The current size of the file the region maps, measured through its name: {@link #UNNAMED}
     * if the region knows no name for it, {@link #GONE} if the name leads to no file or to
     * another one (another inode); then {@link #endFaults()} still tells whether it was truncated.
     */
    public long fileSize() {
        Path f = file;
        if (f == null || !mapped) {
            return UNNAMED;
        }
        try {
            Map<String, Object> a = Files.readAttributes(f, "unix:ino,size", LinkOption.NOFOLLOW_LINKS);
            return ((Number) a.get("ino")).longValue() == inode ? ((Number) a.get("size")).longValue() : GONE;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return GONE;
        }
    }

    /**
     * Whether an access to the region's last byte would fault now: the file ends before the page
     * that holds it (truncation cuts pages from the end, so no access to the region faults unless
     * this one does). Asked of the kernel without touching the page ({@link Posix#probeByte}), so
     * it needs no name: it holds for unnamed and removed files too. Where the kernel will not say,
     * true: a region that cannot be cleared is taken for a faulting one. False for a snapshot and
     * once {@link #detach() detached}.
     */
    public boolean endFaults() {
        if (!mapped || detached.get()) {
            return false;
        }
        return Posix.probeByte(address(length - 1)) != Posix.READABLE;
    }

    /**
     * Whether the file was cut short under the mapping, measured without touching it: the file's
     * size through its name is below the region's length (which also counts a cut inside the last
     * page, whose words past the end read zeros and fault nothing), or, for a file without a name
     * (unnamed, removed or replaced), the kernel says that reading the region's last byte faults
     * ({@link Posix#probeByte}). Stricter than
     * {@link MappedFault}'s rule (a region that cannot be measured is not taken for a cut one), so
     * the rule agrees with every true answer. False for a snapshot and once {@link #detach()
     * detached}. One system call: for a waiter whose sleep in the kernel ended unwoken, not
     * for hot paths.
     */
    public boolean cutShort() {
        if (!mapped || detached.get()) {
            return false;
        }
        long size = fileSize();
        return size >= 0 ? size < length : Posix.probeByte(address(length - 1)) == Posix.FAULTS;
    }

    /** Whether the region maps a file (not a {@link #snapshot}). */
    boolean isMapped() {
        return mapped;
    }

    /** Whether the region was mapped read-write. */
    public boolean isWritable() {
        return writable;
    }

    /** The native address of the byte at {@code offset} in this process. */
    public long address(long offset) {
        int c = (int) (offset >>> CHUNK_SHIFT);
        long base = chunkAddresses[c];
        if (base == 0) {
            base = Pointer.nativeValue(Native.getDirectBufferPointer(chunks[c]));
            chunkAddresses[c] = base;
        }
        return base + index(offset);
    }

    /**
     * Cuts the region from its file: every page is replaced by a private zero page (see
     * {@link Posix#replaceWithZeroPages}), so an address handed out earlier, and any access
     * through this region, reads zeros and writes into memory no one else sees, and never faults.
     * Once only; nothing for a snapshot.
     *
     * @throws org.multios.ipc.IpcException IO_ERROR if the kernel refuses
     */
    public void detach() {
        if (!mapped || !detached.compareAndSet(false, true)) {
            return;
        }
        long page = Posix.pageSize();
        for (int c = 0; c < chunks.length; c++) {
            long start = address((long) c << CHUNK_SHIFT);
            long aligned = start & -page;
            long end = start + chunks[c].capacity();
            long pages = (end - aligned + page - 1) & -page;
            Posix.replaceWithZeroPages(aligned, pages, writable, "mapped region");
        }
    }

    /** Whether {@link #detach()} cut the region from its file. */
    public boolean isDetached() {
        return detached.get();
    }

    private ByteBuffer chunk(long offset) {
        // the offsets of hot paths are constants below 1 GiB: the test folds away with the array
        return offset >= 0 && offset < CHUNK_SIZE ? first : chunks[(int) (offset >>> CHUNK_SHIFT)];
    }

    private static int index(long offset) {
        return (int) (offset & CHUNK_MASK);
    }

    private static boolean fits(long offset, int size) {
        return index(offset) + size <= CHUNK_SIZE;
    }

    // ------------------------------------------------------------------ plain

    /** The byte at {@code offset}. */
    public byte getByte(long offset) {
        return chunk(offset).get(index(offset));
    }

    /** Stores a byte. */
    public void putByte(long offset, byte value) {
        chunk(offset).put(index(offset), value);
    }

    /** The int at {@code offset}, any alignment. */
    public int getInt(long offset) {
        if (fits(offset, Integer.BYTES)) {
            return (int) INT.get(chunk(offset), index(offset));
        }
        byte[] b = new byte[Integer.BYTES];
        getBytes(offset, b, 0, b.length);
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt();
    }

    /** Stores an int, any alignment. */
    public void putInt(long offset, int value) {
        if (fits(offset, Integer.BYTES)) {
            INT.set(chunk(offset), index(offset), value);
        } else {
            putBytes(offset, ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(0, value).array(),
                    0, Integer.BYTES);
        }
    }

    /** The long at {@code offset}, any alignment. */
    public long getLong(long offset) {
        if (fits(offset, Long.BYTES)) {
            return (long) LONG.get(chunk(offset), index(offset));
        }
        byte[] b = new byte[Long.BYTES];
        getBytes(offset, b, 0, b.length);
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong();
    }

    /** Stores a long, any alignment. */
    public void putLong(long offset, long value) {
        if (fits(offset, Long.BYTES)) {
            LONG.set(chunk(offset), index(offset), value);
        } else {
            putBytes(offset, ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder()).putLong(0, value).array(),
                    0, Long.BYTES);
        }
    }

    // ------------------------------------------------------------------ atomic int (4-byte aligned)

    /** Volatile read. */
    public int getIntVolatile(long offset) {
        return (int) INT.getVolatile(chunk(offset), index(offset));
    }

    /** Volatile write. */
    public void putIntVolatile(long offset, int value) {
        INT.setVolatile(chunk(offset), index(offset), value);
    }

    /** Acquire read. */
    public int getIntAcquire(long offset) {
        return (int) INT.getAcquire(chunk(offset), index(offset));
    }

    /** Release write. */
    public void putIntRelease(long offset, int value) {
        INT.setRelease(chunk(offset), index(offset), value);
    }

    // Each read-modify-write (here and for longs below) first reads its word (volatile: compiled
    // code keeps the read), then throws and catches an exception, then runs the atomic operation,
    // in one method per operation. On Java 17 an interpreted compare-and-set or get-and-add runs
    // in the VM without the guard that turns a fault into an InternalError: a word in a page
    // truncated away would abort the whole JVM (SIGBUS, hs_err). The read is guarded; its fault is
    // left pending, and the interpreter's exception handling (a call into the VM that delivers
    // pending faults) throws it before the operation runs. Probe and operation must stay in one
    // frame (a probe in a helper, once compiled, would turn the throw into a jump while its caller
    // is still interpreted), with no branch between them: compiled, a branch never taken yet is a
    // trap that resumes in the interpreter past the probe, straight into the unguarded operation
    // (one body with a switch on the operation aborted the JVM at the first long operation once
    // C2 had compiled it for int ones). Compiled code intrinsifies every access (a fault there is
    // an InternalError, not an abort) and turns the throw into a jump. Known limit: interpreted, a
    // truncation landing between probe and operation still aborts the JVM.

    /** Compare and set. */
    public boolean compareAndSetInt(long offset, int expected, int value) {
        ByteBuffer c = chunk(offset);
        int i = index(offset);
        try {
            int probe = (int) INT.getVolatile(c, i); // the probe
            throw PROBED;
        } catch (Probed passed) {
            // a fault of the probe was thrown instead
        }
        return INT.compareAndSet(c, i, expected, value);
    }

    /** Atomic add, returning the previous value. */
    public int getAndAddInt(long offset, int delta) {
        ByteBuffer c = chunk(offset);
        int i = index(offset);
        try {
            int probe = (int) INT.getVolatile(c, i); // the probe
            throw PROBED;
        } catch (Probed passed) {
            // a fault of the probe was thrown instead
        }
        return (int) INT.getAndAdd(c, i, delta);
    }

    /** Atomic exchange, returning the previous value. */
    public int getAndSetInt(long offset, int value) {
        ByteBuffer c = chunk(offset);
        int i = index(offset);
        try {
            int probe = (int) INT.getVolatile(c, i); // the probe
            throw PROBED;
        } catch (Probed passed) {
            // a fault of the probe was thrown instead
        }
        return (int) INT.getAndSet(c, i, value);
    }

    // ------------------------------------------------------------------ atomic long (8-byte aligned)

    /** Volatile read. */
    public long getLongVolatile(long offset) {
        return (long) LONG.getVolatile(chunk(offset), index(offset));
    }

    /** Volatile write. */
    public void putLongVolatile(long offset, long value) {
        LONG.setVolatile(chunk(offset), index(offset), value);
    }

    /** Acquire read. */
    public long getLongAcquire(long offset) {
        return (long) LONG.getAcquire(chunk(offset), index(offset));
    }

    /** Release write. */
    public void putLongRelease(long offset, long value) {
        LONG.setRelease(chunk(offset), index(offset), value);
    }

    /** Compare and set. */
    public boolean compareAndSetLong(long offset, long expected, long value) {
        ByteBuffer c = chunk(offset);
        int i = index(offset);
        try {
            long probe = (long) LONG.getVolatile(c, i); // the probe
            throw PROBED;
        } catch (Probed passed) {
            // a fault of the probe was thrown instead
        }
        return LONG.compareAndSet(c, i, expected, value);
    }

    /** Atomic add, returning the previous value. */
    public long getAndAddLong(long offset, long delta) {
        ByteBuffer c = chunk(offset);
        int i = index(offset);
        try {
            long probe = (long) LONG.getVolatile(c, i); // the probe
            throw PROBED;
        } catch (Probed passed) {
            // a fault of the probe was thrown instead
        }
        return (long) LONG.getAndAdd(c, i, delta);
    }

    /** Atomic exchange, returning the previous value. */
    public long getAndSetLong(long offset, long value) {
        ByteBuffer c = chunk(offset);
        int i = index(offset);
        try {
            long probe = (long) LONG.getVolatile(c, i); // the probe
            throw PROBED;
        } catch (Probed passed) {
            // a fault of the probe was thrown instead
        }
        return (long) LONG.getAndSet(c, i, value);
    }

    // ------------------------------------------------------------------ bulk

    /** Copies {@code length} bytes from {@code offset} into {@code dst} at {@code dstOffset}. */
    public void getBytes(long offset, byte[] dst, int dstOffset, int length) {
        while (length > 0) {
            int n = Math.min(length, CHUNK_SIZE - index(offset));
            chunk(offset).get(index(offset), dst, dstOffset, n);
            offset += n;
            dstOffset += n;
            length -= n;
        }
    }

    /** Copies {@code length} bytes of {@code src} from {@code srcOffset} to {@code offset}. */
    public void putBytes(long offset, byte[] src, int srcOffset, int length) {
        while (length > 0) {
            int n = Math.min(length, CHUNK_SIZE - index(offset));
            chunk(offset).put(index(offset), src, srcOffset, n);
            offset += n;
            srcOffset += n;
            length -= n;
        }
    }

    /** Copies {@code dst.remaining()} bytes from {@code offset} into {@code dst}, advancing its position. */
    public void getBytes(long offset, ByteBuffer dst) {
        while (dst.hasRemaining()) {
            int n = Math.min(dst.remaining(), CHUNK_SIZE - index(offset));
            dst.put(dst.position(), chunk(offset), index(offset), n);
            dst.position(dst.position() + n);
            offset += n;
        }
    }

    /** Copies the remaining bytes of {@code src} to {@code offset}, advancing its position. */
    public void putBytes(long offset, ByteBuffer src) {
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), CHUNK_SIZE - index(offset));
            chunk(offset).put(index(offset), src, src.position(), n);
            src.position(src.position() + n);
            offset += n;
        }
    }

    /**
     * Sets {@code length} bytes from {@code offset} to zero, without allocating: longs where they
     * fit in a chunk (the offset aligned to 8 first), bytes at the ends. For the short ranges of a
     * hot path (a claim's message); {@link #fill} copies from a block it allocates, which is
     * faster for the large ranges a segment's mapping fills.
     */
    public void clear(long offset, long length) {
        long end = offset + length;
        while (offset < end && ((offset & (Long.BYTES - 1)) != 0 || end - offset < Long.BYTES)) {
            putByte(offset++, (byte) 0);
        }
        while (end - offset >= Long.BYTES) {
            putLong(offset, 0L);
            offset += Long.BYTES;
        }
        while (offset < end) {
            putByte(offset++, (byte) 0);
        }
    }

    /** Sets {@code length} bytes from {@code offset} to {@code value}. */
    public void fill(long offset, long length, byte value) {
        byte[] block = new byte[(int) Math.min(length, 64 * 1024)];
        if (value != 0) {
            java.util.Arrays.fill(block, value);
        }
        while (length > 0) {
            int n = (int) Math.min(length, block.length);
            putBytes(offset, block, 0, n);
            offset += n;
            length -= n;
        }
    }

    /** Writes changed pages back to the file (for regions on a disk file system); nothing once detached. */
    public void force() {
        if (detached.get()) {
            return;
        }
        for (ByteBuffer c : chunks) {
            if (c instanceof MappedByteBuffer m) {
                m.force();
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
