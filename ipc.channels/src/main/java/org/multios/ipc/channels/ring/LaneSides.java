package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.LaneDescriptor.*;
import static org.multios.ipc.channels.ring.PriorityRingDescriptor.RECEIVERS_SLEEPING_OFFSET;
import static org.multios.ipc.channels.ring.PriorityRingDescriptor.SENDERS_SLEEPING_OFFSET;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessFence;
import org.multios.ipc.core.mapped.ProcessLiveness;

/**
 * The two sides of a {@link LaneRing}, each an owner word that one sender (one receiver) at a
 * time holds, in any process: taking it ({@link #acquire}), handing it back ({@link #release}),
 * and taking it over from an owner dead for certain ({@link LaneDescriptor}: what a takeover
 * recovers).
 *
 * <p>A side held within one call (a copy in or out) names this process ({@link #self}). A side
 * held across the caller's code (a claim until its commit, a handler reading in place) carries
 * {@link #ACROSS_CODE} and names the holding platform thread ({@link #acrossCode}): every
 * attachment, in this JVM or another process, then tells a thread that ended holding it (the
 * operating system has no such thread any more) from one that still does, and the holding thread
 * is told so through any handle rather than waiting for itself. A virtual thread has no
 * operating-system thread of its own (its carrier changes and may end while it lives), so its
 * hold names this process; and this attachment also keeps the thread that holds a side through
 * it, so that it takes over from one that ended whatever the word names (a virtual thread, a
 * process outside the lane's home namespaces, which never judges a word).
 *
 * <p><b>No fence on the hot path.</b> Handing a side back is a release store followed by reads of
 * the turned-away mark and the sleeper counts: a processor may let those reads pass the stores
 * before them. Where every process of the platform takes part in
 * {@link ProcessFence#serializeAll()} ({@link #UNFENCED}), the other side of each of those
 * handshakes pays instead: a try turned away fences all registered processes between its mark and
 * its second look, and a waiter about to sleep does where a side is held ({@link #settle}). Where
 * this process did not register (it cannot, or was told not to), its holders keep the fence (a
 * volatile store); where it cannot make the call at all, its waiters are woken by the sweep of
 * their watch ({@link LaneRing#sweepForSleepers}) if a holder of another process missed them. The
 * fence reaches the processes of one kernel: a lane shared between virtual machines (a memory
 * device both map) would lose wake-ups, and is not supported.
 */
final class LaneSides {
    /** What the lane recovers once a side was taken over from a dead process, and whom it wakes. */
    interface Recovery {
        /** @param senders the senders' side, else the receivers' */
        void tookOver(boolean senders);

        /**
         * A side taken over by a sweep, or one a try was turned away from, was handed back: wakes
         * whoever sleeps waiting for it.
         */
        void handedBack();
    }

    /** {@link #acquire}: the side is this thread's. */
    static final int ACQUIRED = 0;
    /**
     * The bit of an owner word that marks a side held across the caller's code (bit 31, which
     * {@link ProcessLiveness#ownerWord} leaves to its caller): a main thread's word, or a virtual
     * thread's hold, is otherwise its process's.
     */
    static final long ACROSS_CODE = 1L << 31;

    /**
     * Whether this process's holders hand a side back with no fence of their own (a release store):
     * it takes part in {@link ProcessFence#serializeAll()}, which waiters and turned-away tries run.
     */
    static final boolean UNFENCED = ProcessFence.isGlobalSupported();

    private static final ProcessLiveness LIVENESS = SlotRecovery.LIVENESS;
    private static final int SPINS = 128;

    /**
     * The thread that holds a side across its code through this attachment, with the word it
     * wrote: one immutable pair ({@link ThreadWord}), so that no reader sees one holder's thread
     * with another's word. It is published with a release store (no fence on the hot path), and
     * taking over from a thread that ended first swaps that very pair for null with a
     * compare-and-set, so of all the threads of this attachment (and its sweep) exactly one takes
     * that hold over: the word alone cannot tell, since every virtual thread's hold writes the same
     * one.
     */
    private static final class Holder {
        private static final VarHandle HELD;

