package org.multios.ipc.shm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The calling process's view of a window of a shared memory segment, made by
 * {@link SharedMemory#map}. Thread-safe; no method blocks.
 *
 * <p><b>Offsets</b> are relative to the window's start and range over
 * {@code 0 .. length() - 1}. Every access is bounds-checked: an access that would touch a
 * byte outside the window fails with INVALID_ARGUMENT and touches nothing.
 *
 * <p><b>Byte order</b>: multi-byte values use the machine's native order
 * ({@link #order()}), so that native programs sharing the segment read them directly.
 *
 * <p><b>Plain accesses</b> ({@code get/put}, bulk {@code read/write}, {@link #fill}) may be
 * done at any offset and have no ordering guarantees towards other threads or processes.
 * <b>Atomic accesses</b> ({@code ...Volatile}, {@code ...Acquire}, {@code ...Release},
 * {@code compareAndSet...}, {@code getAndAdd...}, {@code getAndSet...}) have the memory
 * semantics of the {@link java.lang.invoke.VarHandle} access modes of the same name, also
 * across processes; they require the absolute position in the segment
 * ({@link #offset()} {@code + offset}) to be a multiple of the value's size (4 or 8), else
 * they fail with INVALID_ARGUMENT.
 *
 * <p><b>Access</b>: every write (plain, bulk or atomic, including compare-and-set and
 * get-and-add) through a {@link MapAccess#READ_ONLY} mapping fails with PERMISSION_DENIED.
 * After {@link #close()}, every access fails with CLOSED.
 */
@ProviderType
public interface Mapping extends AutoCloseable {
    /** The segment this mapping views. */
    SharedMemory segment();

    /** The access the mapping was made with. */
    MapAccess access();

    /** The window's first byte in the segment. */
    long offset();

    /** The window's size in bytes. */
    long length();

    /**
     * The native address of the window's first byte in this process, for handing to native
     * code; 0 if the platform does not map the segment at a fixed native address (anonymous
     * segments may live on the Java heap). Valid only until the mapping is closed. When the
     * handle's rights are revoked, or the handle and all its mappings are closed, the platform
     * replaces the pages behind the address with private zero pages: it stays safe to touch (no
     * fault), but reads zeros and writes where no one sees it, never the segment.
     */
    long address();

    /** The byte order of multi-byte accesses: {@link ByteOrder#nativeOrder()}. */
    ByteOrder order();

    // ----------------------------------------------------------------- plain accesses

    /**
     * The byte at {@code offset}.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window; CLOSED
     */
    byte getByte(long offset);

    /**
     * Stores a byte at {@code offset}.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window;
     *         PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    void putByte(long offset, byte value);

    /**
     * The 4-byte int at {@code offset} (any alignment, not atomic).
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if any byte is out of the window;
     *         CLOSED
     */
    int getInt(long offset);

    /**
     * Stores a 4-byte int at {@code offset} (any alignment, not atomic).
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if any byte is out of the window;
     *         PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    void putInt(long offset, int value);

    /**
     * The 8-byte long at {@code offset} (any alignment, not atomic).
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if any byte is out of the window;
     *         CLOSED
     */
    long getLong(long offset);

    /**
     * Stores an 8-byte long at {@code offset} (any alignment, not atomic).
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if any byte is out of the window;
     *         PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    void putLong(long offset, long value);

    // ----------------------------------------------------------------- bulk copies

    /**
     * Copies {@code length} bytes from the window at {@code offset} into
     * {@code dst[dstOffset .. dstOffset + length - 1]}.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if the source range is out of the
     *         window or the destination range out of the array (nothing is copied); CLOSED
     */
    void read(long offset, byte[] dst, int dstOffset, int length);

    /**
     * Copies {@code src[srcOffset .. srcOffset + length - 1]} into the window at
     * {@code offset}.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if the source range is out of the
     *         array or the destination range out of the window (nothing is copied);
     *         PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    void write(long offset, byte[] src, int srcOffset, int length);

    /**
     * Copies {@code dst.remaining()} bytes from the window at {@code offset} into
     * {@code dst}, advancing its position by that much.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if the range is out of the window
     *         (nothing is copied, the position does not move); INVALID_ARGUMENT if {@code dst}
     *         is read-only; CLOSED
     */
    void read(long offset, ByteBuffer dst);

    /**
     * Copies {@code src.remaining()} bytes from {@code src} into the window at
     * {@code offset}, advancing the buffer's position by that much.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if the range is out of the window
     *         (nothing is copied, the position does not move); PERMISSION_DENIED through a
     *         read-only mapping; CLOSED
     */
    void write(long offset, ByteBuffer src);

    /**
     * Sets {@code length} bytes from {@code offset} to {@code value}.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if the range is out of the window
     *         or {@code length} is negative; PERMISSION_DENIED through a read-only mapping;
     *         CLOSED
     */
    void fill(long offset, long length, byte value);

    // ----------------------------------------------------------------- atomic int

    /**
     * Reads the aligned int at {@code offset} with volatile semantics.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         4-byte aligned; CLOSED
     */
    int getIntVolatile(long offset);

    /**
     * Writes the aligned int at {@code offset} with volatile semantics.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         4-byte aligned; PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    void putIntVolatile(long offset, int value);

    /**
     * Reads the aligned int at {@code offset} with acquire semantics: later accesses are not
     * reordered before it.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         4-byte aligned; CLOSED
     */
    int getIntAcquire(long offset);

    /**
     * Writes the aligned int at {@code offset} with release semantics: earlier accesses are
     * not reordered after it.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         4-byte aligned; PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    void putIntRelease(long offset, int value);

    /**
     * Atomically sets the aligned int at {@code offset} to {@code newValue} if it equals
     * {@code expected}.
     *
     * @return whether the value was set
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         4-byte aligned; PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    boolean compareAndSetInt(long offset, int expected, int newValue);

    /**
     * Atomically adds {@code delta} to the aligned int at {@code offset} (wrapping on
     * overflow).
     *
     * @return the value before the addition
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         4-byte aligned; PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    int getAndAddInt(long offset, int delta);

    /**
     * Atomically replaces the aligned int at {@code offset}.
     *
     * @return the value before the replacement
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         4-byte aligned; PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    int getAndSetInt(long offset, int newValue);

    // ----------------------------------------------------------------- atomic long

    /**
     * Reads the aligned long at {@code offset} with volatile semantics.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         8-byte aligned; CLOSED
     */
    long getLongVolatile(long offset);

    /**
     * Writes the aligned long at {@code offset} with volatile semantics.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         8-byte aligned; PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    void putLongVolatile(long offset, long value);

    /**
     * Reads the aligned long at {@code offset} with acquire semantics.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         8-byte aligned; CLOSED
     */
    long getLongAcquire(long offset);

    /**
     * Writes the aligned long at {@code offset} with release semantics.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         8-byte aligned; PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    void putLongRelease(long offset, long value);

    /**
     * Atomically sets the aligned long at {@code offset} to {@code newValue} if it equals
     * {@code expected}.
     *
     * @return whether the value was set
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         8-byte aligned; PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    boolean compareAndSetLong(long offset, long expected, long newValue);

    /**
     * Atomically adds {@code delta} to the aligned long at {@code offset} (wrapping on
     * overflow).
     *
     * @return the value before the addition
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         8-byte aligned; PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    long getAndAddLong(long offset, long delta);

    /**
     * Atomically replaces the aligned long at {@code offset}.
     *
     * @return the value before the replacement
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if out of the window or not
     *         8-byte aligned; PERMISSION_DENIED through a read-only mapping; CLOSED
     */
    long getAndSetLong(long offset, long newValue);

    // ----------------------------------------------------------------- lifecycle

    /** Whether the mapping is closed. */
    boolean isClosed();

    /**
     * Unmaps the window. Idempotent. Afterwards every access fails with CLOSED and
     * {@link #address()} is no longer valid; the segment itself stays (and is freed only when
     * it is unlinked or anonymous and its last handle and mapping are closed).
     */
    @Override
    void close();
}
