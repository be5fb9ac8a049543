/**
 * Bidirectional message channels: two {@link org.multios.ipc.channels.ring.PriorityRing}s, one
 * per direction, or two {@link org.multios.ipc.channels.ring.LaneRing}s for a channel made with
 * lanes (channel layout 9), in one mapped file, named under the channel directory of the IPC root or
 * anonymous (an unlinked file reachable only through its handles). Each end is a
 * {@link org.multios.ipc.channels.ring.RingPort} that sends to the other end's ring; what is
 * channel-only here is the peer (an anonymous end closed for good) and the per-direction
 * statistics: messages and bytes counted per handle in counter slots of its end
 * ({@link org.multios.ipc.core.step.CounterSlots}, {@link org.multios.ipc.channels.channel.ChannelDescriptor}),
 * summed with the shared counters when read. A named channel's file outlives the processes that
 * use it, so files of the layout before (channel layout 6, ring magic PRN3) are opened and used in
 * their own layout. Private to ipc.channels.
 */
package org.multios.ipc.channels.channel;
