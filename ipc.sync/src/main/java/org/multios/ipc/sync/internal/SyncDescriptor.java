package org.multios.ipc.sync.internal;

import static org.multios.ipc.core.mapped.ObjectFileDescriptor.CACHE_LINE;

import java.nio.ByteOrder;

import org.multios.ipc.core.mapped.ObjectFileDescriptor;
import org.multios.ipc.core.step.CounterSlots;

/**
 * Layout of the file of a named synchronization object (semaphore, mutex, condition, event):
 * one page. After the common object header ({@link org.multios.ipc.core.mapped.ObjectFileDescriptor})
 * come the object's state words, then counters, each on its own cache line since every process
 * using the object updates them. Native byte order; the futex words are 4-byte aligned.
 *
 * <pre>
 *  offset
 *     0  +--------------------------------------------------------------+
 *        | common object header (64 bytes)                              |
 *    64  +--------------------------------------------------------------+
 *        | state (int, futex word)  | word 2 (int)  | word 3 (int)  ... |   see below
 *   128  +--------------------------------------------------------------+
 *        | lock word (long, low half the futex word) | home namespaces    |  mutex only
 *        | (long) | owner IPC process id (long) | hold count (int) |      |
 *        | flags (int)                                                  |
 *   192  +--------------------------------------------------------------+
 *        | event tickets (long): the last one a signal or reset drew    |  event only
 *   256  +--------------------------------------------------------------+
 *        | event data: 16 records of 2 longs, record = ticket mod 16;   |  event only
 *        | long 1: tag in the high 32 bits, the datum's low half below  |
 *        | long 2: tag, the datum's high half; tag = ticket mod 2^31    |
 *   512  +--------------------------------------------------------------+
 *        | wait strategy (int: kind + 1 in bits 0-3, budget in µs above)|
 *        | (unused int)                                                 |
 *   520  | creator (long): owner word of the creating process           |
 *   528  | creator's namespaces (long)                                  |
 *   536  | condition: 30 sleeper shares of 16 bytes: owner word (long), |
 *        | sleepers of that process (int), unused int (SleeperShares)   |
 *  1016  | (unused)                                                     |
 *  1024  +--------------------------------------------------------------+
 *        | counters: waits, timeouts, posts, acquisitions, contention,  |
 *        | handles now -- one long per 64-byte line                     |
 *  1408  | (unused)                                                     |
 *  1536  +--------------------------------------------------------------+
 *        | counter slot 0 (192 bytes):                                  |
 *        |   holder (long): owner word of the holding process, 0 free;  |
 *        |   rest of its line unused                                    |
 *        |   +64: 8 cells of 2 longs, one per step token of the holding |
 *        |   handle (StepGuard): acquisitions, posts                    |
 *  1728  | counter slot 1 ... slot 9 (ends at 3456)                     |
 *  3456  | (unused)                                                     |
 *  3584  +--------------------------------------------------------------+
 *        | creating IPC process, owner and group names (common header,  |
 *        | ObjectFileDescriptor)                                        |
 *  4096  +--------------------------------------------------------------+
 * </pre>
 *
 * Counters: the shared counters count what is counted atomically (waits, timeouts, contention,
 * handles; acquisitions and posts of handles without a counter slot or of steps outside a step
 * slot). A handle counts its acquisitions and posts in a counter slot of its own ({@code
 * org.multios.ipc.core.step.CounterSlots}): readers add every slot's cells, held or not, to the shared counter. The slots
 * lie in space that layout 3 left zero, so files made before them read right (no slot held, all
 * counts 0); a process of an older build reading a newer file misses the slots' counts.
 *
 * Semaphore: state = value, word 2 = maximum, word 3 = sleeping waiters.
 * Mutex: word 2 = options (bit 0 recursive, bit 1 robust); the state word is unused. The lock
 * word is 0 when free, else the owning OS thread as one owner word
 * ({@link org.multios.ipc.core.mapped.ProcessLiveness#ownerWord}), so that nobody ever reads an
 * owner half-written and a takeover compares-and-sets the exact owner it judged dead:
 * <pre>
 *   63                32 31      30       29   22 21            0
 *  [ start tick (low 32 | waiters | foreign | 0    | thread id     ]
 *  [ bits of field 22)  |         |         |      | (gettid)      ]
 * </pre>
 * Waiters sleep on its low half (offset 128 little-endian, 132 big-endian), which changes with
 * every owner and holds the waiters bit. The home namespaces (PID and time, see
 * {@link org.multios.ipc.core.mapped.ProcessLiveness#namespaces()}) are the creator's; owners from
 * other namespaces set the foreign bit and are never judged dead, nor does a process outside
 * them judge anyone. The owner IPC process id (the caller's, within the owning thread's JVM),
 * hold count and flags are written by the owner only. Flags: bit 0 inconsistent (the owner
 * died; not yet marked consistent), bit 1 not recoverable. Layout version 3 added the wait
 * strategy word; version 1 kept the owner's pid in the state word and its start and thread in
 * separate words.
 * Every kind: the creator's owner word ({@link org.multios.ipc.core.mapped.ProcessLiveness#ownerWord})
 * and namespaces are written once at creation, for garbage collection
 * ({@link org.multios.ipc.core.mapped.StaleObjects}); they were unused (0) space before, and a
 * file with 0 there has an unknown creator, which is never judged dead.
 * Condition: state = sequence number bumped by each signal, word 3 = sleeping waiters.
 * Event: state = (sequence &lt;&lt; 1) | signalled, where the sequence is the low 31 bits of the
 * ticket of the signal or reset published last; word 2 = type (0 auto-reset, 1 manual-reset);
 * word 3 = sleeping waiters. A signal draws a ticket, writes its datum into the record of its
 * ticket, each half tagged with the ticket (by a compare-and-set that leaves a half a later
 * ticket already wrote), then publishes its sequence with the signalled bit
 * by a compare-and-set that only moves the sequence forward; a reset publishes its own ticket
 * without the bit. A waiter takes an auto-reset event by a compare-and-set of the exact state
 * it read (sequence s, signalled) to (s, not signalled), after reading both halves of record s
 * and finding both tagged s; so each signal is taken at most once, with its own datum.
 */
