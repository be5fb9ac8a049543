package org.multios.ipc.sync.internal;

import static org.multios.ipc.shm.mapped.ObjectFileDescriptor.CACHE_LINE;

/**
 * Layout of the file of a named synchronization object (semaphore, mutex, condition, event):
 * one page. After the common object header ({@link org.multios.ipc.shm.mapped.ObjectFileDescriptor})
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
 *        | owner pid (long) | owner start ms (long) | owner thread (long)|  mutex only
 *        | owner IPC process id (long) | hold count (int) | flags (int) |
 *   192  +--------------------------------------------------------------+
 *        | event tickets (long): the last one a signal or reset drew    |  event only
 *   256  +--------------------------------------------------------------+
 *        | event data: 16 records of 2 longs, record = ticket mod 16;   |  event only
 *        | long 1: tag in the high 32 bits, the datum's low half below  |
 *        | long 2: tag, the datum's high half; tag = ticket mod 2^31    |
 *   512  +--------------------------------------------------------------+
 *        | (unused)                                                     |
 *  1024  +--------------------------------------------------------------+
 *        | counters: waits, timeouts, posts, acquisitions, contention,  |
 *        | handles now -- one long per 64-byte line                     |
 *  4096  +--------------------------------------------------------------+
 * </pre>
 *
 * Semaphore: state = value, word 2 = maximum, word 3 = sleeping waiters.
 * Mutex: state = 0 free, else the owner's pid, with bit 31 set when others sleep on it;
 * word 2 = options (bit 0 recursive, bit 1 robust). Flags: bit 0 inconsistent (the owner died;
 * not yet marked consistent), bit 1 not recoverable.
 * Condition: state = sequence number bumped by each signal, word 3 = sleeping waiters.
 * Event: state = (sequence &lt;&lt; 1) | signalled, where the sequence is the low 31 bits of the
 * ticket of the signal or reset published last; word 2 = type (0 auto-reset, 1 manual-reset);
 * word 3 = sleeping waiters. A signal draws a ticket, writes its datum into the record of its
 * ticket, each half tagged with the ticket, then publishes its sequence with the signalled bit
 * by a compare-and-set that only moves the sequence forward; a reset publishes its own ticket
 * without the bit. A waiter takes an auto-reset event by a compare-and-set of the exact state
 * it read (sequence s, signalled) to (s, not signalled), after reading both halves of record s
 * and finding both tagged s; so each signal is taken at most once, with its own datum.
 */
final class SyncDescriptor {
    static final int LAYOUT_VERSION = 2;
    static final int FILE_LENGTH = 4096;

    static final int STATE = 64;
    static final int WORD2 = 68;
    static final int WORD3 = 72;

    static final int OWNER_PID = 128;
    static final int OWNER_START = 136;
    static final int OWNER_THREAD = 144;
    static final int OWNER_PROCESS = 152;
    static final int HOLD_COUNT = 160;
    static final int FLAGS = 164;

    static final int EVENT_TICKETS = 192;
    static final int EVENT_RECORDS = 256;
    static final int EVENT_RECORD_COUNT = 16;
    static final int EVENT_RECORD_SIZE = 16;
    static final int EVENT_SIGNALLED = 1;

    static final int WAITS = 1024;
    static final int TIMEOUTS = WAITS + CACHE_LINE;
    static final int POSTS = WAITS + 2 * CACHE_LINE;
    static final int ACQUISITIONS = WAITS + 3 * CACHE_LINE;
    static final int CONTENTION = WAITS + 4 * CACHE_LINE;
    static final int HANDLES = WAITS + 5 * CACHE_LINE;

    static final int MUTEX_WAITERS_BIT = 0x8000_0000;
    static final int MUTEX_OWNER_MASK = 0x7fff_ffff;
    static final int OPTION_RECURSIVE = 1;
    static final int OPTION_ROBUST = 2;
    static final int FLAG_INCONSISTENT = 1;
    static final int FLAG_NOT_RECOVERABLE = 2;

    private SyncDescriptor() {
    }
}
