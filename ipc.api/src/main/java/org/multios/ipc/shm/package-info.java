/**
 * Shared memory segments: named (POSIX {@code shm_open} semantics, visible to other processes
 * as a file under the IPC root) and anonymous (shared by the handles of this platform only).
 *
 * <p>A {@link org.multios.ipc.shm.SharedMemoryService} creates, opens and unlinks segments.
 * A {@link org.multios.ipc.shm.SharedMemory} handle is mapped into the calling process as a
 * {@link org.multios.ipc.shm.Mapping}: a bounds-checked window with plain, bulk and atomic
 * accessors. The original specification's {@code create_shared_memory(size)} is
 * {@link org.multios.ipc.shm.SharedMemoryService#createAnonymous(long)},
 * {@code shm.map_to_process(pid, address, permissions)} is
 * {@link org.multios.ipc.shm.SharedMemory#map(MapAccess)} (the process is the caller, the
 * address the mapping's own), and {@code shm.write(offset, data)} and
 * {@code shm.read(offset, buffer)} are the {@code write} and {@code read} methods of the
 * segment and of its mappings.
 *
 * <p>Offsets and sizes are {@code long}: the segment size limit
 * ({@link org.multios.ipc.Limit#SEGMENT_SIZE}) is configurable beyond 2 GiB.
 */
@Export
@Version("2.0.0")
package org.multios.ipc.shm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
