package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;

/**
 * A robust mutex never has two holders and never strands its waiters while its holders are
 * killed with SIGKILL at random moments: {@value #CHILDREN} child JVMs lock and unlock it without
 * pause ({@code hammer} in {@link SyncChildMain}), each checking inside that nobody else is; the
 * test kills one at a time at seeded random moments, starts a replacement, and after each kill
 * requires the survivors to get through the lock again (a waiter asleep on the dead holder's lock
 * must find it dead and take it over, or be woken by whoever did).
 *
 * <pre>
 * state segment (every word on its own cache line)
 *    0  int   STOP        set by the test: the children leave their loops
 *   64  int   INSIDE      holders inside: +1 on entry, -1 on exit (a killed holder's is cleared on takeover)
 *  128  long  HOLDER      pid of the holder inside
 *  192  long  VIOLATIONS  entries that found someone else inside
 *  256  long  ENTRIES     sections completed
 *  320  long  TAKEOVERS   locks that returned OWNER_DEAD
 * </pre>
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MutexKillStressTest extends CrossProcessSyncSupport {
    static final long STOP = 0;
    static final long INSIDE = 64;
    static final long HOLDER = 128;
    static final long VIOLATIONS = 192;
    static final long ENTRIES = 256;
    static final long TAKEOVERS = 320;
    static final int CHILDREN = 3;
    static final int KILLS = Integer.getInteger("ipc.test.kills", 8);

    @Test
    void aMutexNeverHasTwoHoldersWhileHoldersAreKilled() throws Exception {
        long seed = Long.getLong("ipc.test.seed", System.nanoTime());
        System.out.println("MutexKillStressTest seed " + seed + " (rerun with -Dipc.test.seed=" + seed + ")");
        Random random = new Random(seed);
        Mutex mutex = sync.createMutex("kill-stress", MutexOptions.DEFAULT, 0600);
        try (SharedMemory segment = shm.create("kill-stress-state", 4096, 0600);
                Mapping map = segment.map(MapAccess.READ_WRITE)) {
            List<Process> running = new ArrayList<>();
            for (int i = 0; i < CHILDREN; i++) {
                running.add(hammer("hammer-" + i));
            }
            awaitProgress(map, running, "the children started");
            for (int kill = 0; kill < KILLS; kill++) {
                Thread.sleep(random.nextInt(300)); // a moment in the children's loop: inside, waiting or unlocking
                int victim = random.nextInt(running.size());
                Process p = running.get(victim);
                p.destroyForcibly(); // SIGKILL on Linux
                assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
                running.set(victim, hammer("hammer-after-kill-" + kill));
                awaitProgress(map, running, "the survivors got through after kill " + kill + " (seed " + seed + ")");
                assertThat(map.getLongVolatile(VIOLATIONS)).as("two holders at once (kill %d, seed %d)", kill, seed)
                        .isZero();
            }
            map.putIntVolatile(STOP, 1);
            for (Process p : running) {
                children.awaitSuccess(p);
            }
            System.out.printf("MutexKillStressTest: kills=%d entries=%d takeovers=%d violations=%d%n", KILLS,
                    map.getLongVolatile(ENTRIES), map.getLongVolatile(TAKEOVERS), map.getLongVolatile(VIOLATIONS));
            assertThat(map.getLongVolatile(VIOLATIONS)).as("two holders at once (seed %d)", seed).isZero();
            assertThat(map.getIntVolatile(INSIDE)).as("nobody inside at the end").isZero();
            LockResult last = mutex.lock(Duration.ofSeconds(WAIT_SECONDS));
            assertThat(last).isIn(LockResult.ACQUIRED, LockResult.OWNER_DEAD);
            if (last == LockResult.OWNER_DEAD) {
                mutex.markConsistent();
            }
            mutex.unlock();
        }
    }

    private Process hammer(String label) throws Exception {
        Process p = child(label, "hammer", "kill-stress", "kill-stress-state");
        children.awaitLine(p, "hammering");
        return p;
    }

    /** Waits until the children completed a few more sections; fails if one of them ended. */
    private void awaitProgress(Mapping map, List<Process> running, String what) throws InterruptedException {
        long target = map.getLongVolatile(ENTRIES) + 50;
        await(what, null, () -> {
            for (Process p : running) {
                if (!p.isAlive()) {
                    throw new AssertionError("a hammering child ended:\n" + children.output(p));
                }
            }
            return map.getLongVolatile(ENTRIES) >= target;
        });
    }
}
