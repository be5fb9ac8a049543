/**
 * The synchronization objects' handles on their shared pages ({@link
 * org.multios.ipc.sync.internal.SyncDescriptor}); private to ipc.sync.
 *
 * <h2>Uncontended paths</h2>
 * A semaphore's {@code tryAcquire} or {@code release} and a mutex's {@code lock} are one step of
 * the handle's {@link org.multios.ipc.core.step.StepGuard} around one compare-and-set of the
 * shared word: the step is a release store to a slot of the calling thread (found by the
 * thread's identity, not its id), one volatile read of the handle's stop word (bits that closing, the session's closing,
 * revocation and a test hook set before they drain; any bit sends the step through every check
 * of the handle, its session and its grant: {@link org.multios.ipc.core.step.SteppedHandle}, the
 * base that ipc.channels' ports share), and a release store at the end, with no atomic
 * operation, because a revocation pays for the fence instead (it makes every thread of the
 * process pass a fence, {@link org.multios.ipc.core.mapped.ProcessFence}, and then waits for the
 * steps it sees under way; closing a handle marks it closed and drains its steps the same way
 * before it gives back what the handle holds, so a lock taken by a step that passed its check
 * just before is released by the close and none is taken after). A count is a plain store to the handle's own cell of acquisitions or
 * posts in the page ({@link org.multios.ipc.core.step.CounterSlots}: exact for every reader,
 * in any process, which adds every handle's cells); a mutex's {@code unlock} is one
 * compare-and-set back to 0. Where the fence is missing, the step is the grant's gate
 * ({@link org.multios.ipc.spi.Grant#enterStep}: one compare-and-set on a slot of the calling
 * thread).
 *
 * <h2>What a holder killed with SIGKILL leaves, and how the next locker recovers</h2>
 * A mutex's lock word is 0 or the owner word of the holding OS thread (thread id, start tick,
 * namespace bit and the waiters bit in one 64-bit word), written by the compare-and-set that
 * takes the lock; the rest of the owner record (the IPC process id, the hold count, written with
 * plain release stores on the same cache line) only means something beside that word. A holder
 * killed at any point therefore leaves either a free lock (it died before its compare-and-set or
 * after the one that freed it) or a lock word naming a thread that no longer lives, perhaps with
 * the waiters bit that sleepers set. Nothing else is in flight: there is no list of robust locks
 * for the kernel to walk. A locker that finds the lock held sleeps on the word's low half; the
 * mechanism's {@link org.multios.ipc.core.mapped.SleeperWatch} asks, at each of its checks
 * ({@link org.multios.ipc.core.mapped.SleeperWatch#CHECK_NANOS}),
 * {@link org.multios.ipc.core.mapped.ProcessLiveness} whether that owner is dead for certain (the
 * thread is gone or another thread has its id and another start tick; an owner in another PID
 * namespace, or one it cannot see, counts as alive) and wakes the locker, which judges the owner
 * itself (as an idling locker does once per check interval). If it is dead, the locker
 * compares-and-sets that exact word (waiters bit kept) to its own, so of several lockers judging
 * the same dead owner exactly one takes over, and a live owner is never replaced. A robust mutex taken over returns
 * OWNER_DEAD and is marked inconsistent until its new holder calls {@code markConsistent}; an
 * unlock without that makes it NOT_RECOVERABLE for every process. A non-robust mutex is simply
 * handed to the next locker. Waiters that slept through the holder's death lose no wake-up: the
 * one that took over unlocks with the waiters bit set and wakes the next; the others, woken by
 * the watch too, find the new owner alive and sleep again. {@code MutexKillStressTest} kills
 * holders of three processes at random moments and checks that nobody ever finds another inside.
 *
 * <h2>No lost wake-ups</h2>
 * A waiter first idles unannounced (its {@link org.multios.ipc.WaitStrategy}; adaptive spins learn
 * per handle through {@link org.multios.ipc.core.mapped.SpinHistory}, including waits that slept
 * and ended within the budget); then it announces itself (the semaphore's or condition's waiters
 * word, the mutex's waiters bit), re-checks its condition and sleeps only while the futex word
 * still holds what it read. A poster or unlocker changes the word first and reads the
 * announcement after it, both sequentially consistent, so it sees every waiter that may sleep and
 * makes a system call only then. A waiter that leaves without what it was woken for (timeout,
 * interrupt, close, revocation) passes the wake-up on.
 */
package org.multios.ipc.sync.internal;
