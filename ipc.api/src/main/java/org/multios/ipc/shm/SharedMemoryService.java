package org.multios.ipc.shm;

import org.multios.ipc.Permissions;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates, opens and unlinks shared memory segments. A bundle-scoped service: the calling
 * bundle (or, outside OSGi, the calling OS process) is the process every handle belongs to.
 *
 * <p>Sizes are between 1 and the configured {@link org.multios.ipc.Limit#SEGMENT_SIZE}
 * (16 MiB by default); the bytes of the segments a process creates also count against its
 * {@link org.multios.ipc.Quota#SHARED_MEMORY_BYTES} quota. A new segment is filled with zeros.
 * Names are checked with {@link org.multios.ipc.IpcNames#requireValid} in the
 * {@link org.multios.ipc.ObjectType#SHARED_MEMORY} namespace before any file is touched.
 *
 * <p>A named create follows the platform's create rule (see {@link org.multios.ipc}): it opens
 * the segment if it exists, with the rights its permissions give (ALREADY_EXISTS if its size
 * differs; its contents and permissions are the existing segment's), and creates it otherwise;
 * {@link #create(String, long, int, boolean) exclusive} demands a new segment.
 */
@ProviderType
public interface SharedMemoryService {
    /**
     * Opens or creates a named segment; a new one gets the given owner, group and mode. The
     * creator's handle has every right the permissions give its process, always including
     * {@link org.multios.ipc.Rights#ADMIN} when it is the owner.
     *
     * @param name        the segment's name
     * @param size        bytes, 1 to {@link org.multios.ipc.Limit#SEGMENT_SIZE}
     * @param permissions owner, group and mode of the segment (and of its file)
     * @return a handle on the new segment
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a bad name or a size below 1;
     *         ALREADY_EXISTS if a segment of another size has that name; LIMIT_EXCEEDED if the size
     *         passes the segment size limit, or the object count or the caller's quota would be
     *         passed; PERMISSION_DENIED if the policy does not let the caller create it or give it
     *         that owner; IO_ERROR if the file cannot be made
     */
    SharedMemory create(String name, long size, Permissions permissions);

    /**
     * Opens or creates a named segment; a new one is owned by the calling process's user and
     * primary group, with the given mode. Otherwise as {@link #create(String, long, Permissions)}.
     *
     * @param mode POSIX mode bits, 0 to 0777 (for example {@code 0660})
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT also for a mode outside 0..0777
     */
    SharedMemory create(String name, long size, int mode);

    /**
     * Creates a named segment owned by the calling process's user and primary group; with
     * {@code exclusive}, only a new one will do (ALREADY_EXISTS if the name is taken), else as
     * {@link #create(String, long, int)}.
     *
     * @throws org.multios.ipc.IpcException as {@link #create(String, long, int)}
     */
    SharedMemory create(String name, long size, int mode, boolean exclusive);

    /**
     * Opens an existing named segment. The handle holds the rights the segment's permissions
     * and the policy give the caller; at least {@link org.multios.ipc.Rights#READ} is
     * required.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a bad name; NOT_FOUND if no
     *         segment has that name (an unlinked segment can no longer be opened);
     *         PERMISSION_DENIED without read right; CORRUPTED if the file is not a segment of
     *         this platform's format
     */
    SharedMemory open(String name);

    /**
     * Creates an anonymous segment, reachable only through the returned handle (and mappings
     * made from it). It is freed when its last handle and mapping are closed, or when the
     * creating process goes. This is the original specification's
     * {@code create_shared_memory(size)}.
     *
     * @param size bytes, 1 to {@link org.multios.ipc.Limit#SEGMENT_SIZE}
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a size below 1; LIMIT_EXCEEDED
     *         if the size passes the segment size limit, or the object count or the caller's
     *         quota would be passed
     */
    SharedMemory createAnonymous(long size);

    /**
     * Removes a segment's name, with POSIX {@code shm_unlink} semantics: the name is free at
     * once (a new segment may be created with it), while handles and mappings already open
     * stay usable; the memory is freed when the last of them is closed. Requires
     * {@link org.multios.ipc.Rights#ADMIN} on the segment.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a bad name; NOT_FOUND if no
     *         segment has that name; PERMISSION_DENIED without the admin right
     */
    void unlink(String name);
}
