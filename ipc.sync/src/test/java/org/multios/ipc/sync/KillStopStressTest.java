package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.sync.KillStopStressLayout.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.core.posix.OsSignalSender;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventType;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.spi.ChildProcesses;

/**
 * Randomized multi-process stress of the synchronization objects' cross-process guarantees
 * while their users are killed (SIGKILL), stopped (SIGSTOP, 50 to 1 500 ms; in runs of 15 s or
 * more one stop in 16 for 5 to 7 s) and continued at
 * seeded random moments: {@value #CHILDREN} child JVMs ({@link KillStopStressChildMain}) of
 * {@value #THREADS} threads each hammer one named object; a killed child is replaced by a new
 * one. After every kill and every continue the survivors must make progress (no deadlock, no
 * waiter stranded on a dead or stopped owner).
 *
 * <ul>
 * <li>Robust mutex: never two holders (a holder word CASed 0 -&gt; token -&gt; 0, a plain
 * counter), OWNER_DEAD only after a holder was killed, never while the recorded holder's
 * process lives (a stopped holder keeps its lock).</li>
 * <li>Counting semaphore of {@value #PERMITS}: never more holders inside than permits; after
 * each kill, with every live thread parked, the value is what the dead holders leave (permits
 * taken by a killed holder are given back by the test, as a semaphore has no owner).</li>
 * <li>Auto-reset event: no datum taken twice, none that was never signalled; the last signal
 * after the signallers stopped is taken once and leaves the event not signalled.</li>
 * <li>Condition with its robust mutex (one producer and two consumers a child, waits of 1-200
 * ms): never two holders of the mutex, in or out of a wait; items never below 0; after the chaos,
 * with every live consumer waiting (60 s) for the next generation, each of three broadcasts
 * reaches every one of them.</li>
 * </ul>
 *
 * {@code -Dipc.stress.seconds} (default {@value #DEFAULT_SECONDS}) sets each scenario's length,
 * {@code -Dipc.test.seed} its seed (printed).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class KillStopStressTest extends CrossProcessSyncSupport {
    static final int DEFAULT_SECONDS = 5;
    /** Runs this long or longer stop one child in 16 for 5 to 7 s (the test command's runs do not). */
    static final int LONG_STOPS_FROM_SECONDS = 15;
    static final int CHILDREN = 3;
    static final int THREADS = 3;
    static final int PERMITS = 3;
    /** The slot of the test's own last signal. */
    static final int LAST_SLOT = MAX_SLOTS - 1;
    static final int MAX_INCARNATIONS = LAST_SLOT / THREADS;

    @RegisterExtension
    final ChildProcesses stressChildren = new ChildProcesses(KillStopStressChildMain.class, "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");

    private final OsSignalSender signals = new OsSignalSender();
    private final long seconds = Long.getLong("ipc.stress.seconds", DEFAULT_SECONDS);
    private final long seed = Long.getLong("ipc.test.seed", System.nanoTime());

    @AfterEach
    void destroyStressChildren() throws InterruptedException {
        stressChildren.destroyAll();
    }

    @Test
    void aMutexHasOneHolderAndALiveOwnerKeepsItWhileUsersAreKilledAndStopped() throws Exception {
        Mutex mutex = sync.createMutex("stress-mutex", MutexOptions.DEFAULT, 0600);
        try (SharedMemory segment = shm.create("stress-mutex-state", SMALL_SEGMENT_SIZE, 0600);
                Mapping map = segment.map(MapAccess.READ_WRITE)) {
            Chaos chaos = new Chaos("mutex", "stress-mutex", "stress-mutex-state", map);
            chaos.run(dead -> {
            });
            long tallies = 0;
            for (int s = 0; s < chaos.incarnations * THREADS; s++) {
                tallies += map.getLongVolatile(slotOffset(s) + TALLY);
            }
            long counter = map.getLongVolatile(COUNTER);
            System.out.printf("KillStopStressTest mutex: seed=%d kills=%d stops=%d longStops=%d entries=%d counter=%d"
                    + " tallies=%d takeovers=%d abandons=%d timeouts=%d violations=%d wrongTakeovers=%d%n", seed,
                    chaos.kills, chaos.stops, chaos.longStops, map.getLongVolatile(ENTRIES), counter, tallies,
                    map.getLongVolatile(TAKEOVERS), map.getLongVolatile(ABANDONS), map.getLongVolatile(TIMEOUTS),
                    map.getLongVolatile(VIOLATIONS), map.getLongVolatile(WRONG_TAKEOVERS));
            chaos.assertNoViolation();
            // the last thread that ended holding the lock may have had no successor before the stop
            LockResult last = mutex.lock(Duration.ofSeconds(WAIT_SECONDS));
            long takeovers = map.getLongVolatile(TAKEOVERS) + (last == LockResult.OWNER_DEAD ? 1 : 0);
            long abandons = map.getLongVolatile(ABANDONS);
            assertThat(takeovers).as("OWNER_DEAD once per abandon and at most once per kill (seed %d)", seed)
                    .isBetween(abandons, chaos.kills + abandons);
            assertThat(counter - tallies).as("counter minus tallies: increments of killed holders (seed %d)", seed)
                    .isBetween(0L, (long) chaos.kills);
            long holder = map.getLongVolatile(HOLDER);
            assertThat(holder == 0 || last == LockResult.OWNER_DEAD && (holder & ABANDONING) != 0)
                    .as("nobody inside at the end but a thread that ended holding the lock: %x", holder).isTrue();
            if (last == LockResult.OWNER_DEAD) {
                mutex.markConsistent();
            }
            mutex.unlock();
        }
    }

    @Test
    void aSemaphoreNeverHasMoreHoldersThanPermitsWhileUsersAreKilledAndStopped() throws Exception {
        Semaphore sem = sync.createSemaphore("stress-sem", new SemaphoreOptions(PERMITS, PERMITS), 0600);
        try (SharedMemory segment = shm.create("stress-sem-state", SMALL_SEGMENT_SIZE, 0600);
                Mapping map = segment.map(MapAccess.READ_WRITE)) {
            Chaos chaos = new Chaos("semaphore", "stress-sem", "stress-sem-state", map);
            long[] given = new long[1];
            chaos.run(dead -> given[0] += restorePermits(chaos, sem, map, dead));
            System.out.printf("KillStopStressTest semaphore: seed=%d kills=%d stops=%d longStops=%d entries=%d"
                    + " maxInside=%d permitsGivenBack=%d timeouts=%d violations=%d%n", seed, chaos.kills, chaos.stops,
                    chaos.longStops,
                    map.getLongVolatile(ENTRIES), map.getLongVolatile(MAX_INSIDE), given[0],
                    map.getLongVolatile(TIMEOUTS), map.getLongVolatile(VIOLATIONS));
            chaos.assertNoViolation();
            assertThat(map.getLongVolatile(MAX_INSIDE)).as("most holders at once (seed %d)", seed)
                    .isBetween(1L, (long) PERMITS);
            assertThat(sem.value()).as("every permit back at the end (seed %d)", seed).isEqualTo(PERMITS);
        }
    }

    @Test
    void anAutoResetEventGivesEachSignalToOneWaiterWhileUsersAreKilledAndStopped() throws Exception {
        Event event = events.create("stress-event", EventType.AUTO_RESET, EnumSet.noneOf(
                org.multios.ipc.event.EventFlag.class), 0600);
        try (SharedMemory segment = shm.create("stress-event-state", SEGMENT_SIZE, 0600);
                Mapping map = segment.map(MapAccess.READ_WRITE)) {
            Chaos chaos = new Chaos("event", "stress-event", "stress-event-state", map);
            chaos.stopAtEnd = false;
            chaos.run(dead -> {
            });
            // The signallers end; the waiters take what is left; one last signal must be taken once.
            map.putIntVolatile(PAUSE, 1);
            int signallers = chaos.liveIncarnations.size() * ((THREADS + 1) / 2);
            await("the signallers ended (seed " + seed + ")", null,
                    () -> map.getIntVolatile(SIGNALLERS_DONE) >= signallers);
            await("the waiters took what was left (seed " + seed + ")", null, () -> !event.isSignalled());
            long lastDatum = (long) LAST_SLOT << 32 | 1;
            long word = BITMAP + (LAST_SLOT * EVENT_BITS + 1) / 64 * 8;
            event.signal(lastDatum);
            await("a waiter took the last signal (seed " + seed + ")", null,
                    () -> (map.getLongVolatile(word) & 2L) != 0);
            Thread.sleep(50); // a second take of it would show as a violation
            map.putIntVolatile(STOP, 1);
            chaos.awaitChildren();
            assertThat(event.isSignalled()).as("the last signal taken, the event reset").isFalse();
            long taken = 0;
            long unknown = 0;
            for (int s = 0; s < MAX_SLOTS; s++) {
                long made = s == LAST_SLOT ? 1 : map.getLongVolatile(slotOffset(s) + STATE);
                for (long n = 0; n < EVENT_BITS; n += 64) {
                    long bits = map.getLongVolatile(BITMAP + (s * EVENT_BITS + n) / 8);
                    taken += Long.bitCount(bits);
                    for (long b = bits; b != 0; b &= b - 1) {
                        if (n + Long.numberOfTrailingZeros(b) > made) {
                            unknown++;
                        }
                    }
                }
            }
            long signalled = map.getLongVolatile(SIGNALS) + 1;
            System.out.printf("KillStopStressTest event: seed=%d kills=%d stops=%d longStops=%d signals=%d taken=%d"
                    + " entries=%d timeouts=%d violations=%d unknown=%d%n", seed, chaos.kills, chaos.stops,
                    chaos.longStops, signalled, taken,
                    map.getLongVolatile(ENTRIES), map.getLongVolatile(TIMEOUTS), map.getLongVolatile(VIOLATIONS),
                    unknown);
            chaos.assertNoViolation();
            assertThat(unknown).as("data taken that were never signalled (seed %d)", seed).isZero();
            assertThat(taken).as("takes: at most one per signal (killed signallers may have made one more)")
                    .isLessThanOrEqualTo(signalled + chaos.kills);
            assertThat(taken - map.getLongVolatile(ENTRIES)).as("taken but not counted: waiters killed in between")
                    .isBetween(0L, (long) chaos.kills + 1);
        }
    }

    @Test
    void aConditionWakesEveryLiveWaiterAndItsMutexHasOneHolderWhileUsersAreKilledAndStopped() throws Exception {
        Mutex mutex = sync.createMutex("stress-cond", MutexOptions.DEFAULT, 0600);
        Condition cond = sync.createCondition("stress-cond-c", 0600);
        try (SharedMemory segment = shm.create("stress-cond-state", SMALL_SEGMENT_SIZE, 0600);
                Mapping map = segment.map(MapAccess.READ_WRITE)) {
            Chaos chaos = new Chaos("condition", "stress-cond", "stress-cond-state", map);
            chaos.stopAtEnd = false;
            chaos.run(dead -> {
            });
            // The producers idle; every live consumer records the generation and waits for the next.
            map.putIntVolatile(PAUSE, 1);
            int rounds = 3;
            for (int round = 0; round < rounds; round++) {
                long generation = map.getLongVolatile(GENERATION);
                await("every live consumer waits for generation " + (generation + 1) + " (seed " + seed + ")", null,
                        () -> consumersAt(chaos, map, generation));
                broadcast(mutex, cond, map, () -> map.putLongVolatile(GENERATION, generation + 1));
                await("one broadcast woke every live consumer for generation " + (generation + 1) + " (seed " + seed
                        + ")", null, () -> consumersAt(chaos, map, generation + 1));
            }
            broadcast(mutex, cond, map, () -> map.putIntVolatile(STOP, 1));
            chaos.awaitChildren();
            long items = map.getLongVolatile(COUNTER);
            System.out.printf("KillStopStressTest condition: seed=%d kills=%d stops=%d longStops=%d produced=%d"
                    + " entries=%d items=%d takeovers=%d timeouts=%d violations=%d wrongTakeovers=%d"
                    + " waiters()=%d%n", seed, chaos.kills, chaos.stops, chaos.longStops,
                    map.getLongVolatile(SIGNALS), map.getLongVolatile(ENTRIES), items, map.getLongVolatile(TAKEOVERS),
                    map.getLongVolatile(TIMEOUTS), map.getLongVolatile(VIOLATIONS),
                    map.getLongVolatile(WRONG_TAKEOVERS), cond.waiters());
            chaos.assertNoViolation();
            assertThat(items).as("items (seed %d)", seed).isBetween(0L, ITEMS_MAX);
            assertThat(map.getLongVolatile(TAKEOVERS)).as("OWNER_DEAD at most once per kill (seed %d)", seed)
                    .isLessThanOrEqualTo(chaos.kills);
        }
    }

    /** Whether every live consumer's tally shows {@code generation}. */
    private static boolean consumersAt(Chaos chaos, Mapping map, long generation) {
        for (int inc : chaos.liveIncarnations) {
            for (int t = 1; t < THREADS; t++) {
                if (map.getLongVolatile(slotOffset(inc * THREADS + t) + TALLY) != generation) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Under the mutex (taken over if its holder died), runs {@code change} and broadcasts. */
    private static void broadcast(Mutex mutex, Condition cond, Mapping map, Runnable change) {
        LockResult r = mutex.lock(Duration.ofSeconds(WAIT_SECONDS));
        try {
            if (r == LockResult.OWNER_DEAD) {
                map.putLongVolatile(HOLDER, 0);
                mutex.markConsistent();
            }
            assertThat(map.getLongVolatile(HOLDER)).as("nobody else holds the mutex").isZero();
            change.run();
            cond.broadcast();
        } finally {
            mutex.unlock();
        }
    }

    /**
     * With every live semaphore thread parked, checks the value against what the dead
     * incarnation's threads were doing and releases the permits they took; returns how many.
     */
    private long restorePermits(Chaos chaos, Semaphore sem, Mapping map, int dead) throws InterruptedException {
        map.putIntVolatile(PAUSE, 1);
        await("every live semaphore thread parked (seed " + seed + ")", null, () -> {
            for (int inc : chaos.liveIncarnations) {
                for (int t = 0; t < THREADS; t++) {
                    if (map.getLongVolatile(slotOffset(inc * THREADS + t) + STATE) != PARKED) {
                        return false;
                    }
                }
            }
            return true;
        });
        int holding = 0;
        int maybe = 0;
        for (int t = 0; t < THREADS; t++) {
            long state = map.getLongVolatile(slotOffset(dead * THREADS + t) + STATE);
            if (state == HOLDING) {
                holding++;
            } else if (state == ACQUIRING || state == RELEASING) {
                maybe++;
            }
        }
        int value = sem.value();
        assertThat(value).as("value with every live thread parked, %d dead holders, %d dead acquiring or releasing"
                + " (seed %d)", holding, maybe, seed).isBetween(PERMITS - holding - maybe, PERMITS - holding);
        assertThat(map.getIntVolatile(INSIDE)).as("inside: only dead holders").isBetween(0, holding);
        map.putIntVolatile(INSIDE, 0);
        for (int i = value; i < PERMITS; i++) {
            sem.release();
        }
        map.putIntVolatile(PAUSE, 0);
        return PERMITS - value;
    }

    /** The seeded kills, stops and continues of one scenario, and the children's replacements. */
    private final class Chaos {
        final String mode;
        final String object;
        final String segment;
        final Mapping map;
        final Random random = new Random(seed);
        final List<Process> running = new ArrayList<>();
        final List<Integer> liveIncarnations = new ArrayList<>();
        final java.util.Set<Long> killed = new java.util.HashSet<>();
        int incarnations;
        int kills;
        int stops;
        int longStops;
        boolean stopAtEnd = true;

        Chaos(String mode, String object, String segment, Mapping map) {
            this.mode = mode;
            this.object = object;
            this.segment = segment;
            this.map = map;
        }

        void run(AfterKill afterKill) throws Exception {
            System.out.println("KillStopStressTest " + mode + " seed " + seed + " (rerun with -Dipc.test.seed=" + seed
                    + "), " + seconds + " s");
            for (int i = 0; i < CHILDREN; i++) {
                startChild();
            }
            awaitProgress("the children started");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                Thread.sleep(random.nextInt(250));
                int victim = pickVictim();
                Process p = running.get(victim);
                if (random.nextInt(5) < 2 && incarnations < MAX_INCARNATIONS) {
                    p.destroyForcibly(); // SIGKILL
                    assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
                    kills++;
                    killed.add(p.pid());
                    running.remove(victim);
                    int dead = liveIncarnations.remove(victim);
                    afterKill.after(dead);
                    startChild();
                    awaitProgress("the survivors got through after kill " + kills);
                } else {
                    List<Process> stopped = new ArrayList<>(List.of(p));
                    if (random.nextInt(4) == 0) {
                        Process other = running.get(random.nextInt(running.size()));
                        if (other != p) {
                            stopped.add(other);
                        }
                    }
                    for (Process s : stopped) {
                        stop(s);
                    }
                    stops += stopped.size();
                    if (seconds >= LONG_STOPS_FROM_SECONDS && random.nextInt(16) == 0) {
                        longStops++;
                        Thread.sleep(5_000 + random.nextInt(2_000)); // past the sleepers' 5 s re-check
                    } else {
                        Thread.sleep(50 + random.nextInt(1450));
                    }
                    assertNoViolation();
                    for (Process s : stopped) {
                        signals.kill(s.pid(), Signal.CONT);
                    }
                    awaitProgress("progress after stop " + stops);
                }
                assertNoViolation();
            }
            if (stopAtEnd) {
                map.putIntVolatile(STOP, 1);
                awaitChildren();
            }
        }

        /**
         * A random child; half the time one that holds the object (the mutex's holder, a
         * semaphore permit), when one does.
         */
        private int pickVictim() {
            int any = random.nextInt(running.size());
            if (random.nextBoolean()) {
                return any;
            }
            for (int k = 0; k < running.size(); k++) {
                int i = (any + k) % running.size();
                int inc = liveIncarnations.get(i);
                for (int t = 0; t < THREADS; t++) {
                    int slot = inc * THREADS + t;
                    boolean holds = mode.equals("mutex") || mode.equals("condition") ? (map.getLongVolatile(HOLDER) & 0xffff) == slot
                            && map.getLongVolatile(HOLDER) >>> 16 == running.get(i).pid()
                            : map.getLongVolatile(slotOffset(slot) + STATE) == HOLDING;
                    if (holds) {
                        return i;
                    }
                }
            }
            return any;
        }

        void awaitChildren() throws InterruptedException {
            for (Process p : running) {
                stressChildren.awaitSuccess(p);
            }
        }

        void assertNoViolation() {
            assertThat(map.getLongVolatile(VIOLATIONS)).as("%s violations (last: %x) after %d kills, %d stops, seed %d",
                    mode, map.getLongVolatile(VIOLATION_WHAT), kills, stops, seed).isZero();
            long wrong = map.getLongVolatile(WRONG_TAKEOVER_PID);
            assertThat(map.getLongVolatile(WRONG_TAKEOVERS)).as("OWNER_DEAD while thread %d of process %d (%s) lived,"
                    + " seed %d", wrong & 0xff_ffff, wrong >>> 24, killed.contains(wrong >>> 24) ? "killed by the test"
                            : "never killed", seed).isZero();
        }

        private void startChild() throws IOException, InterruptedException {
            int inc = incarnations++;
            String label = mode + "-" + inc;
            Process p = stressChildren.startJava(label, root, logs.resolve(label + ".log"), mode, object, segment,
                    Integer.toString(inc), Integer.toString(THREADS), Long.toString(seed), Integer.toString(PERMITS));
            stressChildren.awaitLine(p, "hammering");
            running.add(p);
            liveIncarnations.add(inc);
        }

        private void stop(Process p) throws IOException, InterruptedException {
            signals.kill(p.pid(), Signal.STOP);
            Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                String s = Files.readString(stat);
                if (s.charAt(s.lastIndexOf(')') + 2) == 'T') {
                    return;
                }
                assertThat(System.nanoTime() - deadline).as("child %d stopped", p.pid()).isNegative();
                Thread.sleep(1);
            }
        }

        private void awaitProgress(String what) throws InterruptedException {
            long target = map.getLongVolatile(ENTRIES) + 20;
            await(what + " (" + mode + ", seed " + seed + ")", null, () -> {
                for (Process p : running) {
                    if (!p.isAlive()) {
                        throw new AssertionError("a " + mode + " child ended:\n" + stressChildren.output(p));
                    }
                }
                return map.getLongVolatile(ENTRIES) >= target;
            });
        }
    }

    @FunctionalInterface
    private interface AfterKill {
        void after(int deadIncarnation) throws InterruptedException;
    }
}
