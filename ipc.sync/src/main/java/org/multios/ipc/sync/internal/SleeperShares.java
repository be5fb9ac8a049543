package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.CREATOR_NAMESPACE;
import static org.multios.ipc.sync.internal.SyncDescriptor.SLEEPER_SHARES;
import static org.multios.ipc.sync.internal.SyncDescriptor.SLEEPER_SHARE_COUNT;
import static org.multios.ipc.sync.internal.SyncDescriptor.SLEEPER_SHARE_SIZE;
import static org.multios.ipc.sync.internal.SyncDescriptor.WORD3;

import java.util.concurrent.atomic.AtomicLong;

import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;

/**
 * The sleepers of a semaphore, condition or event, counted so that those of a process killed in
 * its sleep can be counted out again. Word 3 counts every sleeper (signals read it to skip the wake-up when
 * nobody sleeps); each process also keeps its share of that count in an entry of its own
 * (owner word, {@link ProcessLiveness#ownerWord}, then an int), claimed on its first sleep and
 * kept while it lives. A share whose process is dead for certain is taken back out of word 3
 * when the sleepers are read ({@link #sleeping}), after a wake-up that found nobody asleep
 * ({@link #wokeNobody}) or when an entry is needed. A sleeper adds to word 3
 * before its share and takes from its share before word 3, so a share never exceeds what its
 * process added to word 3, and counting a dead share out never hides a live sleeper. Processes
 * beyond the entries, processes that cannot own shared objects and builds before the entries
 * count in word 3 alone, as do processes outside the object's home namespaces (their shares
 * could never be counted out: no process may judge their words) (files made before the entries
 * hold zeros there: every entry free).
 */
final class SleeperShares {
    /** An entry being counted out: claimed by nobody, judged by nobody. */
    private static final long RECLAIMING = -1L;
    /** The shortest time between two counts of dead shares after wake-ups that found nobody. */
    static final long RECLAIM_INTERVAL_NANOS = 10_000_000L;

    private final MappedRegion region;
    private final ProcessLiveness liveness = ProcessLiveness.system();
    /** This handle's entry, once found or claimed (a live process keeps it). */
    private volatile int mine = -1;
    /** When {@link #wokeNobody} may count dead shares out next. */
    private final AtomicLong nextReclaim = new AtomicLong(System.nanoTime());

    SleeperShares(MappedRegion region) {
        this.region = region;
    }

    /**
     * Counts a sleeper of this process in; returns its entry (or -1) for {@link #out}. The entry
     * is found (or claimed) first, so that the two adds follow each other at once: a process
     * killed between them leaves one sleeper too many in word 3 (one futex wake-up spent on
     * nobody), never one too few.
     */
    int in() {
        int e = entry();
        region.getAndAddInt(WORD3, 1);
        if (e >= 0) {
            region.getAndAddInt(share(e), 1);
        }
        return e;
    }

    /** Counts a sleeper out again. */
    void out(int entry) {
        if (entry >= 0) {
            region.getAndAddInt(share(entry), -1);
        }
        region.getAndAddInt(WORD3, -1);
    }

    /** The sleepers now, once the shares of dead processes are counted out. */
    int sleeping() {
        for (int e = 0; region.isWritable() && e < SLEEPER_SHARE_COUNT; e++) {
            reclaimIfDead(e);
        }
        return region.getIntVolatile(WORD3);
    }

    /**
     * After a wake-up that found nobody asleep while word 3 counted sleepers: counts out the
     * shares of processes dead for certain, at most once a {@link #RECLAIM_INTERVAL_NANOS} (a
     * sleeper between its count and its sleep is found by no wake-up either; its process lives,
     * so nothing of it is counted out).
     */
    void wokeNobody() {
        long now = System.nanoTime();
        long due = nextReclaim.get();
        if (now - due >= 0 && nextReclaim.compareAndSet(due, now + RECLAIM_INTERVAL_NANOS)) {
            sleeping();
        }
    }

    private int entry() {
        int e = mine;
        long home = region.getLongVolatile(CREATOR_NAMESPACE);
        if (!liveness.mayJudge(home)) {
            return -1; // its share could never be counted out: nobody here may judge it, nor it the others
        }
        long me;
        try {
            me = liveness.currentProcessWord(home);
        } catch (IpcException cannotOwn) {
            return -1;
        }
        if (e >= 0 && region.getLongVolatile(holder(e)) == me) {
            return e;
        }
        for (int i = 0; i < SLEEPER_SHARE_COUNT; i++) {
            if (region.getLongVolatile(holder(i)) == me) {
                return mine = i;
            }
        }
        for (int i = 0; i < SLEEPER_SHARE_COUNT; i++) {
            reclaimIfDead(i);
            if (region.compareAndSetLong(holder(i), 0, me)) {
                return mine = i;
            }
        }
        return -1;
    }

    /** Frees entry {@code e} if its process is dead for certain, taking its share out of word 3. */
    private void reclaimIfDead(int e) {
        long h = region.getLongVolatile(holder(e));
        if (h == 0 || h == RECLAIMING || !liveness.isOwnerDead(h, region.getLongVolatile(CREATOR_NAMESPACE))
                || !region.compareAndSetLong(holder(e), h, RECLAIMING)) {
            return;
        }
        int share = region.getIntVolatile(share(e)); // stable: its process is gone
        for (int w; share > 0 && !region.compareAndSetInt(WORD3, w = region.getIntVolatile(WORD3),
                w - Math.min(share, Math.max(w, 0)));) {
            // another sleeper came or went: again
        }
        region.putIntVolatile(share(e), 0);
        region.putLongRelease(holder(e), 0);
    }

    private static long holder(int e) {
        return SLEEPER_SHARES + (long) e * SLEEPER_SHARE_SIZE;
    }

    private static long share(int e) {
        return holder(e) + Long.BYTES;
    }
}
