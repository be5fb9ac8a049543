package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.sync.Condition;
import org.multios.ipc.sync.LockResult;
import org.multios.ipc.sync.Mutex;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * The synchronization bundle in a running framework: the probe and the fixture bundle, two IPC
 * processes with their own bundle-scoped services, share named semaphores, mutexes, conditions
 * and events; stopping ipc.sync wakes every blocked waiter of both bundles with CLOSED and
 * leaves no thread behind, while the named objects keep their state for a restart or a
 * reinstall; a bundle that stops holding a robust mutex hands it on as owner-dead.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class SyncInFrameworkTest extends SyncBundleTestSupport {

    // ------------------------------------------------------------------ sharing between bundles

    @Test(timeout = 120_000)
    public void twoBundlesShareNamedSemaphoreMutexConditionAndEvent() throws Exception {
        SyncService mine = service(context, SyncService.class);
        EventService myEvents = service(context, EventService.class);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        SyncService theirs = service(fixtureContext(), SyncService.class);
        EventService theirEvents = service(fixtureContext(), EventService.class);
        assertNotSame("each bundle has its own sync service", mine, theirs);
        assertNotSame("each bundle has its own event service", myEvents, theirEvents);

        Semaphore fixtureSem = keep(theirs.createSemaphore("fw-sem", new SemaphoreOptions(0, 10), 0660));
        Mutex fixtureMutex = keep(theirs.createMutex("fw-mutex", MutexOptions.DEFAULT, 0660));
        Condition fixtureCond = keep(theirs.createCondition("fw-cond", 0660));
        Event fixtureEvent = keep(theirEvents.create("fw-event", EventType.AUTO_RESET, Set.of(), 0660));

        Semaphore probeSem = keep(mine.openSemaphore("fw-sem"));
        Mutex probeMutex = keep(mine.openMutex("fw-mutex"));
        Condition probeCond = keep(mine.openCondition("fw-cond"));
        Event probeEvent = keep(myEvents.open("fw-event"));
        assertEquals(fixtureSem.id(), probeSem.id());
        assertEquals(fixtureMutex.id(), probeMutex.id());
        assertEquals(fixtureCond.id(), probeCond.id());
        assertEquals(fixtureEvent.id(), probeEvent.id());

        // semaphore: the fixture bundle waits, the probe posts
        Future<Boolean> acquired = waiter(() -> {
            fixtureSem.acquire();
            return true;
        });
        await("the fixture bundle waits on the semaphore",
                () -> probeSem.info().statistics().get(Counter.WAITS) >= 1);
        probeSem.release();
        assertTrue(result("the fixture bundle's acquire", acquired));
        assertEquals(0, probeSem.value());

        // mutex and condition: the fixture bundle waits for a predicate, the probe sets it and signals
        AtomicBoolean ready = new AtomicBoolean();
        Future<LockResult> woken = waiter(() -> {
            assertEquals(LockResult.ACQUIRED, fixtureMutex.lock());
            try {
                LockResult last = LockResult.ACQUIRED;
                while (!ready.get()) {
                    last = fixtureCond.await(fixtureMutex);
                }
                assertTrue(fixtureMutex.isHeldByCurrentThread());
                return last;
            } finally {
                fixtureMutex.unlock();
            }
        });
        await("the fixture bundle waits on the condition", () -> probeCond.waiters() == 1);
        assertEquals(LockResult.ACQUIRED, probeMutex.lock());
        try {
            ready.set(true);
            probeCond.signal();
        } finally {
            probeMutex.unlock();
        }
        assertEquals(LockResult.ACQUIRED, result("the fixture bundle's condition wait", woken));
        assertEquals(0, probeCond.waiters());
        assertTrue(probeMutex.owner().isEmpty());

        // event: the fixture bundle waits, the probe signals with data
        Future<Long> data = waiter(fixtureEvent::await);
        await("the fixture bundle waits on the event",
                () -> probeEvent.info().statistics().get(Counter.WAITS) >= 1);
        probeEvent.signal(4242);
        assertEquals(Long.valueOf(4242), result("the fixture bundle's event wait", data));
        assertFalse("the auto-reset event was consumed", probeEvent.isSignalled());

        // the runtime lists the four objects and both processes
        IpcRuntime runtime = runtime();
        long probeId = context.getBundle().getBundleId();
        IpcProcess fixtureProcess = processOf(runtime, fixture);
        IpcProcess probeProcess = processOf(runtime, context.getBundle());
        assertEquals(ProcessKind.BUNDLE, fixtureProcess.kind());
        assertEquals(FixtureBundle.SYMBOLIC_NAME, fixtureProcess.name());
        assertEquals(probeId, runtime.currentProcess().id());
        assertEquals(probeProcess, runtime.currentProcess());
        long jvm = ProcessHandle.current().pid();
        Map<ObjectType, String> names = new LinkedHashMap<>();
        names.put(ObjectType.SEMAPHORE, "fw-sem");
        names.put(ObjectType.MUTEX, "fw-mutex");
        names.put(ObjectType.CONDITION, "fw-cond");
        names.put(ObjectType.EVENT, "fw-event");
        for (Map.Entry<ObjectType, String> e : names.entrySet()) {
            ObjectInfo listed = runtime.object(e.getKey(), e.getValue())
                    .orElseThrow(() -> new AssertionError(e + " is not listed: " + runtime.objects()));
            assertTrue(e + " is persistent", listed.persistent());
            assertEquals(e + " was made by this JVM", jvm, listed.creator().pid());
            assertEquals(e + " has a handle in each bundle", 2, listed.statistics().get(Counter.HANDLES));
            assertTrue(e + " in the list of its kind",
                    runtime.objects(e.getKey()).stream().anyMatch(i -> i.name().orElse("").equals(e.getValue())));
        }
        assertEquals(10, runtime.object(ObjectType.SEMAPHORE, "fw-sem").orElseThrow().capacity());
        assertEquals("the creating handle names the fixture bundle", fixture.getBundleId(),
                fixtureSem.info().creator().id());
        assertTrue("both bundles' handles count as connections: " + runtime.connectionCount(),
                runtime.connectionCount() >= 8);
        assertTrue("the semaphore's file is under this test's root",
                Files.isRegularFile(root.resolve("semaphore").resolve("fw-sem")));
        assertTrue("the event's file is under this test's root",
                Files.isRegularFile(root.resolve("event").resolve("fw-event")));
    }

    // ------------------------------------------------------------------ stopping the bundle

    @Test(timeout = 180_000)
    public void stoppingTheBundleWakesEveryWaiterOfBothBundlesWithClosedAndRestartReadopts() throws Exception {
        SyncService mine = service(context, SyncService.class);
        EventService myEvents = service(context, EventService.class);
        SyncService theirs = service(fixtureContext(), SyncService.class);
        EventService theirEvents = service(fixtureContext(), EventService.class);
        Set<Thread> threadsBefore = new HashSet<>(Thread.getAllStackTraces().keySet());

        Semaphore kept = keep(mine.createSemaphore("fw-kept", new SemaphoreOptions(2, 10), 0660));
        kept.release();
        kept.release();
        kept.release();
        assertEquals(5, kept.value());
        Event keptEvent = keep(myEvents.create("fw-kept-event", EventType.MANUAL_RESET, Set.of(), 0660));
        keptEvent.signal(77);

        Semaphore probeSem = keep(mine.createSemaphore("fw-block-sem", new SemaphoreOptions(0, 10), 0660));
        Semaphore fixtureSem = keep(theirs.openSemaphore("fw-block-sem"));
        Mutex probeCondMutex = keep(mine.createMutex("fw-cond-mutex", MutexOptions.DEFAULT, 0660));
        Mutex fixtureCondMutex = keep(theirs.openMutex("fw-cond-mutex"));
        Condition probeCond = keep(mine.createCondition("fw-block-cond", 0660));
        Condition fixtureCond = keep(theirs.openCondition("fw-block-cond"));
        Event probeEvent = keep(myEvents.create("fw-block-event", EventType.AUTO_RESET, Set.of(), 0660));
        Event fixtureEvent = keep(theirEvents.open("fw-block-event"));

        Map<String, Future<?>> blocked = new LinkedHashMap<>();
        blocked.put("probe acquire", waiter(() -> {
            probeSem.acquire();
            return "acquired";
        }));
        blocked.put("fixture acquire", waiter(() -> {
            fixtureSem.acquire();
            return "acquired";
        }));
        blocked.put("probe condition await", waiter(() -> conditionWait(probeCondMutex, probeCond)));
        blocked.put("fixture condition await", waiter(() -> conditionWait(fixtureCondMutex, fixtureCond)));
        blocked.put("probe event await", waiter(probeEvent::await));
        blocked.put("fixture event await", waiter(fixtureEvent::await));
        await("both bundles wait on the semaphore", () -> probeSem.info().statistics().get(Counter.WAITS) >= 2);
        await("both bundles wait on the condition", () -> probeCond.waiters() == 2);
        await("both bundles wait on the event", () -> probeEvent.info().statistics().get(Counter.WAITS) >= 2);
        for (Map.Entry<String, Future<?>> e : blocked.entrySet()) {
            assertFalse(e.getKey() + " is blocked", e.getValue().isDone());
        }

        Bundle sync = installed(SYNC_BUNDLE);
        sync.stop();
        assertEquals(Bundle.RESOLVED, sync.getState());
        awaitWithdrawn(SyncService.class);
        awaitWithdrawn(EventService.class);
        awaitWithdrawn(SignalService.class);

        for (Map.Entry<String, Future<?>> e : blocked.entrySet()) {
            assertEquals(e.getKey() + " ends with CLOSED", IpcError.CLOSED, failure(e.getKey(), e.getValue()));
        }
        assertTrue(probeSem.isClosed() && fixtureSem.isClosed() && probeCond.isClosed() && fixtureEvent.isClosed());
        expectClosed("acquire on a closed handle", probeSem::tryAcquire);
        expectClosed("signal on a closed handle", () -> fixtureEvent.signal(1));
        expectClosed("open through the old service", () -> mine.openSemaphore("fw-kept"));

        Set<Thread> ours = waiterThreads();
        assertEquals("six waiter threads ran", 6, ours.size());
        endWaiters();
        List<String> inSync = threadsIn("org.multios.ipc.sync");
        assertTrue("no thread is left in the synchronization code: " + inSync, inSync.isEmpty());
        Set<Thread> threadsAfter = Thread.getAllStackTraces().keySet();
        List<String> leftOver = new ArrayList<>();
        for (Thread t : threadsAfter) {
            if (ours.contains(t) || (!threadsBefore.contains(t) && t.getName().startsWith("ipc-"))) {
                leftOver.add(t.getName() + " (" + t.getState() + ")");
            }
        }
        assertTrue("live threads before " + threadsBefore.size() + ", after " + threadsAfter.size()
                + "; none of the waiters nor a new IPC thread is left: " + leftOver, leftOver.isEmpty());

        sync.start();
        assertEquals(Bundle.ACTIVE, sync.getState());
        SyncService after = service(context, SyncService.class);
        EventService eventsAfter = service(context, EventService.class);
        Semaphore again = keep(after.openSemaphore("fw-kept"));
        assertEquals("the semaphore's value survived the restart", 5, again.value());
        assertEquals(10, again.maxValue());
        assertEquals(kept.id(), again.id());
        Semaphore blockedAgain = keep(after.openSemaphore("fw-block-sem"));
        assertEquals("nobody took the blocked semaphore", 0, blockedAgain.value());
        blockedAgain.release();
        assertTrue(blockedAgain.tryAcquire());
        Condition condAgain = keep(after.openCondition("fw-block-cond"));
        assertEquals("the condition counts no waiter any more", 0, condAgain.waiters());
        Event eventAgain = keep(eventsAfter.open("fw-kept-event"));
        assertEquals(EventType.MANUAL_RESET, eventAgain.eventType());
        assertEquals("the event stayed signalled with its data", OptionalLong.of(77), eventAgain.tryAwait());
        assertTrue(runtime().object(ObjectType.SEMAPHORE, "fw-kept").isPresent());
    }

    /** Locks, waits on the condition for a signal that never comes, unlocks. */
    private static Object conditionWait(Mutex mutex, Condition condition) {
        assertEquals(LockResult.ACQUIRED, mutex.lock());
        try {
            return condition.await(mutex);
        } finally {
            if (mutex.isHeldByCurrentThread()) {
                mutex.unlock();
            }
        }
    }

    @Test(timeout = 120_000)
    public void uninstallingAndInstallingTheBundleAgainKeepsTheNamedObjects() throws Exception {
        SyncService mine = service(context, SyncService.class);
        EventService myEvents = service(context, EventService.class);
        SyncService theirs = service(fixtureContext(), SyncService.class);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        Bundle security = installed("ipc.security");
        long fixtureModified = fixture.getLastModified();
        long securityModified = security.getLastModified();

        Semaphore sem = keep(theirs.createSemaphore("fw-re-sem", new SemaphoreOptions(3, 7), 0640));
        sem.release();
        Mutex mutex = keep(mine.createMutex("fw-re-mutex", new MutexOptions(true, true), 0600));
        Condition cond = keep(mine.createCondition("fw-re-cond", 0600));
        Event event = keep(myEvents.create("fw-re-event", EventType.AUTO_RESET, Set.of(EventFlag.INITIALLY_SIGNALLED),
                0600));
        event.signal(123);

        List<String> othersStopped = new CopyOnWriteArrayList<>();
        SynchronousBundleListener watcher = e -> {
            boolean sync = SYNC_BUNDLE.equals(e.getBundle().getSymbolicName());
            if (!sync && (e.getType() == BundleEvent.STOPPING || e.getType() == BundleEvent.STOPPED
                    || e.getType() == BundleEvent.STARTING || e.getType() == BundleEvent.UNRESOLVED)) {
                othersStopped.add(e.getBundle().getSymbolicName() + " " + e.getType());
            }
        };
        context.addBundleListener(watcher);
        try {
            Bundle sync = installed(SYNC_BUNDLE);
            sync.uninstall();
            awaitWithdrawn(SyncService.class);
            awaitWithdrawn(EventService.class);
            assertTrue("the handles are closed", sem.isClosed() && mutex.isClosed() && event.isClosed());
            expectClosed("release after uninstall", sem::release);
            expectClosed("lock after uninstall", mutex::lock);
            refresh(sync);

            Path file = Path.of(System.getProperty(SYNC_FILE_PROPERTY));
            Bundle again;
            try (InputStream in = Files.newInputStream(file)) {
                again = context.installBundle("reinstalled:" + file, in);
            }
            again.start();
            assertEquals(Bundle.ACTIVE, again.getState());
            assertEquals("the reinstalled bundle is the ipc.sync bundle now", again, installed(SYNC_BUNDLE));

            SyncService after = service(context, SyncService.class);
            EventService eventsAfter = service(context, EventService.class);
            SyncService theirsAfter = service(fixture.getBundleContext(), SyncService.class);

            Semaphore semAgain = keep(theirsAfter.openSemaphore("fw-re-sem"));
            assertEquals("the value survived the reinstall", 4, semAgain.value());
            assertEquals(7, semAgain.maxValue());
            assertEquals(0640, semAgain.info().permissions().mode());
            Mutex mutexAgain = keep(after.openMutex("fw-re-mutex"));
            assertEquals(new MutexOptions(true, true), mutexAgain.options());
            assertTrue("nobody held the mutex", mutexAgain.owner().isEmpty());
            assertTrue(mutexAgain.isConsistent());
            assertEquals(LockResult.ACQUIRED, mutexAgain.lock());
            assertEquals(LockResult.ACQUIRED, mutexAgain.lock());
            assertEquals(2, mutexAgain.holdCount());
            mutexAgain.unlock();
            mutexAgain.unlock();
            Condition condAgain = keep(after.openCondition("fw-re-cond"));
            assertEquals(cond.id(), condAgain.id());
            Event eventAgain = keep(eventsAfter.open("fw-re-event"));
            assertEquals(EventType.AUTO_RESET, eventAgain.eventType());
            assertEquals("the signal and its data survived", OptionalLong.of(123), eventAgain.tryAwait());
            assertFalse(eventAgain.isSignalled());
            after.unlinkSemaphore("fw-re-sem");
            assertTrue(runtime().object(ObjectType.SEMAPHORE, "fw-re-sem").isEmpty());
            assertTrue(runtime().object(ObjectType.MUTEX, "fw-re-mutex").isPresent());
        } finally {
            context.removeBundleListener(watcher);
        }
        assertTrue("no other bundle stopped or started, but: " + othersStopped, othersStopped.isEmpty());
        assertEquals(Bundle.ACTIVE, fixture.getState());
        assertEquals(Bundle.ACTIVE, security.getState());
        assertEquals("the fixture bundle was not restarted", fixtureModified, fixture.getLastModified());
        assertEquals("ipc.security was not restarted", securityModified, security.getLastModified());
    }

    // ------------------------------------------------------------------ owner death

    @Test(timeout = 120_000)
    public void aBundleStoppedHoldingARobustMutexHandsItOnAsOwnerDead() throws Exception {
        SyncService mine = service(context, SyncService.class);
        SyncService theirs = service(fixtureContext(), SyncService.class);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);

        Mutex held = keep(theirs.createMutex("fw-robust", MutexOptions.DEFAULT, 0660));
        assertEquals(LockResult.ACQUIRED, result("the fixture bundle's lock", waiter(held::lock)));
        assertEquals("the owner is the fixture bundle", fixture.getBundleId(), held.owner().orElseThrow().id());

        Mutex probeMutex = keep(mine.openMutex("fw-robust"));
        assertEquals(LockResult.BUSY, probeMutex.tryLock());
        Future<List<Object>> waiting = waiter(() -> {
            LockResult r = probeMutex.lock();
            boolean consistent = probeMutex.isConsistent();
            probeMutex.markConsistent();
            probeMutex.unlock();
            return List.of(r, consistent, probeMutex.isConsistent());
        });
        await("the probe waits for the mutex", () -> probeMutex.info().statistics().get(Counter.WAITS) >= 1);
        assertFalse("the probe is blocked", waiting.isDone());

        fixture.stop();
        assertEquals(Bundle.RESOLVED, fixture.getState());
        assertTrue("the fixture bundle's handle closed with it", held.isClosed());

        assertEquals("the waiting probe learns that the holder died, finds the mutex inconsistent, repairs it",
                List.of(LockResult.OWNER_DEAD, false, true), result("the probe's lock", waiting));
        assertEquals("repaired, the mutex locks normally", LockResult.ACQUIRED, probeMutex.lock());
        probeMutex.unlock();
        assertFalse(probeMutex.isNotRecoverable());

        fixture.start();
        assertEquals(Bundle.ACTIVE, fixture.getState());
        SyncService theirsAgain = service(fixture.getBundleContext(), SyncService.class);
        Mutex reopened = keep(theirsAgain.openMutex("fw-robust"));
        assertEquals("the restarted fixture bundle locks the repaired mutex", LockResult.ACQUIRED,
                result("the restarted fixture bundle's lock", waiter(() -> {
                    LockResult r = reopened.lock();
                    reopened.unlock();
                    return r;
                })));
    }

    @Test(timeout = 120_000)
    public void aBundleStoppedHoldingARobustMutexLeavesItOwnerDeadForTheNextLocker() throws Exception {
        SyncService mine = service(context, SyncService.class);
        SyncService theirs = service(fixtureContext(), SyncService.class);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        Mutex held = keep(theirs.createMutex("fw-robust-late", MutexOptions.DEFAULT, 0660));
        assertEquals(LockResult.ACQUIRED, held.lock());
        Mutex probeMutex = keep(mine.openMutex("fw-robust-late"));

        fixture.stop();
        assertEquals(Bundle.RESOLVED, fixture.getState());
        fixture.start();
        assertEquals(Bundle.ACTIVE, fixture.getState());

        assertFalse("the mutex was left inconsistent", probeMutex.isConsistent());
        assertEquals(LockResult.OWNER_DEAD, probeMutex.lock());
        // unlocking without repair makes it not recoverable
        probeMutex.unlock();
        assertTrue(probeMutex.isNotRecoverable());
        expectError(IpcError.NOT_RECOVERABLE, "lock a mutex that is not recoverable", probeMutex::lock);
        SyncService theirsAgain = service(fixture.getBundleContext(), SyncService.class);
        Mutex reopened = keep(theirsAgain.openMutex("fw-robust-late"));
        expectError(IpcError.NOT_RECOVERABLE, "the restarted fixture bundle locks", reopened::tryLock);
    }

    // ------------------------------------------------------------------ defects
    @Test(timeout = 120_000)
    public void stoppingTheBundleWakesLockWaitersOfBothBundlesWithClosed() throws Exception {
        SyncService mine = service(context, SyncService.class);
        SyncService theirs = service(fixtureContext(), SyncService.class);
        Mutex holder = keep(mine.createMutex("fw-lock-block", MutexOptions.DEFAULT, 0660));
        Mutex probeWaiterMutex = keep(mine.openMutex("fw-lock-block"));
        Mutex fixtureWaiterMutex = keep(theirs.openMutex("fw-lock-block"));
        assertEquals(LockResult.ACQUIRED, holder.lock());

        Future<LockResult> probeWaiter = waiter(probeWaiterMutex::lock);
        Future<LockResult> fixtureWaiter = waiter(fixtureWaiterMutex::lock);
        await("both bundles wait for the mutex", () -> holder.info().statistics().get(Counter.WAITS) >= 2);

        Bundle sync = installed(SYNC_BUNDLE);
        sync.stop();
        awaitWithdrawn(SyncService.class);

        Map<String, Object> outcomes = new LinkedHashMap<>();
        outcomes.put("probe lock", outcome(probeWaiter));
        outcomes.put("fixture lock", outcome(fixtureWaiter));
        assertEquals("every blocked lock() ends with CLOSED",
                Map.of("probe lock", IpcError.CLOSED, "fixture lock", IpcError.CLOSED), outcomes);
    }
    @Test(timeout = 120_000)
    public void closingASecondHandleKeepsTheLockTakenThroughTheFirst() throws Exception {
        SyncService mine = service(context, SyncService.class);
        SyncService theirs = service(fixtureContext(), SyncService.class);
        Mutex first = keep(mine.createMutex("fw-two-handles", MutexOptions.DEFAULT, 0660));
        Mutex second = keep(mine.openMutex("fw-two-handles"));
        Mutex other = keep(theirs.openMutex("fw-two-handles"));
        assertEquals(LockResult.ACQUIRED, first.lock());

        second.close();

        assertTrue("the thread still holds the lock it took through the first handle", first.isHeldByCurrentThread());
        assertTrue("the mutex stays consistent", first.isConsistent());
        assertEquals("another bundle still finds the mutex held", LockResult.BUSY,
                result("the fixture bundle's tryLock", waiter(other::tryLock)));
        first.unlock();
    }

    /** The result of a waiter, or the error it ended with, waiting at most {@link #WAIT_MILLIS}. */
    private static Object outcome(Future<?> future) throws Exception {
        try {
            return future.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause() instanceof org.multios.ipc.IpcException ipc ? ipc.error() : e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            return "still blocked";
        }
    }
}
