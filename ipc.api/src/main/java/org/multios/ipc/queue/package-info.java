/**
 * Named priority message queues with POSIX message-queue semantics: the original
 * specification's {@code create_message_queue(name, max_msg_size, max_msgs, flags)}.
 *
 * <p>A queue holds up to {@link org.multios.ipc.queue.QueueAttributes#maxMessages()} messages
 * of up to {@link org.multios.ipc.queue.QueueAttributes#maxMessageSize()} bytes each, and
 * lives in the IPC root until unlinked, whether or not anyone has it open. A receive takes the
 * oldest message of the highest priority ({@link org.multios.ipc.Priority}: 0..31, higher
 * first, first in first out within a priority); each message is received exactly once, by any
 * of the processes that have the queue open. A queue created as a lane
 * ({@link org.multios.ipc.queue.QueueOptions#lane()}) keeps the order messages were sent in
 * instead, and serves its senders one at a time and its receivers one at a time.
 *
 * <p>A queue lives in memory (the IPC root) unless it was created with a
 * {@link org.multios.ipc.queue.QueueDurability} other than {@code NONE}: then it lives on disk,
 * in the durable root, and survives reboots and, as its level says, power loss. Names form one
 * namespace over both roots.
 *
 * <p>{@link org.multios.ipc.queue.QueueFlag} maps the POSIX open flags: a create opens the
 * queue if it exists ({@code O_CREAT}) unless {@link org.multios.ipc.queue.QueueFlag#EXCLUSIVE
 * EXCLUSIVE} ({@code O_EXCL}); {@link org.multios.ipc.queue.QueueFlag#NON_BLOCKING NON_BLOCKING}
 * ({@code O_NONBLOCK}) makes a handle's blocking operations fail with
 * {@link org.multios.ipc.IpcError#WOULD_BLOCK WOULD_BLOCK} instead of waiting.
 *
 * <p>Common rules of every operation in this package:
 * <ul>
 * <li>Every operation that can wait has three forms: blocking ({@code send}), non-blocking
 * ({@code trySend}, which reports "would block" by its return value, never by an exception)
 * and timed ({@code send(..., Duration)}, which fails with
 * {@link org.multios.ipc.IpcError#TIMEOUT TIMEOUT} when the timeout passes; a zero or negative
 * timeout makes one attempt without waiting; a timeout too long to represent waits without
 * limit).</li>
 * <li>An interrupted wait fails with {@link org.multios.ipc.IpcError#INTERRUPTED INTERRUPTED}
 * and the thread's interrupt flag stays set; nothing was sent or received.</li>
 * <li>A null argument (other than an optional {@link org.multios.ipc.MessageInfo}), an offset
 * or length outside the array, a read-only receive buffer or a priority outside 0..31 fails
 * with {@link org.multios.ipc.IpcError#INVALID_ARGUMENT INVALID_ARGUMENT}.</li>
 * <li>Operations on a closed handle fail with {@link org.multios.ipc.IpcError#CLOSED CLOSED};
 * operations the handle's {@link org.multios.ipc.Rights} do not cover fail with
 * {@link org.multios.ipc.IpcError#PERMISSION_DENIED PERMISSION_DENIED}.</li>
 * <li>Handles are thread-safe; the {@link org.multios.ipc.MessageInfo} holder is not (one per
 * receiving thread).</li>
 * </ul>
 *
 * <p>A handle of a {@code queue} exported by a network bridge follows the same rules, with the
 * delivery contract of {@link org.multios.ipc.net} for timeouts, interrupts and connection
 * loss.
 */
@Export
@Version("2.1.0")
package org.multios.ipc.queue;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