final class SyncDescriptor {
    static final int LAYOUT_VERSION = 3;
    static final int FILE_LENGTH = 4096;

    static final int STATE = 64;
    static final int WORD2 = 68;
    static final int WORD3 = 72;

    static final int LOCK_WORD = 128;
    /** The half of the lock word that waiters sleep on: its low 32 bits. */
    static final int LOCK_FUTEX = LOCK_WORD + (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0 : 4);
    static final int HOME_NAMESPACE = 136;
    static final int OWNER_PROCESS = 144;
    static final int HOLD_COUNT = 152;
    static final int FLAGS = 156;
    /**
     * The hold count and flags read as one long at {@link #HOLD_COUNT} when the mutex is held once
     * and has no flag (native byte order): what a mutex's uncontended unlock expects.
     */
    static final long HELD_ONCE_NO_FLAGS = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 1L : 1L << 32;

    static final int EVENT_TICKETS = 192;
    static final int EVENT_RECORDS = 256;
    static final int EVENT_RECORD_COUNT = 16;
    static final int EVENT_RECORD_SIZE = 16;
    static final int EVENT_SIGNALLED = 1;

    /** The object's wait strategy (int, {@code WaitLoop.word}); layout 3. */
    static final int WAIT_STRATEGY = 512;
    /** The creating process's owner word (long), for garbage collection. */
    static final int CREATOR = 520;
    /** The creating process's namespaces (long). */
    static final int CREATOR_NAMESPACE = 528;
    /**
     * Condition: {@link #SLEEPER_SHARE_COUNT} entries of {@link #SLEEPER_SHARE_SIZE} bytes, one per
     * process whose threads sleep on it: owner word (long), sleepers (int) ({@code SleeperShares}).
     */
    static final int SLEEPER_SHARES = 536;
    static final int SLEEPER_SHARE_SIZE = 16;
    static final int SLEEPER_SHARE_COUNT = 30;

    static final int WAITS = 1024;
    static final int TIMEOUTS = WAITS + CACHE_LINE;
    static final int POSTS = WAITS + 2 * CACHE_LINE;
    static final int ACQUISITIONS = WAITS + 3 * CACHE_LINE;
    static final int CONTENTION = WAITS + 4 * CACHE_LINE;
    static final int HANDLES = WAITS + 5 * CACHE_LINE;

    /** The first counter slot; {@link #COUNTER_SLOT_COUNT} slots of {@link #COUNTER_SLOT_SIZE} bytes. */
    static final int COUNTER_SLOTS = 1536;
    static final int COUNTER_SLOT_SIZE = CounterSlots.slotSize(2);
    static final int COUNTER_SLOT_COUNT = (ObjectFileDescriptor.CREATOR_KIND_OFFSET - COUNTER_SLOTS) / COUNTER_SLOT_SIZE;
    /** The counter slots: two kinds, {@code SyncHandle.ACQUIRED} and {@code SyncHandle.POSTED}. */
    static final CounterSlots COUNTERS = new CounterSlots(COUNTER_SLOTS, COUNTER_SLOT_COUNT, 2, CREATOR_NAMESPACE);

    static final long MUTEX_WAITERS_BIT = 0x8000_0000L;
    static final int OPTION_RECURSIVE = 1;
    static final int OPTION_ROBUST = 2;
    static final int FLAG_INCONSISTENT = 1;
    static final int FLAG_NOT_RECOVERABLE = 2;

    private SyncDescriptor() {
    }
}
