/**
 * The shared message ring and the one message port built on it, for queues and channels alike.
 * Private to ipc.channels.
 *
 * <p><b>The ring</b>, {@link org.multios.ipc.channels.ring.PriorityRing}, is one object built in
 * layers, each holding one concern and calling the layer above only through the abstract methods
 * it declares (so the hot paths reach every word through final fields of one object):
 * <ol>
 * <li>{@link org.multios.ipc.channels.ring.RingLayout}: where the words lie (the layout is
 * {@link org.multios.ipc.channels.ring.PriorityRingDescriptor}'s, with its diagram; two layouts
 * that differ only in the free ring's length, which the ring's magic gives: PRN4, twice a
 * priority's entries, for new rings, and PRN3, as many, for files of earlier builds, one code path
 * for both), the slot
 * header, and the two parts that stand alone:
 * {@link org.multios.ipc.channels.ring.PriorityBitmap} (non-empty priorities) and
 * {@link org.multios.ipc.channels.ring.RingSignals} (futex sequences and sleeper counts, the
 * waiting protocol); the words every message reads and writes go through
 * {@link org.multios.ipc.channels.ring.RingWords} (the mapping's native addresses where the ring
 * lies in the region's first chunk), the message bytes through the region;</li>
 * <li>{@link org.multios.ipc.channels.ring.IndexRings}: the free ring and one ring of slot
 * indices per priority, one compare-and-set per enqueue or take, bounded loops;</li>
 * <li>{@link org.multios.ipc.channels.ring.ByteBudget}: the bytes word and its pending op;</li>
 * <li>{@link org.multios.ipc.channels.ring.SlotRecovery}: slot ownership, waiting on a foreign
 * owner, and recovering the slots of dead ones;</li>
 * <li>{@link org.multios.ipc.channels.ring.SlotTransfers}: the halves of a send (claim, commit,
 * abort) and of a receive (take, consumed), the caller writing or reading the slot in place;</li>
 * <li>{@link org.multios.ipc.channels.ring.PriorityRing}: the copying sends and receives,
 * attaching and laying out.</li>
 * </ol>
 * Outcomes are the codes of {@link org.multios.ipc.channels.ring.RingStatus}; the steps at which
 * tests pause or kill a thread are {@link org.multios.ipc.channels.ring.RingSteps}.
 *
 * <p><b>The port</b>, {@link org.multios.ipc.channels.ring.RingPort}, is the one implementation
 * of {@link org.multios.ipc.MessagePort}: checks, blocking, timed and non-blocking sends and
 * receives, waiting and sleeping, statistics (through its subclass), and, through
 * {@link org.multios.ipc.channels.ring.InPlacePort}, claims, drains and batches. A queue handle
 * is a port on one ring; a channel end sends to the ring received at the other end. The callers'
 * sessions ({@link org.multios.ipc.channels.ring.PortSession},
 * {@link org.multios.ipc.channels.ring.PortSessions}) hold the handles and the quota of queued
 * messages, and give both mechanisms one {@code releasing()}.
 *
 * <p><b>The file</b>: a queue's and a channel's file share the common header's checks, the
 * creator it records and the counter block of a message direction
 * ({@link org.multios.ipc.channels.ring.PortFiles}); QueueFile and ChannelFile keep their own
 * headers (sizes, durability, listener; the two directions and ends).
 *
 * <p><b>The mechanisms</b>: the message queue and channel mechanisms share their limits, default
 * wait strategy, sessions and closing ({@link org.multios.ipc.channels.ring.PortMechanism}).
 */
package org.multios.ipc.channels.ring;
