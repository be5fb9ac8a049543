/**
 * The mapped-memory layer that every cross-process object builds on: regions of memory-mapped
 * files of any size with bounds-free flyweight access and atomic word operations
 * ({@link org.multios.ipc.core.mapped.MappedRegion}) and, for hot paths, the same words of a
 * region's first chunk through their native address
 * ({@link org.multios.ipc.core.mapped.MappedWords}), the common file header of every named
 * object ({@link org.multios.ipc.core.mapped.ObjectFileDescriptor}), the one base of an object in
 * a file, its identity, creator and permissions, that queues, channels, segments and
 * synchronization objects extend ({@link org.multios.ipc.core.mapped.ObjectFile}), the per-kind
 * directories under the IPC root ({@link org.multios.ipc.core.mapped.ObjectDirectory}), who owns
 * and created an object ({@link org.multios.ipc.core.mapped.ObjectOwners}), files moved aside for
 * removal ({@link org.multios.ipc.core.mapped.ObjectQuarantine}) and the question of which
 * processes map a file ({@link org.multios.ipc.core.mapped.ProcessMaps}), and a fence through
 * every thread of the process that lets a hot path order a store before a load with no fence of
 * its own ({@link org.multios.ipc.core.mapped.ProcessFence}).
 *
 * <p><b>Waiting and waking</b> ({@link org.multios.ipc.core.mapped.Futex},
 * {@link org.multios.ipc.core.mapped.WaitLoop}). Every waiting operation of every mechanism has
 * the same shape, and the same argument keeps it free of lost wake-ups:
 * <ol>
 * <li>Try. On failure, idle without telling anyone, as the
 * {@link org.multios.ipc.WaitStrategy} says ({@code WaitLoop.idle}: spin, yield, park), trying
 * again at every pass and checking closing, revocation, interruption and the deadline. A
 * signaller cannot see such a waiter and pays nothing for it. {@code SPIN} stays here.</li>
 * <li>Once the budget is spent, announce: add one to a sleeper count (or set a waiters bit) in
 * the shared file with a sequentially consistent read-modify-write.</li>
 * <li>Loop: read the futex word (a sequence, or the state itself), try again, then
 * {@code Futex.await} while the word still holds what was read, through the mechanism's
 * {@link org.multios.ipc.core.mapped.SleeperWatch}, for at most
 * {@link org.multios.ipc.core.mapped.SleeperWatch#LONGEST_SLEEP_NANOS}.</li>
 * <li>On the way out, withdraw the announcement; a waiter that leaves without what it was woken
 * for passes the wake-up on.</li>
 * </ol>
 * A signaller makes its change visible first (a volatile write or compare-and-set of the ring
 * entry, the value, the lock word), then reads the sleeper count; only if it is not zero does it
 * change the futex word (bump the sequence) and call {@code Futex.wake}. Waiter and signaller
 * each write one word and then read the other's, and all four accesses are sequentially
 * consistent, so at least one sees the other's write (the Dekker argument): either the
 * signaller sees the sleeper and changes the futex word and wakes (a waiter not yet in the
 * kernel finds the word changed, and {@code FUTEX_WAIT} returns at once), or the waiter's try
 * after announcing sees the change and does not sleep. The kernel checks the word and queues the
 * sleeper atomically, so no wake-up falls between the last try and the sleep. An idle sleeper
 * costs next to nothing: it wakes when signalled, at its deadline, when the mechanism's watch
 * finds its thread interrupted or its reason to stop holding (its handle closed or its grant
 * revoked after its last check, a mutex holder dead), within
 * {@link org.multios.ipc.core.mapped.SleeperWatch#CHECK_NANOS}, and otherwise only once per
 * longest sleep (5 s), which only a word cut off by truncating its file needs. Closing and
 * revoking also wake sleepers directly; the watch bounds a wake that fell just before the sleep.
 * Tests of wake-ups set an hour-long sleep, so that a lost one hangs. A process killed while
 * announced leaves the count too high, which only makes signallers wake nobody (a system call),
 * never miss anybody.
 *
 * <p><b>The fence paid by the sleeper.</b> A hot path may leave out the fence between its change
 * and its read of the sleeper count (a release store, then a plain read) where the waiter pays for
 * both: before its last try, a waiter that has announced calls
 * {@link org.multios.ipc.core.mapped.ProcessFence#serializeAll()}, which makes every thread of
 * every registered process pass a full fence. Whatever point of the signaller's program that
 * fence lands on, its change came before it (and the waiter's last try, after the call, sees it)
 * or its read of the count came after it (and sees the announcement, made before the call). A
 * lane of ipc.channels works so (its {@code LaneSides}): a waiter fences only where an operation
 * is under way, a sender's or receiver's side held; where this process cannot register, its
 * signallers keep their fence and its sleepers are also woken by their watch's sweep.
 *
 * <p>For mechanism bundles (ipc.shm, ipc.channels, ipc.sync); client bundles use the API.
 */
@Export
@Version("6.7.0")
package org.multios.ipc.core.mapped;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
