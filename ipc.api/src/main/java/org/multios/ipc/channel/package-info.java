/**
 * Bidirectional message channels: the original specification's {@code create_channel},
 * {@code send} and {@code receive}.
 *
 * <p>A channel has two ends, {@link org.multios.ipc.channel.ChannelSide#A A} and
 * {@link org.multios.ipc.channel.ChannelSide#B B}. What is sent through an end is received at
 * the other end, in both directions at once; each direction has its own buffer of
 * {@link org.multios.ipc.channel.ChannelOptions#bufferSize()} bytes (and, if set,
 * {@link org.multios.ipc.channel.ChannelOptions#maxMessages()} messages). Several handles, in
 * several processes, may be open on the same end: their sends go into the same direction and
 * every message is received exactly once, by one of the receivers of the other end.
 *
 * <p>Messages are byte sequences of 0 to
 * {@link org.multios.ipc.channel.ChannelOptions#maxMessageSize()} bytes with a priority
 * {@value org.multios.ipc.Priority#MIN} to {@value org.multios.ipc.Priority#MAX}
 * ({@link org.multios.ipc.Priority}): higher priorities are received first, messages of one
 * priority in the order they were sent; a channel of lanes
 * ({@link org.multios.ipc.channel.ChannelOptions#lane()}) keeps the order sent whatever the
 * priority, and serves one sender and one receiver of a direction at a time. A message is sent and received whole; nothing a send
 * accepted is lost, and nothing a failed send offered is queued.
 *
 * <p>{@link org.multios.ipc.channel.ChannelService} is a bundle-scoped service: the calling
 * bundle is the process that owns the handles it creates or opens. Anonymous channels
 * ({@link org.multios.ipc.channel.ChannelService#create(ChannelOptions)}) are reachable only
 * through their handles; named channels live in the IPC root until unlinked and are opened by
 * name, end and rights.
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
 * <p>A handle of a {@code channel} exported by a network bridge follows the same rules, with the
 * delivery contract of {@link org.multios.ipc.net} for timeouts, interrupts and connection
 * loss.
 */
@Export
@Version("2.2.0")
package org.multios.ipc.channel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
