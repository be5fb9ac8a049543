/**
 * Core types shared by every IPC mechanism: errors ({@link org.multios.ipc.IpcException},
 * {@link org.multios.ipc.IpcError}), the identity of an IPC process
 * ({@link org.multios.ipc.IpcProcess}), access control ({@link org.multios.ipc.Permissions},
 * {@link org.multios.ipc.Rights}), names, statistics, limits, quotas, the runtime view of
 * live objects and processes ({@link org.multios.ipc.IpcRuntime}) and the plain-Java
 * bootstrap ({@link org.multios.ipc.Ipc}).
 */
@Export
@Version("2.0.0")
package org.multios.ipc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