        static {
            try {
                HELD = MethodHandles.lookup().findVarHandle(Holder.class, "held", ThreadWord.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // through HELD
        private ThreadWord held;
        /** The word of the thread that held this side across its code through this attachment last. */
        private volatile ThreadWord last = new ThreadWord(null, 0);

        void set(ThreadWord pair) {
            HELD.setRelease(this, pair);
        }

        ThreadWord held() {
            return (ThreadWord) HELD.getAcquire(this);
        }

        void clear() {
            if (held() != null) {
                HELD.setRelease(this, null);
            }
        }

        /** Clears {@code pair}, if it is still the one kept: true for one caller only. */
        boolean forget(ThreadWord pair) {
            return HELD.compareAndSet(this, pair, null);
        }
    }

    /** A thread's word, kept for {@link #acrossCode} (a lookup of two thread-locals otherwise). */
    private record ThreadWord(Thread thread, long word) {
    }

    private final MappedRegion region;
    private final RingWords words;
    private final long base;
    private final long home;
    /** The owner word of a side held within one call of this process. */
    final long self;
    private final Recovery recovery;
    /**
     * Whether this attachment fences every registered process where its waiters and turned-away
     * tries need it ({@link ProcessFence#serializeAll()}); if not (or no longer: a call the kernel
     * refused), its watch's sweep wakes them.
     */
    private volatile boolean fences;
    private final Holder claimer = new Holder();
    private final Holder taker = new Holder();
    /** When this attachment sweeps next ({@link #sweepIfDue}). */
    private final AtomicLong nextSweep = new AtomicLong(System.nanoTime());
    /** When a try of this attachment may check the liveness of the senders' (receivers') owner next. */
    private final AtomicLong nextSenderCheck = new AtomicLong(System.nanoTime());
    private final AtomicLong nextReceiverCheck = new AtomicLong(System.nanoTime());

    LaneSides(MappedRegion region, RingWords words, long base, long home, long self, Recovery recovery,
            boolean fences) {
        this.region = region;
        this.fences = fences;
        this.words = words;
        this.base = base;
        this.home = home;
        this.self = self;
        this.recovery = recovery;
    }

    /**
     * The owner word of a side ({@code word}) held across the caller's code by the calling
     * thread: its thread word, or, for a virtual thread, this process's; with {@link #ACROSS_CODE}.
     *
     * @throws IpcException UNSUPPORTED where this platform thread's id or start time cannot be read
     */
    long acrossCode(long word) {
        Thread t = Thread.currentThread();
        Holder h = holder(word);
        ThreadWord last = h.last;
        if (last.thread() == t) {
            return last.word();
        }
        long mine = (ProcessLiveness.isVirtual(t) ? self : LIVENESS.currentThreadWord(home)) | ACROSS_CODE;
        h.last = new ThreadWord(t, mine);
        return mine;
    }

    private Holder holder(long word) {
        return word == base + SENDER_OFFSET ? claimer : taker;
    }

    /**
     * Whether the calling thread holds the side whose owner word reads {@code owner} across its
     * own code: through this attachment (it is the thread kept, and the word is the one it
     * wrote), or through another, where the word names this very platform thread (a word of
     * another namespace can equal it by chance: not trusted).
     */
    private boolean heldByThisThread(long word, long owner) {
        if ((owner & ACROSS_CODE) == 0) {
            return false;
        }
        ThreadWord held = holder(word).held();
        if (held != null && held.thread() == Thread.currentThread()) {
            return held.word() == owner;
        }
        if ((owner & ProcessLiveness.OWNER_FOREIGN) != 0 || owner == (self | ACROSS_CODE)
                || ProcessLiveness.isVirtual(Thread.currentThread())) {
            return false;
        }
        try {
            return owner == acrossCode(word);
        } catch (IpcException noIdentity) {
            return false; // this thread cannot hold a side by its own word
        }
    }

    /**
     * Takes a side's owner word as {@code owner} ({@link #self} or {@link #acrossCode}): at once
     * if free; else spins a little, taking it over from a thread of this attachment that ended
     * holding it, and, at most once a {@link SlotRecovery#LIVENESS_CHECK_NANOS} a side, from an
     * owner dead for certain (a process killed, a platform thread that ended with a claim open or
     * a handler unfinished); and gives up. A try never waits longer: a side held reads as a full
     * (empty) lane, and the caller waits as its wait strategy says, woken when the side is handed
     * back ({@link #release}) or taken over by a sweep.
     *
     * @return {@link #ACQUIRED}; {@link RingStatus#BUSY} held by another thread or process;
     *         {@link RingStatus#HELD_BY_THIS_THREAD} where this very thread holds the side across
     *         its own code (a claim still open, a handler that sends or receives again)
     */
    int acquire(long word, long owner) {
        if (words.compareAndSetLong(word, 0, owner)) {
            return acquired(word, owner);
        }
        if (heldByThisThread(word, words.getLongVolatile(word))) {
            return RingStatus.HELD_BY_THIS_THREAD;
        }
        for (int spins = 0; spins < SPINS; spins++) {
            long holder = words.getLongVolatile(word);
            if (holder == 0) {
                if (words.compareAndSetLong(word, 0, owner)) {
                    return acquired(word, owner);
                }
                continue;
            }
            if (fromEnded(word, holder, owner)) {
                tookOver(word);
                return acquired(word, owner);
            }
            Thread.onSpinWait();
        }
        long holder = words.getLongVolatile(word);
        boolean senders = word == base + SENDER_OFFSET;
        if (judgeable(holder) && livenessDue(senders ? nextSenderCheck : nextReceiverCheck)
                && isOwnerDead(holder) && words.compareAndSetLong(word, holder, owner)) {
            tookOver(word);
            return acquired(word, owner);
        }
        // turned away: a caller counted in as a sleeper (it may sleep on a sequence read before this
        // try) says so where the holder looks when it hands the side back (release), fences the
        // holder (which has no fence of its own between its store and that read), then looks again:
        // one of the two sees the other. A caller not counted in tries again before it sleeps, so
        // a spinning try behind a long hold costs nobody a fence.
        if (words.getIntVolatile(senders ? base + SENDERS_SLEEPING_OFFSET : base + RECEIVERS_SLEEPING_OFFSET) > 0) {
            words.putLongVolatile(turnedAway(word), 1);
            fence();
        }
        if (words.getLongVolatile(word) == 0 && words.compareAndSetLong(word, 0, owner)) {
            return acquired(word, owner);
        }
        return RingStatus.BUSY;
    }

    /**
     * Takes the side over as {@code owner} from a thread of this attachment that ended holding it,
     * where the word still reads {@code holder}, the one it wrote: whether or not the operating
     * system, or another process, could judge that word.
     */
    private boolean fromEnded(long word, long holder, long owner) {
        Holder h = holder(word);
        ThreadWord held = h.held();
        return held != null && !held.thread().isAlive() && held.word() == holder && h.forget(held)
                && words.compareAndSetLong(word, holder, owner);
    }

    /** Keeps the thread holding the side across its code through this attachment. */
    private int acquired(long word, long owner) {
        if ((owner & ACROSS_CODE) != 0) {
            Holder h = holder(word);
            ThreadWord mine = h.last; // acrossCode's, for this very thread and word: no allocation
            h.set(mine.thread() == Thread.currentThread() && mine.word() == owner ? mine
                    : new ThreadWord(Thread.currentThread(), owner));
        }
        return ACQUIRED;
    }

    /** Whether a held word names someone whose liveness says something: not this live process. */
    private boolean judgeable(long holder) {
        return holder != 0 && (holder & ~ACROSS_CODE) != self;
    }

    /** The word where tries turned away from a side say so. */
    private long turnedAway(long word) {
        return word == base + SENDER_OFFSET ? base + SENDERS_TURNED_AWAY_OFFSET : base + RECEIVERS_TURNED_AWAY_OFFSET;
    }

    /** Whether a liveness check (a read of /proc) is due for a side, at most one a {@link SlotRecovery#LIVENESS_CHECK_NANOS}. */
    private static boolean livenessDue(AtomicLong next) {
        long now = System.nanoTime();
        long due = next.get();
        return now - due >= 0 && next.compareAndSet(due, now + SlotRecovery.LIVENESS_CHECK_NANOS);
    }

    /**
     * Fails unless the side's owner word still reads {@code owner}, as its holder wrote it: a
     * holder ever taken over (judged dead, which a live holder never is) must neither publish nor
     * hand back anything.
     *
     * @throws IpcException CORRUPTED naming {@code what} and the operation {@code held}
     */
    void requireHeld(long word, long owner, String what, String held) {
        if (words.getLongVolatile(word) != owner) {
            throw new IpcException(IpcError.CORRUPTED, what + ": " + held + " of this thread was taken over (its"
                    + " holder judged dead); nothing of it is published");
        }
    }

    /**
     * Before a waiter counted in as a sleeper (RingSignals) tries a last time and sleeps: where a
     * side is held, its holder may hand it back and read the sleeper counts with no fence between
     * ({@link #UNFENCED}), so every registered process passes one first. Then the holder either
     * made its stores (the message, the room, the side handed back) visible before its fence, and
     * the waiter's last try sees them, or reads the counts after it, and sees the waiter. Where
     * both sides read free, no fence is needed: a holder that takes a side after these reads
     * takes it with a compare-and-set, so its reads of the counts come after the waiter counted
     * itself in, and one that handed it back before them made everything visible.
     */
    void settle() {
        if (words.getLongVolatile(base + SENDER_OFFSET) != 0 || words.getLongVolatile(base + RECEIVER_OFFSET) != 0) {
            fence();
        }
    }

    /**
     * Fences every registered process, if this attachment does ({@link #fences}); from a refusal
     * on (the kernel accepted the call at registration: out of memory), never, and its watch's
     * sweep wakes its sleepers instead. The watch sweeps for one attachment of a word, so a
     * sleeper of another attachment of this lane may then sleep to the end of its slice (at most
     * {@code SleeperWatch.LONGEST_SLEEP_NANOS}).
     */
    private void fence() {
        if (fences && !ProcessFence.serializeAll()) {
            fences = false;
        }
    }

    /** Whether this attachment's waiters rely on its watch's sweep rather than a fence ({@link #fences}). */
    boolean sweepWakes() {
        return !fences;
    }

    /**
     * Hands a side back: a release store (a volatile one where this process cannot take part in
     * the fence of waiters, {@link #UNFENCED}); the waiters' side of the handshake with the
     * sleeper counts read after it is {@link #settle}. Where a try was turned away meanwhile, its
     * caller may sleep on a sequence read before it, whatever this holder's own operation found
     * (nothing, no room for a larger message): the mark is cleared, then sleepers are woken
     * ({@link Recovery#handedBack}), so a try turned away later leaves its mark for the next
     * holder.
     */
    void release(long word) {
        holder(word).clear();
        if (UNFENCED) {
            words.putLongRelease(word, 0);
        } else {
            words.putLongVolatile(word, 0);
        }
        long turnedAway = turnedAway(word);
        if (words.getLongVolatile(turnedAway) != 0) {
            words.putLongVolatile(turnedAway, 0);
            recovery.handedBack();
        }
    }

    /**
     * Takes over the sides whose owner words name owners dead for certain, or a thread of this
     * attachment that ended holding one, at most every {@link SlotRecovery#SWEEP_INTERVAL_NANOS}:
     * senders asleep for room behind a receiver that died holding its side (receivers asleep
     * behind a thread that ended with a claim open) get the side back without anyone else coming
     * by.
     */
    void sweepIfDue() {
        long now = System.nanoTime();
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + SlotRecovery.SWEEP_INTERVAL_NANOS)) {
            sweep(base + SENDER_OFFSET);
            sweep(base + RECEIVER_OFFSET);
        }
    }

    private void sweep(long word) {
        long owner = words.getLongVolatile(word);
        if (owner == 0) {
            return;
        }
        if (fromEnded(word, owner, self) || judgeable(owner) && isOwnerDead(owner)
                && words.compareAndSetLong(word, owner, self)) {
            tookOver(word);
            release(word);
            recovery.handedBack();
        }
    }

    /** After taking a dead owner's word: counted, and what the lane recovers for that side. */
    private void tookOver(long word) {
        region.getAndAddLong(base + RECOVERED_OFFSET, 1);
        recovery.tookOver(word == base + SENDER_OFFSET);
    }

    /** Whether the process (or thread) of an owner word is dead for certain, in the lane's home namespaces. */
    boolean isOwnerDead(long owner) {
        return LIVENESS.isOwnerDead(owner, home);
    }
}
