package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventType;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.spi.PlatformConfiguration;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.sync.Mutex;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;

/**
 * Every wait strategy on every synchronization object: a waiter whose budget ran out sleeps in
 * the kernel and is woken (slices of an hour, so a lost wake-up fails), a spinner never announces
 * itself (the poster makes no system call), and interrupts, timeouts and closing end every wait.
 * Semaphores and mutexes take the strategy at creation; conditions and events from the platform
 * default or a handle's override.
 */
@Timeout(60)
class SyncWaitStrategyTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    @TempDir
    Path root;

    private SyncMechanism sync;
    private EventMechanism events;
    private final RecordingCaller caller = RecordingCaller.osUser(1);
    private int names;

    /** One object's wait: the handle that waits, the call, what lets it through, the word it sleeps on. */
    private record Case(SyncHandle waiter, Callable<Object> await, Callable<Object> awaitBriefly, Runnable release,
            int word) {
    }

    enum Kind {
        SEMAPHORE, MUTEX, CONDITION, EVENT
    }

    static Stream<WaitStrategy> strategies() {
        return Stream.of(WaitStrategy.BLOCK, WaitStrategy.SPIN, WaitStrategy.backoff(1), WaitStrategy.adaptive(1),
                WaitStrategy.ADAPTIVE);
    }

    static Stream<Arguments> everyKindAndStrategy() {
        return Stream.of(Kind.values()).flatMap(k -> strategies().map(s -> Arguments.of(k, s)));
    }

    static Stream<Arguments> everyKindAndSleepingStrategy() {
        return Stream.of(Kind.values()).flatMap(k -> Stream.of(WaitStrategy.BLOCK, WaitStrategy.backoff(1),
                WaitStrategy.adaptive(1)).map(s -> Arguments.of(k, s)));
    }

    @AfterEach
    void close() {
        if (sync != null) {
            sync.close();
        }
        if (events != null) {
            events.close();
        }
    }

    private SyncMechanism sync() {
        if (sync == null) {
            sync = new SyncMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        }
        return sync;
    }

    private EventMechanism events() {
        if (events == null) {
            events = new EventMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        }
        return events;
    }

    private Case make(Kind kind, WaitStrategy strategy) {
        String name = kind.name().toLowerCase() + (names++);
        var s = sync().bind(caller);
        switch (kind) {
            case SEMAPHORE: {
                Semaphore poster = s.createSemaphore(name, SemaphoreOptions.of(0).withWaitStrategy(strategy), 0600);
                SemaphoreHandle w = (SemaphoreHandle) s.openSemaphore(name);
                return new Case(w, () -> {
                    w.acquire();
                    return "acquired";
                }, () -> {
                    w.acquire(Duration.ofMillis(20));
                    return "acquired";
                }, poster::release, SyncDescriptor.STATE);
            }
            case MUTEX: {
                Mutex owner = s.createMutex(name, MutexOptions.DEFAULT.withWaitStrategy(strategy), 0600);
                owner.lock();
                MutexHandle w = (MutexHandle) s.openMutex(name);
                return new Case(w, () -> {
                    Object r = w.lock();
                    w.unlock();
                    return r;
                }, () -> w.lock(Duration.ofMillis(20)), owner::unlock, SyncDescriptor.LOCK_FUTEX);
            }
            case CONDITION: {
                var signaller = s.createCondition(name, 0600);
                ConditionHandle w = (ConditionHandle) s.openCondition(name);
                w.setWaitStrategy(strategy);
                Mutex m = s.createMutex(name + "m", MutexOptions.DEFAULT, 0600);
                return new Case(w, () -> {
                    m.lock();
                    try {
                        return w.await(m);
                    } finally {
                        m.unlock();
                    }
                }, () -> {
                    m.lock();
                    try {
                        return w.await(m, Duration.ofMillis(20));
                    } finally {
                        m.unlock();
                    }
                }, signaller::signal, SyncDescriptor.STATE);
            }
            default: {
                Event signaller = events().bind(caller).create(name, EventType.AUTO_RESET, Set.of(), 0600);
                EventHandle w = (EventHandle) events().bind(caller).open(name);
                w.setWaitStrategy(strategy);
                return new Case(w, w::await, () -> w.await(Duration.ofMillis(20)), signaller::signal,
                        SyncDescriptor.STATE);
            }
        }
    }

    @Test
    void theStrategyIsKeptInTheObjectAndOverriddenPerHandle() {
        var s = sync().bind(caller);
        s.createSemaphore("kept", SemaphoreOptions.of(0).withWaitStrategy(WaitStrategy.SPIN), 0600);
        var other = new SyncMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        try {
            Semaphore opened = other.bind(RecordingCaller.osUser(1)).openSemaphore("kept");
            assertThat(opened.waitStrategy()).isEqualTo(WaitStrategy.SPIN);
            assertThat(opened.info().waitStrategy()).contains(WaitStrategy.SPIN);
            opened.setWaitStrategy(WaitStrategy.BLOCK);
            assertThat(opened.waitStrategy()).isEqualTo(WaitStrategy.BLOCK);
            assertThat(s.openSemaphore("kept").waitStrategy()).isEqualTo(WaitStrategy.SPIN);
        } finally {
            other.close();
        }
        sync().configure(java.util.Map.of(PlatformConfiguration.WAIT_STRATEGY_KEY, "backoff:300"));
        assertThat(s.createCondition("c", 0600).waitStrategy()).isEqualTo(WaitStrategy.backoff(300));
        assertThat(s.createMutex("m", MutexOptions.DEFAULT, 0600).info().waitStrategy())
                .contains(WaitStrategy.backoff(300));
    }

    @ParameterizedTest
    @MethodSource("everyKindAndSleepingStrategy")
    void aWaiterWhoseBudgetRanOutSleepsAndIsWoken(Kind kind, WaitStrategy strategy) throws Exception {
        Case c = make(kind, strategy);
        c.waiter().sliceNanos(HOUR);
        CompletableFuture<Object> got = new CompletableFuture<>();
        Thread t = start("w-" + kind.name().toLowerCase(), got, c.await());
        KernelSleep.awaitAsleep(t, c.waiter().region.address(c.word()));
        c.release().run();
        assertThat(got.get(20, TimeUnit.SECONDS)).isNotNull();
    }

    @ParameterizedTest
    @MethodSource("everyKindAndStrategy")
    void aWaiterGetsThroughWhateverItsPhase(Kind kind, WaitStrategy strategy) throws Exception {
        Case c = make(kind, strategy);
        c.waiter().sliceNanos(HOUR);
        CompletableFuture<Object> got = new CompletableFuture<>();
        start("g-" + kind.name().toLowerCase(), got, c.await());
        awaitWaiting(c.waiter());
        if (strategy.equals(WaitStrategy.SPIN) && kind != Kind.MUTEX) {
            assertThat(c.waiter().region.getIntVolatile(SyncDescriptor.WORD3)).as("a spinner is no sleeper").isZero();
        }
        if (strategy.equals(WaitStrategy.SPIN) && kind == Kind.MUTEX) {
            assertThat(c.waiter().region.getLongVolatile(SyncDescriptor.LOCK_WORD) & SyncDescriptor.MUTEX_WAITERS_BIT)
                    .as("a spinner sets no waiters bit, so unlock makes no system call").isZero();
        }
        c.release().run();
        assertThat(got.get(20, TimeUnit.SECONDS)).isNotNull();
    }

    @ParameterizedTest
    @MethodSource("everyKindAndStrategy")
    void anInterruptEndsTheWait(Kind kind, WaitStrategy strategy) throws Exception {
        Case c = make(kind, strategy); // default slices: a kernel sleep notices interrupts between them
        CompletableFuture<Object> got = new CompletableFuture<>();
        Thread t = start("i-" + kind.name().toLowerCase(), got, c.await());
        awaitWaiting(c.waiter());
        t.interrupt();
        assertFails(got, IpcError.INTERRUPTED);
    }

    @ParameterizedTest
    @MethodSource("everyKindAndStrategy")
    void aTimeoutEndsTheWait(Kind kind, WaitStrategy strategy) throws Exception {
        Case c = make(kind, strategy);
        CompletableFuture<Object> got = new CompletableFuture<>();
        start("t-" + kind.name().toLowerCase(), got, c.awaitBriefly());
        assertFails(got, IpcError.TIMEOUT);
    }

    @ParameterizedTest
    @MethodSource("everyKindAndStrategy")
    void closingTheHandleEndsItsWaitWithClosed(Kind kind, WaitStrategy strategy) throws Exception {
        // default slices: a close can fall between a sleeper's last check and its futex wait (the
        // word is the object's state, which closing cannot change), then it ends within a slice
        Case c = make(kind, strategy);
        CompletableFuture<Object> got = new CompletableFuture<>();
        start("c-" + kind.name().toLowerCase(), got, c.await());
        awaitWaiting(c.waiter());
        c.waiter().close();
        assertFails(got, IpcError.CLOSED);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void waitsForSeveralEventsGetThroughAndEndOnInterrupt(WaitStrategy strategy) throws Exception {
        var es = events().bind(caller);
        Event a = es.create("any-a", EventType.AUTO_RESET, Set.of(), 0600);
        Event b = es.create("any-b", EventType.AUTO_RESET, Set.of(), 0600);
        a.setWaitStrategy(strategy);
        CompletableFuture<Object> any = new CompletableFuture<>();
        start("any", any, () -> es.waitAny(List.of(a, b)).index());
        b.signal(5);
        assertThat(any.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        CompletableFuture<long[]> all = new CompletableFuture<>();
        start("all", all, () -> es.waitAll(List.of(a, b)));
        a.signal(1);
        b.signal(2);
        assertThat(all.get(20, TimeUnit.SECONDS)).containsExactly(1, 2);
        CompletableFuture<Object> interrupted = new CompletableFuture<>();
        start("any-interrupted", interrupted, () -> es.waitAny(List.of(a, b))).interrupt();
        assertFails(interrupted, IpcError.INTERRUPTED);
    }

    /**
     * An adaptive waiter whose learned spin had shrunk to its floor, that ran out of it, slept, and
     * got through within its budget raises its spin to cover that wait (as queues and channels
     * do), so that long idle waits do not leave it spinning too briefly for ever.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Kind.class)
    void aWaitThatSleptAndEndedWithinTheBudgetRaisesTheSpin(Kind kind) throws Exception {
        WaitStrategy strategy = WaitStrategy.adaptive(WaitStrategy.MAX_SPIN_MICROS);
        Case c = make(kind, strategy);
        c.waiter().sliceNanos(HOUR);
        for (int i = 0; i < 8; i++) {
            c.waiter().spinHistory().ranOut(strategy); // long idle waits drove it to its floor
        }
        long floor = c.waiter().spinHistory().budgetNanos(strategy);
        long budget = TimeUnit.MICROSECONDS.toNanos(WaitStrategy.MAX_SPIN_MICROS);
        assertThat(floor).isLessThan(budget / 32);

        long began = System.nanoTime();
        CompletableFuture<Object> got = new CompletableFuture<>();
        Thread t = start("s-" + kind.name().toLowerCase(), got, c.await());
        KernelSleep.awaitAsleep(t, c.waiter().region.address(c.word()));
        c.release().run();
        assertThat(got.get(20, TimeUnit.SECONDS)).isNotNull();
        org.junit.jupiter.api.Assumptions.assumeTrue(System.nanoTime() - began < budget / 2,
                "the machine took longer than half the budget to let the wait through; nothing to learn");
        assertThat(c.waiter().spinHistory().budgetNanos(strategy)).as("the spin after a wait that slept")
                .isGreaterThan(floor);
    }

    /** Until the object counted the wait (the waiter found nothing and began to wait). */
    private static void awaitWaiting(SyncHandle h) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (h.object.info(0).statistics().get(Counter.WAITS) < 1) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no wait counted within 20 s");
            }
            Thread.sleep(1);
        }
    }

    private static void assertFails(CompletableFuture<?> result, IpcError error) throws Exception {
        List<Object> outcome = new ArrayList<>();
        try {
            outcome.add(result.get(20, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class, x -> assertThat(x.error())
                    .isEqualTo(error));
            return;
        }
        throw new AssertionError("the wait ended with " + outcome + ", not " + error);
    }
}
