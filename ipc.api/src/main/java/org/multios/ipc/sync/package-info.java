/**
 * Synchronization primitives shared between IPC processes: counting
 * {@link org.multios.ipc.sync.Semaphore semaphores}, owner-checked and robust
 * {@link org.multios.ipc.sync.Mutex mutexes}, and {@link org.multios.ipc.sync.Condition
 * condition variables}, each named (visible to other processes under the IPC root) or
 * anonymous. A {@link org.multios.ipc.sync.SyncService} creates, opens and unlinks them.
 *
 * <p>Every operation that can wait has three forms: blocking, non-blocking ({@code try...},
 * which reports "would block" through its return value, never by an exception) and timed
 * (with a {@link java.time.Duration}; {@link org.multios.ipc.IpcError#TIMEOUT} when the time
 * passes). An interrupt ends a wait with {@link org.multios.ipc.IpcError#INTERRUPTED} and keeps
 * the thread's interrupt flag set. Closing a handle, or the end of the process or of the
 * mechanism, wakes its waiters with {@link org.multios.ipc.IpcError#CLOSED}.
 *
 * <p>A robust mutex whose holding process dies (even by SIGKILL) is left locked by a thread that
 * no longer lives; the next locker finds it dead within a slice of its wait (about 100 ms), takes
 * the lock over and gets {@link org.multios.ipc.sync.LockResult#OWNER_DEAD}: it repairs what the
 * lock protects and calls {@link org.multios.ipc.sync.Mutex#markConsistent()}, or else the mutex
 * becomes not recoverable for every process at its unlock. Taking or releasing a free lock makes
 * no system call: the owner's identity is the lock word itself, set by the compare-and-set that
 * takes it.
 *
 * <p>The original specification's {@code create_semaphore(initial_value)},
 * {@code semaphore.wait(pid, timeout)} and {@code semaphore.post(pid)} are
 * {@link org.multios.ipc.sync.SyncService#createSemaphore(int)},
 * {@link org.multios.ipc.sync.Semaphore#acquire(java.time.Duration)} and
 * {@link org.multios.ipc.sync.Semaphore#release()}; the process is always the caller.
 */
@Export
@Version("2.1.0")
package org.multios.ipc.sync;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
