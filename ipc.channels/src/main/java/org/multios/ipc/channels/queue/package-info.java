/**
 * Named message queues: one {@link org.multios.ipc.channels.ring.PriorityRing} in a mapped file
 * under the queue directory of the IPC root (or the durable root), with its counters and a
 * listener record ({@link org.multios.ipc.channels.queue.QueueDescriptor}). Handles are
 * {@link org.multios.ipc.channels.ring.RingPort}s; what is queue-only here is the non-blocking
 * flag, listener registration, durability ({@code QueueFile.sent()} after each published
 * message, group commit, restart recovery). Durable queues outlive builds: files of the layout
 * before (queue layout 5, ring magic PRN3) are opened and used in their own layout
 * ({@code QueueDescriptor}). Private to ipc.channels.
 */
package org.multios.ipc.channels.queue;
