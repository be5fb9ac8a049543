/**
 * Unidirectional byte streams: the original specification's
 * {@code create_pipe(buffer_size, flags)}, unnamed and named.
 *
 * <p>A pipe carries bytes from its writers to its readers in order, through a buffer of
 * limited size; it keeps no message boundaries. An <em>unnamed</em> pipe
 * ({@link org.multios.ipc.pipe.PipeService#create}) lives on the heap and is reachable only
 * through its two ends, which may be given to other bundles. A <em>named</em> pipe is a real
 * FIFO in the pipe directory of the IPC root, so shell tools and native programs can read and
 * write it too; its buffer is the operating system's.
 *
 * <p>Common rules of every operation in this package:
 * <ul>
 * <li>Every operation that can wait has three forms: blocking ({@code read}), non-blocking
 * ({@code tryRead}, which reports "would block" by its return value, never by an exception)
 * and timed ({@code read(..., Duration)}). Timeouts follow the one rule of every timed form of
 * the platform (as on {@link org.multios.ipc.MessagePort}): a {@code null} or negative timeout
 * is {@link org.multios.ipc.IpcError#INVALID_ARGUMENT INVALID_ARGUMENT} and the call reads or
 * writes nothing; zero makes one attempt without waiting and fails with TIMEOUT if it moved no
 * byte; a timeout too long to represent in nanoseconds waits without limit. (Before 3.0 a
 * negative timeout made one attempt.)</li>
 * <li>An end opened or created with {@link org.multios.ipc.pipe.PipeFlag#NON_BLOCKING} makes
 * its blocking and timed forms fail with {@link org.multios.ipc.IpcError#WOULD_BLOCK
 * WOULD_BLOCK} instead of waiting, as {@code O_NONBLOCK}.</li>
 * <li>An interrupted wait fails with {@link org.multios.ipc.IpcError#INTERRUPTED INTERRUPTED}
 * and the thread's interrupt flag stays set.</li>
 * <li>A null argument, an offset or length outside the array or a read-only read buffer fails
 * with {@link org.multios.ipc.IpcError#INVALID_ARGUMENT INVALID_ARGUMENT}.</li>
 * <li>Operations on a closed handle fail with {@link org.multios.ipc.IpcError#CLOSED CLOSED};
 * reading needs {@link org.multios.ipc.Rights#READ}, writing
 * {@link org.multios.ipc.Rights#WRITE} (PERMISSION_DENIED).</li>
 * <li>Ends are thread-safe; concurrent reads on one pipe each get different bytes.</li>
 * </ul>
 */
@Export
@Version("3.0.0")
package org.multios.ipc.pipe;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
