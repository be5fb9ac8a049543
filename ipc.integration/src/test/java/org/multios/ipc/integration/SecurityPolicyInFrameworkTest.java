package org.multios.ipc.integration;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcObject;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.GuardedService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.PlatformConfiguration;
import org.multios.ipc.sync.LockResult;
import org.multios.ipc.sync.Mutex;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The full policy of ipc.security in a running framework, with the real mechanisms (shared
 * memory, semaphores, mutexes, events, signals): POSIX owner, group and mode decide access at
 * open, configured rules add and take away rights for later opens while open handles keep
 * their grants, revocation withdraws a grant at once, quotas refuse what would pass them, every
 * denial is one rate-limited audit line, and without ipc.security no client reaches a
 * mechanism.
 *
 * <p>Bundles act as configured users that need not exist in the operating system: the probe
 * bundle as {@code alice:staff}, the fixture bundle as {@code bob:staff} and a small third
 * bundle installed by the test as {@code carol:guests}. The policy is changed through
 * Configuration Admin (PID {@value PlatformConfiguration#SECURITY_PID}); every test deletes what it configured and
 * waits until the default policy is in force again.
 *
 * <p>Every test has its own framework and the IPC root of this class (framework property
 * {@value IpcEnvironment#ROOT_PROPERTY}) under the build directory, emptied before and deleted
 * after every test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class SecurityPolicyInFrameworkTest extends IpcTestSupport {
    private static final String SECURITY_BUNDLE = "ipc.security";
    private static final List<String> MECHANISM_BUNDLES = List.of("ipc.shm", "ipc.sync");
    /** System property naming the directory under which the roots of these tests are made. */
    private static final String ROOTS_PROPERTY = "ipc.security.roots";
    /** The third bundle, installed by the tests that need a user outside the group. */
    private static final String CAROL_BSN = "ipc.integration.security.carol";
    /** Where the third bundle is installed from: its identity is keyed on this. */
    private static final String CAROL_LOCATION = "security-test:" + CAROL_BSN;
    private static final int[] MODES = { 0600, 0640, 0660 };
    private static final Class<?>[] API_SERVICES = { SharedMemoryService.class, SyncService.class,
        EventService.class, SignalService.class, IpcRuntime.class };

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Runnable> toRelease = new ArrayList<>();
    private final List<Bundle> toUninstall = new ArrayList<>();
    private Path root;
    private int markers;
    private boolean configured;

    @Override
    @Configuration
    public Option[] config() throws Exception {
        Path roots = Files.createDirectories(Path.of(System.getProperty("ipc.work.dir")).resolve("security-roots"));
        Path root = roots.resolve("root-" + UUID.randomUUID());
        return OptionUtils.combine(super.config(),
                frameworkProperty(IpcEnvironment.ROOT_PROPERTY).value(root.toString()),
                systemProperty(ROOTS_PROPERTY).value(roots.toString()));
    }

    @Before
    public void freshRoot() throws Exception {
        String configured = context.getProperty(IpcEnvironment.ROOT_PROPERTY);
        assertNotNull("the framework property " + IpcEnvironment.ROOT_PROPERTY + " is set", configured);
        root = Path.of(configured).toAbsolutePath().normalize();
        Path roots = Path.of(System.getProperty(ROOTS_PROPERTY)).toAbsolutePath().normalize();
        assertTrue("the IPC root " + root + " lies under " + roots, root.startsWith(roots) && !root.equals(roots));
        deleteTree(root);
        Files.createDirectories(root);
        await("the security policy is published", () -> context.getServiceReference(AccessControl.class) != null);
        for (Class<?> api : API_SERVICES) {
            await(api.getSimpleName() + " is published", () -> context.getServiceReference(api.getName()) != null);
        }
    }

    @After
    public void cleanUp() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception closedAlready) {
                // handles of a released service are closed already
            }
        }
        toRelease.forEach(Runnable::run);
        Bundle security = installed(SECURITY_BUNDLE);
        if (security.getState() != Bundle.ACTIVE) {
            security.start();
        }
        if (configured) {
            resetPolicy();
        }
        for (Bundle b : toUninstall) {
            if (b.getState() != Bundle.UNINSTALLED) {
                b.uninstall();
            }
        }
        if (root != null) {
            deleteTree(root);
        }
    }

    // ------------------------------------------------------------------ 1. the permission matrix

    @Test(timeout = 120_000)
    public void sharedMemoryFollowsOwnerGroupAndModeForEveryOperationClass() throws Exception {
        configure(List.of());
        SharedMemoryService alice = probe(SharedMemoryService.class);
        SharedMemoryService bob = fixture(SharedMemoryService.class);
        SharedMemoryService carol = carol(SharedMemoryService.class);
        byte[] pattern = "written by alice".getBytes(StandardCharsets.UTF_8);

        for (int mode : MODES) {
            String name = "mx-shm-" + Integer.toOctalString(mode);
            SharedMemory own = keep(alice.create(name, 4096, mode));
            assertEquals("alice:staff " + Integer.toOctalString(mode), new Permissions("alice", "staff", mode),
                    own.permissions());
            assertEquals("the owner holds read, write and admin", Rights.ALL, own.rights());
            own.write(0, pattern);

            expectDenied("read from", name, () -> carol.open(name));
            expectDenied("administer", name, () -> bob.unlink(name));
            if (mode == 0600) {
                IpcException e = expectDenied("read from", name, () -> bob.open(name));
                assertTrue("names who was refused: " + e.getMessage(), e.getMessage().contains(" as bob "));
                continue;
            }
            SharedMemory theirs = keep(bob.open(name));
            byte[] seen = new byte[pattern.length];
            assertEquals(seen.length, theirs.read(0, seen));
            assertArrayEquals("bob reads what alice wrote", pattern, seen);
            try (Mapping ro = theirs.map(MapAccess.READ_ONLY)) {
                assertEquals(pattern[0], ro.getByte(0));
                expectDenied("write through a read-only mapping", name, () -> ro.putByte(0, (byte) 1));
            }
            expectDenied("change the permissions of", name, () -> theirs.setPermissions(own.permissions()));
            if (mode == 0640) {
                assertEquals("the group triplet of 0640 gives read only", Rights.READ, theirs.rights());
                expectDenied("map for writing", name, () -> theirs.map(MapAccess.READ_WRITE));
                expectDenied("write to", name, () -> theirs.write(0, new byte[] { 1 }));
            } else {
                assertEquals("the group triplet of 0660 gives read and write", Rights.READ_WRITE, theirs.rights());
                try (Mapping rw = theirs.map(MapAccess.READ_WRITE)) {
                    rw.putLongVolatile(64, 0x5EC0_0001L);
                }
                theirs.write(128, pattern);
                try (Mapping check = own.map(MapAccess.READ_ONLY)) {
                    assertEquals("alice sees bob's write", 0x5EC0_0001L, check.getLongVolatile(64));
                }
                // chmod by the owner: bob's open handle keeps its grant, his later opens follow the new mode
                own.setPermissions(own.permissions().withMode(0600));
                assertEquals(0600, own.permissions().mode());
                theirs.write(0, new byte[] { 2 });
                expectDenied("read from", name, () -> bob.open(name));
            }
        }
        for (int mode : MODES) {
            alice.unlink("mx-shm-" + Integer.toOctalString(mode));
            assertFalse(Files.exists(root.resolve("shm").resolve("mx-shm-" + Integer.toOctalString(mode))));
        }
    }

    @Test(timeout = 120_000)
    public void semaphoresMutexesAndEventsFollowOwnerGroupAndMode() throws Exception {
        configure(List.of());
        SyncService aliceSync = probe(SyncService.class);
        SyncService bobSync = fixture(SyncService.class);
        SyncService carolSync = carol(SyncService.class);
        EventService aliceEvents = probe(EventService.class);
        EventService bobEvents = fixture(EventService.class);
        EventService carolEvents = carol(EventService.class);

        for (int mode : MODES) {
            String m = Integer.toOctalString(mode);
            String sem = "mx-sem-" + m;
            String mutex = "mx-mutex-" + m;
            String event = "mx-event-" + m;
            Semaphore ownSem = keep(aliceSync.createSemaphore(sem, SemaphoreOptions.of(0), mode));
            Mutex ownMutex = keep(aliceSync.createMutex(mutex, MutexOptions.DEFAULT, mode));
            Event ownEvent = keep(aliceEvents.create(event, EventType.AUTO_RESET, Set.of(), mode));
            for (var h : List.of(ownSem, ownMutex, ownEvent)) {
                assertEquals(new Permissions("alice", "staff", mode), h.permissions());
                assertEquals("the owner holds every right on " + h, Rights.ALL, h.rights());
            }

            expectDenied("read from", sem, () -> carolSync.openSemaphore(sem));
            expectDenied("write to", mutex, () -> carolSync.openMutex(mutex));
            expectDenied("read from", event, () -> carolEvents.open(event));
            expectDenied("administer", sem, () -> bobSync.unlinkSemaphore(sem));
            expectDenied("administer", mutex, () -> bobSync.unlinkMutex(mutex));
            expectDenied("administer", event, () -> bobEvents.unlink(event));

            if (mode == 0600) {
                expectDenied("read from", sem, () -> bobSync.openSemaphore(sem));
                expectDenied("write to", mutex, () -> bobSync.openMutex(mutex));
                expectDenied("read from", event, () -> bobEvents.open(event));
                continue;
            }

            // semaphores: wait needs read, post needs write
            Semaphore bobSem = keep(bobSync.openSemaphore(sem));
            ownSem.release();
            bobSem.acquire(Duration.ofMillis(WAIT_MILLIS));
            expectDenied("change the permissions of", sem, () -> bobSem.setPermissions(ownSem.permissions()));
            // events: await needs read, signal and reset need write
            Event bobEvent = keep(bobEvents.open(event));
            ownEvent.signal(41);
            assertEquals("bob waits for alice's signal", 41, bobEvent.await(Duration.ofMillis(WAIT_MILLIS)));

            if (mode == 0640) {
                assertEquals(Rights.READ, bobSem.rights());
                assertEquals(Rights.READ, bobEvent.rights());
                expectDenied("post", sem, bobSem::release);
                expectDenied("signal", event, () -> bobEvent.signal(1));
                expectDenied("reset", event, bobEvent::reset);
                // locking needs write: the group's read right does not let bob lock
                expectCannotLock(bobSync, mutex);
            } else {
                assertEquals(Rights.READ_WRITE, bobSem.rights());
                assertEquals(Rights.READ_WRITE, bobEvent.rights());
                bobSem.release();
                ownSem.acquire(Duration.ofMillis(WAIT_MILLIS));
                bobEvent.signal(7);
                assertEquals("alice waits for bob's signal", 7, ownEvent.await(Duration.ofMillis(WAIT_MILLIS)));
                Mutex bobMutex = keep(bobSync.openMutex(mutex));
                assertEquals(Rights.READ_WRITE, bobMutex.rights());
                assertTrue(bobMutex.lock(Duration.ofMillis(WAIT_MILLIS)).isOwned());
                assertEquals("bob holds the lock", LockResult.BUSY, ownMutex.tryLock());
                bobMutex.unlock();
                assertTrue(ownMutex.tryLock().isOwned());
                ownMutex.unlock();
                expectDenied("change the permissions of", mutex,
                        () -> bobMutex.setPermissions(ownMutex.permissions()));
            }
        }
        for (int mode : MODES) {
            String m = Integer.toOctalString(mode);
            aliceSync.unlinkSemaphore("mx-sem-" + m);
            aliceSync.unlinkMutex("mx-mutex-" + m);
            aliceEvents.unlink("mx-event-" + m);
        }
        assertEquals("every named object is gone", List.of(), listFiles(root));
    }

    @Test(timeout = 120_000)
    public void signallingAnotherUsersProcessNeedsWriteOnItsDisposition() throws Exception {
        configure(List.of());
        SignalService alice = probe(SignalService.class);
        SignalService bob = fixture(SignalService.class);
        BlockingQueue<SignalInfo> delivered = new LinkedBlockingQueue<>();
        keep(bob.register(Signal.USR1, delivered::add));
        long bobId = installed(FixtureBundle.SYMBOLIC_NAME).getBundleId();
        long aliceId = context.getBundle().getBundleId();
        String bobDisposition = "bundle " + bobId + " (" + FixtureBundle.SYMBOLIC_NAME + ")";

        IpcException e = expectDenied("write to", bobDisposition,
                () -> alice.send(ProcessKind.BUNDLE, bobId, Signal.USR1, 7));
        assertTrue("names the disposition's owner: " + e.getMessage(), e.getMessage().contains("bob:staff"));
        expectDenied("write to", "bundle " + aliceId + " (", () -> bob.send(ProcessKind.BUNDLE, aliceId, Signal.USR1, 1));
        bob.send(ProcessKind.BUNDLE, bobId, Signal.USR1, 3);
        SignalInfo own = delivered.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull("bob may signal himself", own);
        assertEquals(3, own.value());

        configure(List.of("allow user:alice w signal:bundle*(" + FixtureBundle.SYMBOLIC_NAME + ")"));
        alice.send(ProcessKind.BUNDLE, bobId, Signal.USR1, 7);
        SignalInfo got = delivered.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull("the rule lets alice signal bob", got);
        assertEquals(7, got.value());
        assertEquals(aliceId, got.sender().orElseThrow().id());
        assertEquals("alice", got.sender().orElseThrow().user());
        expectDenied("write to", "bundle " + aliceId + " (", () -> bob.send(ProcessKind.BUNDLE, aliceId, Signal.USR1, 1));

        configure(List.of("allow user:alice w signal:bundle*(" + FixtureBundle.SYMBOLIC_NAME + ")",
                "deny group:staff w signal:*"));
        expectDenied("write to", bobDisposition, () -> alice.send(ProcessKind.BUNDLE, bobId, Signal.USR1, 8));
        expectDenied("write to", bobDisposition, () -> bob.send(ProcessKind.BUNDLE, bobId, Signal.USR1, 9));
        assertNull("no denied signal was delivered", delivered.poll(50, TimeUnit.MILLISECONDS));
    }

    @Test(timeout = 120_000)
    public void rulesDecideLaterOpensWhileHandlesOpenedBeforeKeepTheirGrants() throws Exception {
        configure(List.of());
        SharedMemoryService aliceShm = probe(SharedMemoryService.class);
        SharedMemoryService bobShm = fixture(SharedMemoryService.class);
        SharedMemoryService carolShm = carol(SharedMemoryService.class);
        SyncService aliceSync = probe(SyncService.class);
        SyncService carolSync = carol(SyncService.class);
        EventService aliceEvents = probe(EventService.class);
        EventService bobEvents = fixture(EventService.class);

        SharedMemory a = keep(aliceShm.create("ru-a", 4096, 0600));
        SharedMemory b = keep(aliceShm.create("ru-b", 4096, 0660));
        keep(aliceSync.createSemaphore("ru-sem", SemaphoreOptions.of(1), 0640));
        Event e = keep(aliceEvents.create("ru-event", EventType.MANUAL_RESET, Set.of(), 0600));
        keep(aliceShm.create("ru-shut", 4096, 0666));

        expectDenied("read from", "ru-a", () -> bobShm.open("ru-a"));
        SharedMemory bobBefore = keep(bobShm.open("ru-b"));
        assertEquals(Rights.READ_WRITE, bobBefore.rights());
        Mapping bobMappingBefore = keep(bobBefore.map(MapAccess.READ_WRITE));
        expectDenied("read from", "ru-sem", () -> carolSync.openSemaphore("ru-sem"));
        expectDenied("read from", "ru-event", () -> bobEvents.open("ru-event"));

        List<String> rules = List.of(
                "allow user:bob rw shm:ru-a",
                "deny group:staff w shm:ru-b",
                "allow bundle:security-test:ipc.integration.security.* r semaphore:ru-*",
                "allow user:bob rw event:ru-*",
                "deny group:staff w event:ru-event",
                "deny user:bob * shm:ru-shut");
        configure(rules);
        assertEquals("the rules in force, in order", rules, accessControl(AccessControl::rules).subList(0, rules.size()));

        // a denial a rule decided says so; the rule is named to the operator only, in the audit line
        List<String> audit = captureAuditLines(() -> {
            IpcException shut = expectDenied("read from", "ru-shut", () -> bobShm.open("ru-shut"));
            assertTrue(shut.getMessage(), shut.getMessage().endsWith(
                    "; denied by a rule of the security policy, named in the audit log)"));
            assertFalse(shut.getMessage(), shut.getMessage().contains("user:bob"));
        });
        assertTrue("the audit line names the rule: " + audit,
                audit.stream().anyMatch(l -> l.contains("ru-shut") && l.contains("denied by rule 'deny user:bob * shm:ru-shut'")));

        // allow user:bob rw: a later open by bob gets read and write, not admin
        SharedMemory bobA = keep(bobShm.open("ru-a"));
        assertEquals(Rights.READ_WRITE, bobA.rights());
        bobA.write(0, new byte[] { 42 });
        expectDenied("administer", "ru-a", () -> bobShm.unlink("ru-a"));
        expectDenied("read from", "ru-a", () -> carolShm.open("ru-a"));

        // deny group:staff w: later opens lose write, even the owner's; handles opened before keep it
        SharedMemory bobB = keep(bobShm.open("ru-b"));
        assertEquals(Rights.READ, bobB.rights());
        expectDenied("write to", "ru-b", () -> bobB.write(0, new byte[] { 1 }));
        expectDenied("map for writing", "ru-b", () -> bobB.map(MapAccess.READ_WRITE));
        SharedMemory aliceB = keep(aliceShm.open("ru-b"));
        assertEquals("deny wins over the owner's mode bits", Rights.READ | Rights.ADMIN, aliceB.rights());
        expectDenied("write to", "ru-b", () -> aliceB.write(0, new byte[] { 1 }));
        assertEquals("bob's earlier handle keeps its grant", Rights.READ_WRITE, bobBefore.rights());
        bobBefore.write(0, new byte[] { 5 });
        bobMappingBefore.putByte(1, (byte) 6);
        b.write(2, new byte[] { 7 });
        byte[] seen = new byte[3];
        aliceB.read(0, seen);
        assertArrayEquals(new byte[] { 5, 6, 7 }, seen);

        // a rule on a bundle subject: carol's bundle may now wait on the semaphore, not post
        Semaphore carolSem = keep(carolSync.openSemaphore("ru-sem"));
        assertEquals(Rights.READ, carolSem.rights());
        assertTrue(carolSem.tryAcquire());
        expectDenied("post", "ru-sem", carolSem::release);

        // allow and deny on the same object: deny wins
        Event bobEvent = keep(bobEvents.open("ru-event"));
        assertEquals(Rights.READ, bobEvent.rights());
        expectDenied("signal", "ru-event", () -> bobEvent.signal(1));
        e.signal(11);
        assertEquals(OptionalLong.of(11), bobEvent.tryAwait());

        // without the rules, later opens follow the mode bits again; handles keep what they got
        configure(List.of());
        expectDenied("read from", "ru-a", () -> bobShm.open("ru-a"));
        bobA.write(1, new byte[] { 43 });
        assertEquals(Rights.READ_WRITE, keep(bobShm.open("ru-b")).rights());
        assertEquals(Rights.ALL, keep(aliceShm.open("ru-b")).rights());
        assertEquals(Rights.READ | Rights.ADMIN, aliceB.rights());
        expectDenied("read from", "ru-sem", () -> carolSync.openSemaphore("ru-sem"));
        assertEquals(Rights.READ, carolSem.rights());
        a.read(0, seen);
        assertArrayEquals(new byte[] { 42, 43, 0 }, seen);
    }

    // ------------------------------------------------------------------ 2. fail closed

    @Test(timeout = 120_000)
    public void stoppingSecurityWithdrawsEveryApiServiceAndStartingItRestoresThemWithoutRestartingMechanisms()
            throws Exception {
        SharedMemoryService shm = probe(SharedMemoryService.class);
        SyncService sync = probe(SyncService.class);
        SharedMemory segment = keep(shm.create("fc-shm", 4096, 0600));
        segment.write(0, new byte[] { 1, 2, 3 });
        Semaphore sem = keep(sync.createSemaphore("fc-sem", SemaphoreOptions.of(2), 0600));

        Map<String, Long> modified = new HashMap<>();
        for (String name : MECHANISM_BUNDLES) {
            assertEquals(name, Bundle.ACTIVE, installed(name).getState());
            modified.put(name, installed(name).getLastModified());
        }
        Map<String, Object> providers = guardedProviderIds();
        List<String> mechanismEvents = Collections.synchronizedList(new ArrayList<>());
        SynchronousBundleListener listener = ev -> {
            if (MECHANISM_BUNDLES.contains(ev.getBundle().getSymbolicName())) {
                mechanismEvents.add(ev.getBundle().getSymbolicName() + " " + bundleEvent(ev.getType()));
            }
        };
        context.addBundleListener(listener);
        try {
            Bundle security = installed(SECURITY_BUNDLE);
            security.stop();
            await("every API service is withdrawn", () -> Arrays.stream(API_SERVICES)
                    .allMatch(api -> references(api.getName(), null).length == 0));
            for (Class<?> api : API_SERVICES) {
                assertEquals(api.getName() + " visible to the probe", 0, references(api.getName(), null).length);
                assertEquals(api.getName() + " visible to the fixture bundle", 0,
                        fixtureReferences(api.getName(), null).length);
            }
            assertEquals("no access control service", 0, references(AccessControl.class.getName(), null).length);
            assertTrue("the probe's handle was closed with its service", segment.isClosed());
            assertTrue(sem.isClosed());
            for (String name : MECHANISM_BUNDLES) {
                assertEquals(name + " keeps running", Bundle.ACTIVE, installed(name).getState());
            }

            security.start();
            for (Class<?> api : API_SERVICES) {
                await(api.getSimpleName() + " returns", () -> references(api.getName(), null).length == 1);
            }
            assertEquals("the same provider services are guarded again", providers, guardedProviderIds());
        } finally {
            context.removeBundleListener(listener);
        }
        assertEquals("no mechanism bundle changed state", List.of(), mechanismEvents);
        for (String name : MECHANISM_BUNDLES) {
            assertEquals(name + " was not restarted", (long) modified.get(name), installed(name).getLastModified());
            assertEquals(Bundle.ACTIVE, installed(name).getState());
        }
        SharedMemory again = keep(probe(SharedMemoryService.class).open("fc-shm"));
        byte[] seen = new byte[3];
        again.read(0, seen);
        assertArrayEquals("the named segment and its data stayed", new byte[] { 1, 2, 3 }, seen);
        Semaphore semAgain = keep(probe(SyncService.class).openSemaphore("fc-sem"));
        assertEquals(2, semAgain.value());
    }

    @Test(timeout = 120_000)
    public void withoutSecurityNoBundleReachesAMechanismProvider() throws Exception {
        installed(SECURITY_BUNDLE).stop();
        await("the guarded services are withdrawn",
                () -> references(SharedMemoryService.class.getName(), null).length == 0);
        assertEquals("providers by class, for the probe", 0, references(MechanismProvider.class.getName(), null).length);
        assertEquals("providers by property, for the probe", 0, references(null, "(" + IpcMechanism.KEY + "=*)").length);
        ServiceReference<?>[] carols = carolContext().getServiceReferences(MechanismProvider.class.getName(), null);
        assertNull("providers by class, for a third bundle", carols);
    }

    @Test(timeout = 120_000)
    public void aServiceObjectKeptAfterItsReleaseRefusesEveryOperation() throws Exception {
        ServiceReference<SharedMemoryService> shmRef = context.getServiceReference(SharedMemoryService.class);
        ServiceReference<SyncService> syncRef = context.getServiceReference(SyncService.class);
        SharedMemoryService shm = context.getService(shmRef);
        SyncService sync = context.getService(syncRef);
        keep(shm.create("st-shm", 4096, 0600)).close();
        keep(sync.createSemaphore("st-sem", SemaphoreOptions.of(0), 0600)).close();
        context.ungetService(shmRef);
        context.ungetService(syncRef);

        List<String> accepted = new ArrayList<>();
        refusedAsClosed(accepted, "shm create", () -> shm.create("st-new", 4096, 0600));
        refusedAsClosed(accepted, "shm open", () -> shm.open("st-shm"));
        refusedAsClosed(accepted, "shm unlink", () -> shm.unlink("st-shm"));
        refusedAsClosed(accepted, "semaphore create", () -> sync.createSemaphore("st-new", SemaphoreOptions.of(0), 0600));
        refusedAsClosed(accepted, "semaphore unlink", () -> sync.unlinkSemaphore("st-sem"));
        assertEquals("operations accepted through released service objects", List.of(), accepted);
        assertFalse("no segment was created", Files.exists(root.resolve("shm").resolve("st-new")));
        assertTrue("the segment was not unlinked", Files.exists(root.resolve("shm").resolve("st-shm")));
        assertFalse("no semaphore was created", Files.exists(root.resolve("semaphore").resolve("st-new")));
        assertTrue("the semaphore was not unlinked", Files.exists(root.resolve("semaphore").resolve("st-sem")));
    }

    // ------------------------------------------------------------------ 3. policy change at runtime

    @Test(timeout = 120_000)
    public void aPolicyChangeAppliesToLaterOpensWithoutRestartingAnything() throws Exception {
        configure(List.of());
        SyncService alice = probe(SyncService.class);
        SyncService bob = fixture(SyncService.class);
        IpcRuntime runtime = probe(IpcRuntime.class);
        keep(alice.createSemaphore("rt-sem", SemaphoreOptions.of(0), 0640));
        Semaphore before = keep(bob.openSemaphore("rt-sem"));
        assertEquals(Rights.READ, before.rights());
        expectDenied("post", "rt-sem", before::release);

        Map<String, Object> services = guardedServiceIds();
        Object accessControlId = context.getServiceReference(AccessControl.class).getProperty(Constants.SERVICE_ID);
        Map<String, Long> modified = new HashMap<>();
        for (Bundle b : context.getBundles()) {
            modified.put(b.getSymbolicName(), b.getLastModified());
        }
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        SynchronousBundleListener listener = ev -> events.add(ev.getBundle().getSymbolicName() + " "
                + bundleEvent(ev.getType()));
        context.addBundleListener(listener);
        try {
            configure(List.of("allow user:bob w semaphore:rt-*"));
        } finally {
            context.removeBundleListener(listener);
        }
        assertEquals("no bundle changed state", List.of(), events);
        for (Bundle b : context.getBundles()) {
            assertEquals(b.getSymbolicName() + " was not restarted", modified.get(b.getSymbolicName()),
                    (Long) b.getLastModified());
        }
        assertEquals("the guarded services stayed registered", services, guardedServiceIds());
        assertEquals("the access control service stayed registered", accessControlId,
                context.getServiceReference(AccessControl.class).getProperty(Constants.SERVICE_ID));

        Semaphore after = keep(bob.openSemaphore("rt-sem"));
        assertEquals("bob's later open, through the service he already had, follows the rule",
                Rights.READ_WRITE, after.rights());
        after.release();
        assertEquals(1, after.value());
        assertEquals("the handle opened before keeps its grant", Rights.READ, before.rights());
        expectDenied("post", "rt-sem", before::release);
        assertTrue("the sessions of both bundles went on",
                runtime.processes().stream().anyMatch(p -> p.user().equals("bob")));
        assertEquals("alice", runtime.currentProcess().user());
    }

    // ------------------------------------------------------------------ 4. revocation

    @Test(timeout = 120_000)
    public void revocationMakesTheOpenHandlesOfAProcessFailAtTheirNextOperation() throws Exception {
        configure(List.of());
        SyncService aliceSync = probe(SyncService.class);
        SyncService bobSync = fixture(SyncService.class);
        SharedMemoryService aliceShm = probe(SharedMemoryService.class);
        SharedMemoryService bobShm = fixture(SharedMemoryService.class);
        long bobId = installed(FixtureBundle.SYMBOLIC_NAME).getBundleId();

        Semaphore aliceSem = keep(aliceSync.createSemaphore("rv-sem", SemaphoreOptions.of(0), 0660));
        Semaphore bobSem = keep(bobSync.openSemaphore("rv-sem"));
        bobSem.release();
        SharedMemory aliceSeg = keep(aliceShm.create("rv-shm", 4096, 0660));
        SharedMemory bobSeg = keep(bobShm.open("rv-shm"));
        Mapping bobMapping = keep(bobSeg.map(MapAccess.READ_WRITE));
        bobMapping.putLongVolatile(0, 1);

        assertEquals("bob's one handle on the semaphore", 1,
                accessControl(ac -> ac.revoke(bobId, ObjectType.SEMAPHORE, "rv-sem")).intValue());
        assertEquals(Rights.NONE, bobSem.rights());
        expectDenied("post", "rv-sem", bobSem::release);
        expectDenied("acquire", "rv-sem", bobSem::tryAcquire);
        assertEquals("alice's handle is not touched", Rights.ALL, aliceSem.rights());
        aliceSem.acquire(Duration.ofMillis(WAIT_MILLIS));
        aliceSem.release();

        assertEquals("bob's one handle on the segment", 1,
                accessControl(ac -> ac.revoke(bobId, ObjectType.SHARED_MEMORY, "rv-shm")).intValue());
        expectDenied("revoked mapping", "rv-shm", () -> bobMapping.putLongVolatile(0, 2));
        expectDenied("revoked mapping", "rv-shm", () -> bobMapping.getLongVolatile(0));
        expectDenied("write to", "rv-shm", () -> bobSeg.write(0, new byte[] { 1 }));
        expectDenied("map", "rv-shm", () -> bobSeg.map(MapAccess.READ_ONLY));
        try (Mapping m = aliceSeg.map(MapAccess.READ_WRITE)) {
            assertEquals("bob's revoked write did not happen", 1, m.getLongVolatile(0));
            m.putLongVolatile(0, 3);
        }

        // revocation takes handles, not the right to open: a new open is decided by the policy
        Semaphore reopened = keep(bobSync.openSemaphore("rv-sem"));
        reopened.release();
        assertEquals(2, aliceSem.value());
        SharedMemory segAgain = keep(bobShm.open("rv-shm"));
        try (Mapping m = segAgain.map(MapAccess.READ_ONLY)) {
            assertEquals(3, m.getLongVolatile(0));
        }
        assertEquals("nothing of alice to revoke on an object she has no handle on", 0,
                accessControl(ac -> ac.revoke(context.getBundle().getBundleId(), ObjectType.EVENT, "rv-sem"))
                        .intValue());
    }

    @Test(timeout = 120_000)
    public void revocationWakesEveryWaitOfTheProcessBlockedOnANamedOrAnonymousObject() throws Exception {
        configure(List.of());
        SyncService aliceSync = probe(SyncService.class);
        SyncService bobSync = fixture(SyncService.class);
        EventService aliceEvents = probe(EventService.class);
        EventService bobEvents = fixture(EventService.class);
        long bobId = installed(FixtureBundle.SYMBOLIC_NAME).getBundleId();

        keep(aliceSync.createSemaphore("bw-sem", SemaphoreOptions.of(0), 0660));
        Semaphore bobSem = keep(bobSync.openSemaphore("bw-sem"));
        Mutex aliceMutex = keep(aliceSync.createMutex("bw-mx", MutexOptions.DEFAULT, 0660));
        assertEquals(LockResult.ACQUIRED, aliceMutex.lock());
        Mutex bobMutex = keep(bobSync.openMutex("bw-mx"));
        keep(aliceEvents.create("bw-ev", EventType.AUTO_RESET, Set.of(), 0660));
        Event bobEvent = keep(bobEvents.open("bw-ev"));
        Semaphore bobAnonymous = keep(bobSync.createSemaphore(SemaphoreOptions.of(0)));

        List<FutureTask<Object>> waits = List.of(
                waiting("bw-acquire", bobSem, () -> {
                    bobSem.acquire();
                    return null;
                }),
                waiting("bw-lock", bobMutex, bobMutex::lock),
                waiting("bw-await", bobEvent, bobEvent::await),
                waiting("bw-anonymous", bobAnonymous, () -> {
                    bobAnonymous.acquire();
                    return null;
                }));

        assertEquals(1, accessControl(ac -> ac.revoke(bobId, ObjectType.SEMAPHORE, "bw-sem")).intValue());
        assertEquals(1, accessControl(ac -> ac.revoke(bobId, ObjectType.MUTEX, "bw-mx")).intValue());
        assertEquals(1, accessControl(ac -> ac.revoke(bobId, ObjectType.EVENT, "bw-ev")).intValue());
        assertEquals("the anonymous semaphore's grant is registered under its id", 1,
                accessControl(ac -> ac.revoke(bobId, ObjectType.SEMAPHORE, "#" + bobAnonymous.id())).intValue());
        for (FutureTask<Object> wait : waits) {
            expectError(IpcError.PERMISSION_DENIED, () -> {
                try {
                    wait.get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw (Exception) e.getCause();
                }
            });
        }
        aliceMutex.unlock();
    }

    /** Starts a wait on a named thread and returns once the object counts it as waiting. */
    private static FutureTask<Object> waiting(String name, IpcObject object, Callable<Object> wait) throws Exception {
        FutureTask<Object> task = new FutureTask<>(wait);
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (object.statistics().get(Counter.WAITS) == 0) {
            assertTrue(name + " did not start waiting within 20 s", System.nanoTime() - deadline < 0);
            assertFalse(name + " ended before it waited", task.isDone());
            Thread.sleep(1);
        }
        return task;
    }

    // ------------------------------------------------------------------ 5. quotas

    @Test(timeout = 120_000)
    public void theSharedMemoryBytesQuotaRefusesASegmentBeyondItAndCreatesNothing() throws Exception {
        configure(List.of(), "quota.shm.bytes", 8192L);
        SharedMemoryService bob = fixture(SharedMemoryService.class);
        SharedMemoryService alice = probe(SharedMemoryService.class);
        long bobId = installed(FixtureBundle.SYMBOLIC_NAME).getBundleId();

        keep(bob.create("qb-a", 4096, 0600));
        assertEquals("the IPC root, not the session, holds a named segment's bytes", 0L,
                quotaUse(bobId, Quota.SHARED_MEMORY_BYTES));
        expectQuota("quota.shm.bytes", () -> bob.create("qb-b", 8192, 0600));
        assertFalse("nothing was created", Files.exists(root.resolve("shm").resolve("qb-b")));
        expectError(IpcError.NOT_FOUND, () -> bob.open("qb-b"));
        assertEquals("nothing was reserved", 0L, quotaUse(bobId, Quota.SHARED_MEMORY_BYTES));
        assertEquals("the IPC root, not the session, counts a named segment", 0L, quotaUse(bobId, Quota.OBJECTS));

        keep(bob.create("qb-c", 4096, 0600));
        expectQuota("quota.shm.bytes", () -> bob.createAnonymous(1));
        keep(alice.create("qb-alice", 8192, 0600)).close();

        bob.unlink("qb-a");
        keep(bob.create("qb-b", 4096, 0600)); // the unlinked segment's bytes came back
        expectQuota("quota.shm.bytes", () -> bob.create("qb-d", 1, 0600));
    }

    @Test(timeout = 120_000)
    public void theObjectsQuotaRefusesASegmentBeyondItAndCreatesNothing() throws Exception {
        configure(List.of(), "quota.objects", 2L);
        SharedMemoryService bob = fixture(SharedMemoryService.class);
        long bobId = installed(FixtureBundle.SYMBOLIC_NAME).getBundleId();

        keep(bob.create("qo-1", 64, 0600));
        keep(bob.createAnonymous(64));
        expectQuota("quota.objects", () -> bob.create("qo-3", 64, 0600));
        assertFalse("nothing was created", Files.exists(root.resolve("shm").resolve("qo-3")));
        assertEquals("the session holds the anonymous segment; the IPC root counts the named one", 1L,
                quotaUse(bobId, Quota.OBJECTS));
        assertEquals("the session holds the anonymous segment's bytes; the refused one's were not reserved", 64L,
                quotaUse(bobId, Quota.SHARED_MEMORY_BYTES));
        bob.unlink("qo-1");
        keep(bob.create("qo-3", 64, 0600));
    }

    @Test(timeout = 120_000)
    public void theObjectsQuotaAlsoCountsSynchronizationObjects() throws Exception {
        configure(List.of(), "quota.objects", 2L);
        SyncService bob = fixture(SyncService.class);
        EventService bobEvents = fixture(EventService.class);
        long bobId = installed(FixtureBundle.SYMBOLIC_NAME).getBundleId();

        keep(bob.createSemaphore("qs-1", SemaphoreOptions.of(0), 0600));
        keep(bobEvents.create("qs-2", EventType.AUTO_RESET, EnumSet.noneOf(EventFlag.class), 0600));
        assertEquals("the IPC root, not the session, counts named objects", 0L, quotaUse(bobId, Quota.OBJECTS));
        expectQuota("quota.objects", () -> bob.createMutex("qs-3", MutexOptions.DEFAULT, 0600));
        assertFalse("nothing was created", Files.exists(root.resolve("mutex").resolve("qs-3")));
        expectQuota("quota.objects", () -> bob.createSemaphore(0));
    }

    // ------------------------------------------------------------------ 6. the audit log

    @Test(timeout = 120_000)
    public void everyDenialIsOneAuditLineAndAFloodIsRateLimited() throws Exception {
        configure(List.of(), "audit.rate", 2);
        SyncService alice = probe(SyncService.class);
        SyncService bob = fixture(SyncService.class);
        keep(alice.createSemaphore("au-sem", SemaphoreOptions.of(0), 0640));
        keep(alice.createSemaphore("au-closed", SemaphoreOptions.of(0), 0600));
        Semaphore bobSem = keep(bob.openSemaphore("au-sem"));

        List<String> one = captureAuditLines(() -> expectDenied("read from", "au-closed",
                () -> bob.openSemaphore("au-closed")));
        assertEquals("one denial, one line: " + one, 1, lines(one, "semaphore 'au-closed'").size());
        String line = lines(one, "semaphore 'au-closed'").get(0);
        assertTrue(line, line.contains("DENIED") && line.contains("ipc.audit") && line.contains("as bob")
                && line.contains("read from"));

        int flood = 200;
        List<String> flooded = captureAuditLines(() -> {
            for (int i = 0; i < flood; i++) {
                expectDenied("post", "au-sem", bobSem::release);
            }
        });
        List<String> floodLines = lines(flooded, "semaphore 'au-sem'");
        assertTrue("at most a few of " + flood + " denials are written: " + floodLines.size(),
                floodLines.size() < 20);
        assertTrue("every line is a denial: " + floodLines,
                floodLines.stream().allMatch(l -> l.contains("DENIED") && l.contains("post")));

        // the next line written reports how many were left out
        List<String> later = captureAuditLines(() -> {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            while (System.nanoTime() < deadline) {
                expectDenied("post", "au-sem", bobSem::release);
                if (AUDIT_CAPTURE.toString(StandardCharsets.UTF_8).contains("more denials not logged")) {
                    return;
                }
                Thread.sleep(100);
            }
        });
        assertTrue("a later line counts the denials left out: " + later,
                later.stream().anyMatch(l -> l.contains("au-sem") && l.contains("more denials not logged")));
    }

    // ------------------------------------------------------------------ 7. hidden providers

    @Test(timeout = 120_000)
    public void noClientBundleFindsOrHearsOfAMechanismProviderWhileSecurityRuns() throws Exception {
        // the fixture bundle provides a mechanism, so it is on the trusted list and sees providers
        BundleContext carol = carolContext();
        for (BundleContext c : List.of(context, carol)) {
            String who = c.getBundle().getSymbolicName();
            assertNull(who + ": providers by class", c.getServiceReferences(MechanismProvider.class.getName(), null));
            assertNull(who + ": every provider by class", c.getAllServiceReferences(MechanismProvider.class.getName(),
                    null));
            assertNull(who + ": providers by property", c.getServiceReferences((String) null,
                    "(" + IpcMechanism.KEY + "=*)"));
            assertEquals(who + ": the guarded shared memory service", 1,
                    c.getServiceReferences(SharedMemoryService.class.getName(), null).length);
        }

        // nor do service listeners hear of providers coming and going
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        ServiceListener listener = ev -> heard.add(describe(ev));
        carol.addServiceListener(listener);
        context.addServiceListener(listener);
        try {
            Bundle sync = installed("ipc.sync");
            sync.stop();
            await("the guarded sync service is withdrawn", () -> references(SyncService.class.getName(), null).length == 0);
            sync.start();
            await("the guarded sync service returns", () -> references(SyncService.class.getName(), null).length == 1);
        } finally {
            carol.removeServiceListener(listener);
            context.removeServiceListener(listener);
        }
        List<String> snapshot = List.copyOf(heard);
        assertTrue("the guarded services' changes are heard: " + snapshot,
                snapshot.stream().anyMatch(s -> s.contains(SyncService.class.getName())));
        assertTrue("no provider event is heard: " + snapshot,
                snapshot.stream().noneMatch(s -> s.contains(MechanismProvider.class.getName())
                        || s.contains(IpcMechanism.KEY + "=")));
        assertEquals(0, references(MechanismProvider.class.getName(), null).length);
    }

    // ------------------------------------------------------------------ policy helpers

    /**
     * Puts a policy in force: the three identities, the given rules and any further properties
     * (key, value, key, value, ...); waits until ipc.security reports it. A marker rule that
     * matches nothing ends the rule list, so that each configuration is told apart.
     */
    private void configure(List<String> rules, Object... more) throws Exception {
        List<String> all = new ArrayList<>(rules);
        String marker = "deny user:policy-marker-" + (++markers) + " r shm:policy-marker";
        all.add(marker);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("bundle.identities", new String[] {
            context.getBundle().getLocation() + "=alice:staff",
            installed(FixtureBundle.SYMBOLIC_NAME).getLocation() + "=bob:staff",
            CAROL_LOCATION + "=carol:guests" });
        props.put("rules", all.toArray(String[]::new));
        props.put("admins", new String[] { "bundle:" + context.getBundle().getLocation() });
        for (int i = 0; i < more.length; i += 2) {
            props.put((String) more[i], more[i + 1]);
        }
        withConfigurationAdmin(cm -> {
            cm.getConfiguration(PlatformConfiguration.SECURITY_PID, "?").update(props);
            return null;
        });
        configured = true;
        await("the policy with " + marker + " is in force", () -> {
            List<String> inForce = accessControlOrNull(AccessControl::rules);
            return inForce != null && inForce.equals(all);
        });
    }

    /** Deletes the policy's configuration and waits until the default policy (no rules) is in force. */
    private void resetPolicy() throws Exception {
        withConfigurationAdmin(cm -> {
            org.osgi.service.cm.Configuration[] found = cm.listConfigurations(
                    "(" + Constants.SERVICE_PID + "=" + PlatformConfiguration.SECURITY_PID + ")");
            if (found != null) {
                for (org.osgi.service.cm.Configuration c : found) {
                    c.delete();
                }
            }
            return null;
        });
        configured = false;
        await("the default policy is in force again", () -> {
            List<String> inForce = accessControlOrNull(AccessControl::rules);
            return inForce != null && inForce.isEmpty();
        });
    }

    private interface CmCall {
        Object call(ConfigurationAdmin cm) throws Exception;
    }

    private void withConfigurationAdmin(CmCall call) throws Exception {
        await("Configuration Admin is published", () -> context.getServiceReference(ConfigurationAdmin.class) != null);
        ServiceReference<ConfigurationAdmin> ref = context.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin cm = context.getService(ref);
        try {
            call.call(cm);
        } finally {
            context.ungetService(ref);
        }
    }

    private <T> T accessControl(Function<AccessControl, T> call) {
        T result = accessControlOrNull(call);
        assertNotNull("the access control service is published", result);
        return result;
    }

    private <T> T accessControlOrNull(Function<AccessControl, T> call) {
        ServiceReference<AccessControl> ref = context.getServiceReference(AccessControl.class);
        if (ref == null) {
            return null;
        }
        AccessControl ac = context.getService(ref);
        if (ac == null) {
            return null;
        }
        try {
            return call.apply(ac);
        } finally {
            context.ungetService(ref);
        }
    }

    private long quotaUse(long bundleId, Quota quota) {
        Map<IpcProcess, Map<Quota, Long>> use = accessControl(AccessControl::quotaUse);
        return use.entrySet().stream().filter(e -> e.getKey().id() == bundleId).findFirst()
                .map(e -> e.getValue().getOrDefault(quota, 0L))
                .orElseThrow(() -> new AssertionError("no session of bundle " + bundleId + " in " + use));
    }

    // ------------------------------------------------------------------ bundles and services

    private <S> S probe(Class<S> api) throws InterruptedException {
        return get(context, api);
    }

    private <S> S fixture(Class<S> api) throws InterruptedException {
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        assertEquals(Bundle.ACTIVE, fixture.getState());
        return get(fixture.getBundleContext(), api);
    }

    private <S> S carol(Class<S> api) throws Exception {
        return get(carolContext(), api);
    }

    /** The context of the third bundle, a bundle of a manifest alone installed and started by the test. */
    private BundleContext carolContext() throws Exception {
        for (Bundle b : toUninstall) {
            if (CAROL_BSN.equals(b.getSymbolicName())) {
                return b.getBundleContext();
            }
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, CAROL_BSN);
        main.putValue(Constants.BUNDLE_VERSION, "1.0.0");
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(jar, manifest)) {
            // a manifest is all the bundle has
        }
        Bundle carol = context.installBundle(CAROL_LOCATION, new ByteArrayInputStream(jar.toByteArray()));
        toUninstall.add(carol);
        carol.start();
        return carol.getBundleContext();
    }

    /** Gets the API service through a bundle's context and releases it after the test. */
    private <S> S get(BundleContext through, Class<S> api) throws InterruptedException {
        await(api.getSimpleName() + " is published", () -> context.getServiceReference(api) != null);
        ServiceReference<S> ref = context.getServiceReference(api);
        S service = through.getService(ref);
        assertNotNull(api.getSimpleName() + " for " + through.getBundle().getSymbolicName(), service);
        toRelease.add(() -> {
            try {
                through.ungetService(ref);
            } catch (IllegalStateException stopped) {
                // the bundle's context is no longer valid
            }
        });
        return service;
    }

    private ServiceReference<?>[] fixtureReferences(String className, String filter) throws InvalidSyntaxException {
        ServiceReference<?>[] refs = installed(FixtureBundle.SYMBOLIC_NAME).getBundleContext()
                .getServiceReferences(className, filter);
        return refs == null ? new ServiceReference<?>[0] : refs;
    }

    /** The provider service id behind each guarded service, by mechanism. */
    private Map<String, Object> guardedProviderIds() {
        Map<String, Object> ids = new HashMap<>();
        for (ServiceReference<?> r : references(null, "(" + GuardedService.GUARDED + "=true)")) {
            ids.put((String) r.getProperty(GuardedService.MECHANISM), r.getProperty(GuardedService.PROVIDER_ID));
        }
        return ids;
    }

    /** The service id of each guarded service, by mechanism. */
    private Map<String, Object> guardedServiceIds() {
        Map<String, Object> ids = new HashMap<>();
        for (ServiceReference<?> r : references(null, "(" + GuardedService.GUARDED + "=true)")) {
            ids.put((String) r.getProperty(GuardedService.MECHANISM), r.getProperty(Constants.SERVICE_ID));
        }
        for (Class<?> api : API_SERVICES) {
            ServiceReference<?> r = context.getServiceReference(api.getName());
            ids.put(api.getName(), r == null ? null : r.getProperty(Constants.SERVICE_ID));
        }
        return ids;
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    // ------------------------------------------------------------------ assertions

    /**
     * Runs the operation, which must fail with PERMISSION_DENIED whose message names the
     * operation and the object (by its quoted name); returns the exception.
     */
    private static IpcException expectDenied(String operation, String object, Action op) throws Exception {
        IpcException e = expectError(IpcError.PERMISSION_DENIED, op);
        String quoted = object.endsWith("(") ? "'" + object : "'" + object + "'";
        assertTrue("the message names the object " + quoted + ": " + e.getMessage(), e.getMessage().contains(quoted));
        assertTrue("the message names the operation '" + operation + "': " + e.getMessage(),
                e.getMessage().contains(operation));
        return e;
    }

    private static void expectQuota(String quota, Action op) throws Exception {
        IpcException e = expectError(IpcError.LIMIT_EXCEEDED, op);
        assertTrue("the message names " + quota + ": " + e.getMessage(), e.getMessage().contains(quota));
    }

    /** Notes the operation in {@code accepted} unless it fails with CLOSED. */
    private static void refusedAsClosed(List<String> accepted, String what, Action op) throws Exception {
        try {
            op.run();
        } catch (IpcException e) {
            if (e.error() != IpcError.CLOSED) {
                accepted.add(what + " failed with " + e.getMessage());
            }
            return;
        }
        accepted.add(what + " succeeded");
    }

    private static IpcException expectError(IpcError error, Action op) throws Exception {
        try {
            op.run();
        } catch (IpcException e) {
            assertEquals(e.getMessage(), error, e.error());
            return e;
        }
        throw new AssertionError("succeeded, expected " + error);
    }

    /** Bob may not lock the mutex: the open is refused for want of write, or the open handle's lock is. */
    private void expectCannotLock(SyncService bob, String mutex) throws Exception {
        Mutex handle;
        try {
            handle = keep(bob.openMutex(mutex));
        } catch (IpcException e) {
            assertEquals(e.getMessage(), IpcError.PERMISSION_DENIED, e.error());
            assertTrue(e.getMessage(), e.getMessage().contains("'" + mutex + "'") && e.getMessage().contains("write"));
            return;
        }
        assertFalse("the handle has no write right", Rights.includes(handle.rights(), Rights.WRITE));
        expectDenied("lock", mutex, handle::tryLock);
    }

    private static List<String> lines(List<String> lines, String containing) {
        return lines.stream().filter(l -> l.contains(containing)).toList();
    }

    // ------------------------------------------------------------------ misc

    private static String bundleEvent(int type) {
        return switch (type) {
            case BundleEvent.INSTALLED -> "INSTALLED";
            case BundleEvent.RESOLVED -> "RESOLVED";
            case BundleEvent.STARTING -> "STARTING";
            case BundleEvent.STARTED -> "STARTED";
            case BundleEvent.STOPPING -> "STOPPING";
            case BundleEvent.STOPPED -> "STOPPED";
            case BundleEvent.UPDATED -> "UPDATED";
            case BundleEvent.UNRESOLVED -> "UNRESOLVED";
            case BundleEvent.UNINSTALLED -> "UNINSTALLED";
            default -> "event " + type;
        };
    }

    private static String describe(ServiceEvent ev) {
        ServiceReference<?> r = ev.getServiceReference();
        StringBuilder s = new StringBuilder("type " + ev.getType() + " "
                + Arrays.toString((String[]) r.getProperty(Constants.OBJECTCLASS)));
        for (String key : r.getPropertyKeys()) {
            s.append(' ').append(key).append('=').append(r.getProperty(key));
        }
        return s.toString();
    }

    private static List<String> listFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(p -> !Path.of(p).getFileName().toString().startsWith("."))
                    .filter(p -> !p.startsWith(".owners/")) // the platform's owner records and lock, not objects
                    .sorted().toList();
        }
    }
}
