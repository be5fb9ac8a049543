package org.multios.ipc.console.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.console.jmx.FakeRuntime.object;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.spi.BlockedCalls;

@Timeout(60)
class IpcJmxComponentTest {
    private static final long WAIT_MILLIS = 10_000;

    private final FakeRuntime runtime = new FakeRuntime();
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private IpcJmxComponent component;

    @AfterEach
    void tearDown() {
        if (component != null) {
            component.deactivate();
        }
    }

    private static Set<Thread> refresherThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(IpcJmxComponent.THREAD_NAME) && t.isAlive())
                .collect(java.util.stream.Collectors.toSet());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void theRefresherFollowsTheObjectsAndDeactivationStopsItAndUnregistersEverything() throws Exception {
        ObjectInfo a = object(ObjectType.SHARED_MEMORY, 1, "a", 0);
        ObjectInfo b = object(ObjectType.SEMAPHORE, 2, null, 0);
        runtime.set(a);
        assertThat(refresherThreads()).isEmpty();

        component = new IpcJmxComponent(runtime, server, 20, 0);
        ObjectName na = IpcObjectNames.object(a);
        ObjectName nb = IpcObjectNames.object(b);
        await("a is registered", () -> server.isRegistered(na));
        assertThat(server.isRegistered(IpcObjectNames.mechanism(ObjectType.SHARED_MEMORY))).isTrue();
        Set<Thread> threads = refresherThreads();
        assertThat(threads).hasSize(1);
        assertThat(threads.iterator().next().isDaemon()).isFalse();

        runtime.add(b);
        await("b is registered", () -> server.isRegistered(nb));
        runtime.remove(ObjectType.SHARED_MEMORY, 1);
        await("a is unregistered", () -> !server.isRegistered(na));
        assertThat(server.isRegistered(nb)).isTrue();

        component.deactivate();
        component = null;

        assertThat(server.queryNames(IpcObjectNames.ALL, null)).as("no MBean left behind").isEmpty();
        assertThat(threads.iterator().next().isAlive()).as("the refresher thread was joined").isFalse();
        assertThat(refresherThreads()).isEmpty();
    }

    @Test
    void deactivationLetsARefreshUnderWayFinishThenUnregistersItsMBeansAndNothingRefreshesAfter() throws Exception {
        ObjectInfo a = object(ObjectType.SHARED_MEMORY, 1, "a", 0);
        runtime.set(a);
        CountDownLatch inRefresh = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        runtime.pauseNextQuery(inRefresh, release);
        component = new IpcJmxComponent(runtime, server, 20, 0);
        assertThat(inRefresh.await(10, TimeUnit.SECONDS)).as("the first refresh asks for the objects").isTrue();
        Thread refresherThread = refresherThreads().iterator().next();

        CompletableFuture<Object> deactivated = new CompletableFuture<>();
        IpcJmxComponent deactivating = component;
        component = null;
        Thread deactivator = BlockedCalls.start("jmx-deactivate", deactivated, () -> {
            deactivating.deactivate();
            return null;
        });
        // deactivate() waits for the refresher thread (a timed join) while the refresh is paused
        await("deactivate waits or returned", () -> deactivated.isDone()
                || deactivator.getState() == Thread.State.TIMED_WAITING);
        assertThat(deactivated).as("deactivate returned during a refresh").isNotDone();
        int queries = runtime.queries.get();

        release.countDown();
        deactivated.get(20, TimeUnit.SECONDS);
        assertThat(runtime.pausedQueryInterrupted).as("the refresh under way was interrupted").isFalse();
        assertThat(refresherThread.isAlive()).as("the refresher thread was joined").isFalse();
        assertThat(server.queryNames(IpcObjectNames.ALL, null)).as("what the last refresh registered is gone")
                .isEmpty();
        assertThat(runtime.queries.get()).as("no refresh after the one under way").isEqualTo(queries);
    }

    @Test
    void theMBeanServerIsTakenAtTheFirstRefreshOnTheRefresherThreadNotAtActivation() throws Exception {
        ObjectInfo a = object(ObjectType.SHARED_MEMORY, 1, "a", 0);
        runtime.set(a);
        CountDownLatch taken = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<String> takenOn = new java.util.concurrent.atomic.AtomicReference<>();
        component = new IpcJmxComponent(runtime, () -> {
            takenOn.set(Thread.currentThread().getName());
            taken.countDown();
            return server;
        }, 200, 0);
        assertThat(takenOn.get()).as("activation takes no MBean server").isNull();
        assertThat(taken.await(10, TimeUnit.SECONDS)).as("the first refresh takes it").isTrue();
        assertThat(takenOn.get()).isEqualTo(IpcJmxComponent.THREAD_NAME);
        await("a is registered", () -> server.isRegistered(IpcObjectNames.object(a)));
    }

    @Test
    void deactivationBeforeTheFirstRefreshTakesNoMBeanServer() {
        component = new IpcJmxComponent(runtime, () -> {
            throw new AssertionError("the MBean server was taken");
        }, 60_000, 0);
        component.deactivate();
        component = null;
        assertThat(refresherThreads()).isEmpty();
    }

    @Test
    void theRefresherSurvivesAFailingRuntime() throws Exception {
        runtime.failWith(new IpcException(IpcError.UNAVAILABLE, "not yet"));
        component = new IpcJmxComponent(runtime, server, 10, 0);
        await("several refreshes failed", () -> runtime.queries.get() >= 3);
        assertThat(server.queryNames(IpcObjectNames.ALL, null)).isEmpty();

        ObjectInfo a = object(ObjectType.MUTEX, 3, "m", 0);
        runtime.set(a);
        runtime.failWith(null);
        await("m is registered", () -> server.isRegistered(IpcObjectNames.object(a)));
    }

    @Test
    void thePeriodIsAPositiveNumberOfMillisecondsOrTheDefault() {
        assertThat(IpcJmxComponent.period(null)).isEqualTo(IpcJmxComponent.DEFAULT_PERIOD_MILLIS);
        assertThat(IpcJmxComponent.period(500L)).isEqualTo(500);
        assertThat(IpcJmxComponent.period(" 750 ")).isEqualTo(750);
        assertThat(IpcJmxComponent.period(0)).isEqualTo(IpcJmxComponent.DEFAULT_PERIOD_MILLIS);
        assertThat(IpcJmxComponent.period("soon")).isEqualTo(IpcJmxComponent.DEFAULT_PERIOD_MILLIS);
    }
}
