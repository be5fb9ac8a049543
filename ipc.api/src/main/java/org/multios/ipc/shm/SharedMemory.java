package org.multios.ipc.shm;

import org.multios.ipc.IpcObject;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on a shared memory segment ({@link org.multios.ipc.ObjectType#SHARED_MEMORY}).
 * Thread-safe. The segment's contents are reached through {@link Mapping mappings}; its
 * statistics ({@link #statistics()}) count bytes read and written through every mapping of
 * this platform, and {@link org.multios.ipc.Counter#HANDLES} counts open handles and mappings.
 *
 * <p>As with POSIX {@code close} after {@code mmap}, closing the handle does not unmap the
 * mappings made from it: they stay usable until each is closed, or until the process goes.
 */
@ProviderType
public interface SharedMemory extends IpcObject {
    /** The segment's size in bytes, fixed at creation. */
    long size();

    /**
     * Maps the whole segment into the calling process. This is the original specification's
     * {@code shm.map_to_process(pid, address, permissions)}: the process is the caller and the
     * address is chosen by the platform ({@link Mapping#address()}). Does not block.
     *
     * @param access read-only, or read and write
     * @return a new mapping, to be closed by the caller
     * @throws org.multios.ipc.IpcException CLOSED if this handle is closed; PERMISSION_DENIED if
     *         the handle lacks the rights the access needs ({@link MapAccess#requiredRights()});
     *         IO_ERROR if the operating system refuses the mapping
     */
    Mapping map(MapAccess access);

    /**
     * Maps a window of the segment: bytes {@code offset} to {@code offset + length - 1}.
     * Offsets given to the mapping are relative to the window's start; alignment of atomic
     * accesses is checked against the segment's start. Does not block.
     *
     * @param access read-only, or read and write
     * @param offset the window's first byte in the segment, 0 or more
     * @param length the window's size, 1 or more, with {@code offset + length <= size()}
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if the window is empty or does not
     *         lie within the segment; CLOSED; PERMISSION_DENIED; IO_ERROR as
     *         {@link #map(MapAccess)}
     */
    Mapping map(MapAccess access, long offset, long length);

    /**
     * Copies {@code data} into the segment at {@code offset}: the original specification's
     * {@code shm.write(offset, data)}. A plain (not atomic) copy. Requires
     * {@link org.multios.ipc.Rights#WRITE}. Does not block.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if {@code offset} is negative or
     *         the data would pass the end of the segment (nothing is written); CLOSED;
     *         PERMISSION_DENIED without write right
     */
    void write(long offset, byte[] data);

    /**
     * Copies bytes from the segment at {@code offset} into the whole of {@code buffer}: the
     * original specification's {@code shm.read(offset, buffer)}. A plain (not atomic) copy.
     * Requires {@link org.multios.ipc.Rights#READ}. Does not block.
     *
     * @return the number of bytes copied, {@code buffer.length}
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if {@code offset} is negative or
     *         the buffer would reach past the end of the segment (nothing is read); CLOSED;
     *         PERMISSION_DENIED without read right
     */
    int read(long offset, byte[] buffer);

    /** Whether the segment's name has been unlinked (always false for anonymous segments). */
    boolean isUnlinked();
}
