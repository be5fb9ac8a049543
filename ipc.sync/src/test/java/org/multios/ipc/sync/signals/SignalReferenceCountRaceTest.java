package org.multios.ipc.sync.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.sync.signals.TestProcesses.bundle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Quota;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalRegistration;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.local.PosixCaller;

/**
 * Seeded random rounds of one process's registrations being closed while its contexts are
 * released and a new context binds and registers: after each round no JVM signal hook is left
 * installed, no quota is held, no registration is left, and the late binder got a live service.
 * The seed ({@value #SEED_PROPERTY}) fixes each round's plan; the hook yields at the race points
 * to widen the windows. Rounds: {@value #ROUNDS_PROPERTY}.
 */
class SignalReferenceCountRaceTest {
    static final String SEED_PROPERTY = "signals.race.seed";
    static final String ROUNDS_PROPERTY = "signals.race.rounds";
    private static final Signal[] SIGNALS = {Signal.HUP, Signal.USR1, Signal.TERM, Signal.WINCH};

    private final SignalMechanism mechanism = new SignalMechanism(IpcLimits.defaults(), p -> { },
            SignalSettings.defaults(), SignalRaceTest.ACCEPTING_JVM, step -> {
                if (ThreadLocalRandom.current().nextBoolean()) {
                    Thread.yield();
                }
            });
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ExecutorService actors = Executors.newFixedThreadPool(3,
            r -> new Thread(r, "test-race-actor-" + threadNumber.incrementAndGet()));

    @AfterEach
    void stop() throws InterruptedException {
        actors.shutdownNow();
        assertThat(actors.awaitTermination(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        mechanism.close();
    }

    @Test
    void referenceCountsComeBackWhateverTheInterleaving() throws Exception {
        long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
        int rounds = Integer.getInteger(ROUNDS_PROPERTY, 3000);
        System.out.println(getClass().getSimpleName() + ": seed " + seed + " (-D" + SEED_PROPERTY + "=" + seed
                + "), " + rounds + " rounds");
        Random plans = new Random(seed);
        for (int round = 0; round < rounds; round++) {
            long roundSeed = plans.nextLong();
            String where = "seed " + seed + ", round " + round + " (round seed " + roundSeed + ")";
            runRound(new Random(roundSeed), round, where);
        }
    }

    private void runRound(Random plan, int round, String where) throws Exception {
        long bundleId = 1 + round % 7;
        List<PosixCaller> contexts = List.of(bundle(bundleId, "alice"), bundle(bundleId, "alice"));
        PosixCaller late = bundle(bundleId, "alice");
        List<SignalService> services = new ArrayList<>();
        contexts.forEach(c -> services.add(mechanism.bind(c)));
        List<SignalRegistration> registrations = new ArrayList<>();
        for (int i = 1 + plan.nextInt(4); i > 0; i--) {
            registrations.add(services.get(plan.nextInt(services.size())).register(pick(plan), info -> { }));
        }
        Collections.shuffle(registrations, plan);
        List<PosixCaller> releaseOrder = new ArrayList<>(contexts);
        Collections.shuffle(releaseOrder, plan);
        Signal lateSignal = pick(plan);

        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = List.of(
                actors.submit(() -> {
                    start.await();
                    registrations.forEach(SignalRegistration::close);
                    return null;
                }),
                actors.submit(() -> {
                    start.await();
                    releaseOrder.forEach(mechanism::release);
                    return null;
                }),
                actors.submit(() -> {
                    start.await();
                    SignalRegistration r = mechanism.bind(late).register(lateSignal, info -> { });
                    r.close();
                    mechanism.release(late);
                    return null;
                }));
        start.countDown();
        for (Future<?> f : done) {
            f.get(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS); // a CLOSED service fails here
        }

        assertThat(mechanism.installedOsSignals()).as("JVM hooks left installed, " + where).isEmpty();
        for (PosixCaller c : List.of(contexts.get(0), contexts.get(1), late)) {
            assertThat(c.quotas().used(Quota.SIGNAL_HANDLERS)).as("handler quota held, " + where).isZero();
        }
        assertThat(mechanism.connectionCount()).as("registrations left, " + where).isZero();
        assertThat(registrations).as("registrations open, " + where).allMatch(SignalRegistration::isClosed);
    }

    private static Signal pick(Random plan) {
        return SIGNALS[plan.nextInt(SIGNALS.length)];
    }
}
