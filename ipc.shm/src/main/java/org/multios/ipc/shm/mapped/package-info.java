/**
 * The mapped-memory layer that every cross-process object builds on: regions of memory-mapped
 * files of any size with bounds-free flyweight access and atomic word operations
 * ({@link org.multios.ipc.shm.mapped.MappedRegion}), the common file header of every named
 * object ({@link org.multios.ipc.shm.mapped.ObjectFileDescriptor}), the per-kind directories
 * under the IPC root ({@link org.multios.ipc.shm.mapped.ObjectDirectory}), files moved aside for
 * removal ({@link org.multios.ipc.shm.mapped.ObjectQuarantine}) and the question of which
 * processes map a file ({@link org.multios.ipc.shm.mapped.ProcessMaps}).
 *
 * <p>An SPI for mechanism bundles (ipc.channels, ipc.sync); client bundles use the API.
 */
@Export
@Version("3.1.0")
package org.multios.ipc.shm.mapped;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
