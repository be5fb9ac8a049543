/**
 * Core types shared by every IPC mechanism: errors ({@link org.multios.ipc.IpcException},
 * {@link org.multios.ipc.IpcError}), the identity of an IPC process
 * ({@link org.multios.ipc.IpcProcess}), access control ({@link org.multios.ipc.Permissions},
 * {@link org.multios.ipc.Rights}), names, statistics, limits, quotas, the runtime view of
 * live objects and processes ({@link org.multios.ipc.IpcRuntime}) and the plain-Java
 * bootstrap ({@link org.multios.ipc.Ipc}).
 *
 * <h2>Creating a named object</h2>
 * Every mechanism's named {@code create} follows one rule, as POSIX {@code open} with
 * {@code O_CREAT}: it <b>opens the object if it exists and creates it otherwise</b>. An existing
 * object must have the options that shape it (a queue's sizes and durability, a segment's size,
 * a channel's buffer and message limits, a semaphore's maximum, a mutex's recursive and robust
 * settings, an event's type); if one differs the create fails with
 * {@link org.multios.ipc.IpcError#ALREADY_EXISTS} and a message naming the object, the option
 * and both values. Its state (a semaphore's value, an event's signal, messages, bytes) and its
 * owner and mode stay the existing object's, and the handle holds the rights those permissions
 * and the policy give the caller. An <b>exclusive</b> create (the {@code EXCLUSIVE} flag, an
 * {@code withExclusive(true)} option, or the {@code exclusive} argument, depending on the
 * mechanism, as {@code O_EXCL}) demands a new object and fails with ALREADY_EXISTS if the name
 * is taken. A component may therefore create its objects each time it is activated.
 *
 * <h2>The life of a named object</h2>
 * A named object belongs to no bundle: it lives in the IPC root (a file, or a FIFO, under
 * {@code /dev/shm/multios-ipc-<user>} by default) until someone with
 * {@link org.multios.ipc.Rights#ADMIN} unlinks it, or the machine restarts (durable queues live
 * on disk and survive that too). Closing a handle, stopping, updating or uninstalling the bundle
 * that made it, or stopping the gateway leaves it, with its contents, for the next open. Its
 * owner, group and mode are those it was created with (changed by {@code setPermissions}).
 * Who created it, the bundle (or plain program) and its OS process, is recorded next to its
 * owner in its owner record, which only the IPC root's OS user writes, and is its
 * {@link org.multios.ipc.ObjectInfo#creator()} in listings. Unlink an object when what it
 * carries has no further use (a bundle's own scratch objects when it is uninstalled, not when it
 * stops); unlinking frees the name at once while open handles keep working, as POSIX
 * {@code unlink}. What nobody unlinked is collected by {@link org.multios.ipc.IpcRuntime#collectStale()}
 * (the console's {@code ipc:gc}) once its creating process is gone for certain and no process
 * holds it (maps its file, or has its FIFO open): shared memory, semaphores, mutexes, condition
 * variables, events, named pipes, and queues and channels in which no message waits (a receiver
 * may not have come yet); never durable queues, nor an object whose creator was not recorded
 * (a file or FIFO another program made). A process whose maps or open files cannot be read (a
 * container's init, another user's process) might hold any object, so none is removed while one
 * exists; {@link org.multios.ipc.IpcRuntime#collectStaleObjects()} says which objects it kept so,
 * and names those processes ({@link org.multios.ipc.StaleCollection}). Anonymous objects are different: they go with
 * their last handle or their creator.
 */
@Export
@Version("3.2.0")
package org.multios.ipc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
