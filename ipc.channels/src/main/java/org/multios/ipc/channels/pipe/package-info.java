/**
 * Pipes: unnamed pipes between bundles as byte rings on the heap, and named pipes as FIFOs in
 * the pipe directory of the IPC root, opened natively (no link followed, identity checked) and
 * then read and written through JDK file channels on them
 * ({@link org.multios.ipc.channels.pipe.FifoDescriptors}). Waits follow the end's wait strategy
 * ({@link org.multios.ipc.channels.pipe.PipeWait}): idle steps that only probe, then a sleep
 * in the kernel that a peer, closing or revocation ends. Private to ipc.channels.
 *
 * <p>No lost wake-up: a FIFO waiter sleeps either in the kernel's own {@code read} or
 * {@code write} on a blocking descriptor of the FIFO (the kernel's pipe wakes it; closing,
 * revocation and interrupts close that descriptor's channel, which signals the sleeper and waits
 * until it has left the call), or in {@code poll}, which reports the FIFO's state when it starts
 * (level-triggered), and on an eventfd that closing and revocation write. An unnamed pipe's
 * waiter (one per side: a side's lock is held for a whole read or write) announces itself as its
 * side's sleeper with a volatile write, then looks at the ring's positions, the ends and its
 * grant again before it parks; every change it waits for (the other side's position, an end
 * closed, the grant revoked) is a volatile write made before its maker reads the sleeper and
 * unparks it, so one of the two sees the other
 * ({@link org.multios.ipc.channels.pipe.UnnamedPipe}).
 */
package org.multios.ipc.channels.pipe;
