package org.multios.ipc.integration;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Rights;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The shared memory bundle in a running framework: two bundles share a named segment through
 * their own bundle-scoped services; stopping the bundle closes every handle and mapping while
 * the named segment stays, and starting it again, or uninstalling and installing it again,
 * finds the segment with its data.
 *
 * <p>The tests never touch the default IPC root: the framework property
 * {@value IpcEnvironment#ROOT_PROPERTY} names a fresh directory under the build directory.
 * Pax Exam evaluates the configuration once per class, so the frameworks of all tests of this
 * class share that path; it is emptied before and deleted after every test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class SharedMemoryInFrameworkTest extends IpcTestSupport {
    private static final String SHM_BUNDLE = "ipc.shm";
    /** System property naming the file of the ipc.shm bundle, for installing it again. */
    private static final String SHM_FILE_PROPERTY = "ipc.shm.file";
    /** System property naming the directory under which the roots of these tests are made. */
    private static final String ROOTS_PROPERTY = "ipc.shm.roots";

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Runnable> toRelease = new ArrayList<>();
    private Path root;

    @Override
    @Configuration
    public Option[] config() throws Exception {
        GatewayBundles gateway = GatewayBundles.fromSystemProperties();
        Path roots = Files.createDirectories(Path.of(System.getProperty("ipc.work.dir")).resolve("shm-roots"));
        Path root = roots.resolve("root-" + UUID.randomUUID());
        return OptionUtils.combine(super.config(),
                frameworkProperty(IpcEnvironment.ROOT_PROPERTY).value(root.toString()),
                systemProperty(SHM_FILE_PROPERTY).value(gateway.file(SHM_BUNDLE).toString()),
                systemProperty(ROOTS_PROPERTY).value(roots.toString()));
    }

    /** This test's IPC root: the framework property, under the build directory, made empty. */
    @Before
    public void freshRoot() throws IOException {
        String configured = context.getProperty(IpcEnvironment.ROOT_PROPERTY);
        assertNotNull("the framework property " + IpcEnvironment.ROOT_PROPERTY + " is set", configured);
        root = Path.of(configured).toAbsolutePath().normalize();
        Path roots = Path.of(System.getProperty(ROOTS_PROPERTY)).toAbsolutePath().normalize();
        assertTrue("the IPC root " + root + " lies under " + roots, root.startsWith(roots) && !root.equals(roots));
        deleteTree(root);
        Files.createDirectories(root);
    }

    @After
    public void cleanUp() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception closedAlready) {
                // handles of a stopped mechanism are closed already
            }
        }
        toRelease.forEach(Runnable::run);
        if (root != null) {
            deleteTree(root);
        }
    }

    // ------------------------------------------------------------------ tests

    @Test(timeout = 120_000)
    public void twoBundlesShareANamedSegmentThroughTheirOwnServices() throws Exception {
        ServiceReference<SharedMemoryService> ref = awaitShmService();
        SharedMemoryService mine = get(context, ref);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        assertEquals(Bundle.ACTIVE, fixture.getState());
        SharedMemoryService theirs = get(fixture.getBundleContext(), ref);
        assertNotSame("each bundle has its own service", mine, theirs);

        SharedMemory created = keep(theirs.create("fw-shared", 4096, 0660));
        Mapping written = keep(created.map(MapAccess.READ_WRITE));
        byte[] pattern = pattern(3, 1000);
        written.write(128, pattern, 0, pattern.length);
        written.putLongVolatile(0, 42);

        SharedMemory opened = keep(mine.open("fw-shared"));
        Mapping read = keep(opened.map(MapAccess.READ_WRITE));
        assertEquals(42, read.getLongVolatile(0));
        byte[] seen = new byte[pattern.length];
        read.read(128, seen, 0, seen.length);
        assertArrayEquals("the probe reads what the fixture bundle wrote", pattern, seen);
        read.getAndAddLong(0, 8);
        assertEquals("the fixture bundle sees the probe's atomic add", 50, written.getLongVolatile(0));
        assertEquals(created.id(), opened.id());

        long jvm = ProcessHandle.current().pid();
        long fixtureId = fixture.getBundleId();
        long probeId = context.getBundle().getBundleId();

        IpcProcess creator = created.info().creator();
        assertEquals("the creating handle names its bundle", ProcessKind.BUNDLE, creator.kind());
        assertEquals(fixtureId, creator.id());
        assertEquals(FixtureBundle.SYMBOLIC_NAME, creator.name());
        assertEquals(jvm, creator.pid());
        IpcProcess recorded = opened.info().creator();
        assertEquals("the creator read from the segment's owner record is the fixture bundle in this JVM", creator,
                recorded);
        assertEquals(FixtureBundle.SYMBOLIC_NAME, recorded.name());

        String user = osIdentity().owner().getName();
        for (SharedMemory h : List.of(created, opened)) {
            ObjectInfo info = h.info();
            assertEquals(ObjectType.SHARED_MEMORY, info.type());
            assertEquals(Optional.of("fw-shared"), info.name());
            assertEquals(4096, info.capacity());
            assertTrue(info.persistent());
            assertEquals("owner", user, info.permissions().owner());
            assertEquals("mode", 0660, info.permissions().mode());
        }
        assertTrue("the creator holds read, write and admin: " + Rights.toString(created.rights()),
                Rights.includes(created.rights(), Rights.READ_WRITE | Rights.ADMIN));
        assertTrue("the opener may read and write: " + Rights.toString(opened.rights()),
                Rights.includes(opened.rights(), Rights.READ_WRITE));

        IpcRuntime runtime = runtime();
        List<Long> processIds = runtime.processes().stream().map(IpcProcess::id).toList();
        assertTrue("both bundles are IPC processes: " + runtime.processes(),
                processIds.contains(fixtureId) && processIds.contains(probeId));
        assertEquals(probeId, runtime.currentProcess().id());
        ObjectInfo listed = runtime.object(ObjectType.SHARED_MEMORY, "fw-shared").orElseThrow();
        assertEquals(4096, listed.capacity());
        assertEquals(jvm, listed.creator().pid());
        assertTrue("handles and mappings of both bundles count: " + runtime.connectionCount(),
                runtime.connectionCount() >= 4);
        assertTrue("the segment's file is under this test's root",
                Files.isRegularFile(root.resolve("shm").resolve("fw-shared")));

        theirs.unlink("fw-shared");
        assertTrue(opened.isUnlinked());
        assertFalse(Files.exists(root.resolve("shm").resolve("fw-shared")));
        assertEquals("mappings stay usable after unlink", 50, read.getLongVolatile(0));
    }

    @Test(timeout = 120_000)
    public void stoppingTheBundleClosesHandlesAndMappingsAndRestartReadoptsTheSegment() throws Exception {
        SharedMemoryService before = get(context, awaitShmService());
        SharedMemory segment = keep(before.create("fw-restart", 8192, 0600));
        Mapping mapping = keep(segment.map(MapAccess.READ_WRITE));
        byte[] pattern = pattern(7, 8000);
        mapping.write(0, pattern, 0, pattern.length);
        mapping.putLongVolatile(8184, 0x0123_4567_89AB_CDEFL);

        Bundle shm = installed(SHM_BUNDLE);
        shm.stop();
        assertEquals(Bundle.RESOLVED, shm.getState());
        await("the shared memory service is withdrawn",
                () -> references(SharedMemoryService.class.getName(), null).length == 0);

        assertTrue("the mapping is closed", mapping.isClosed());
        assertTrue("the handle is closed", segment.isClosed());
        expectClosed("getByte", () -> mapping.getByte(0));
        expectClosed("putLongVolatile", () -> mapping.putLongVolatile(0, 1));
        expectClosed("getAndAddLong", () -> mapping.getAndAddLong(8, 1));
        expectClosed("read", () -> mapping.read(0, new byte[16], 0, 16));
        expectClosed("map", () -> segment.map(MapAccess.READ_ONLY));
        expectClosed("open through the old service", () -> before.open("fw-restart"));
        assertTrue("the named segment stays", Files.isRegularFile(root.resolve("shm").resolve("fw-restart")));

        shm.start();
        assertEquals(Bundle.ACTIVE, shm.getState());
        SharedMemoryService after = get(context, awaitShmService());
        SharedMemory again = keep(after.open("fw-restart"));
        assertEquals(8192, again.size());
        byte[] seen = new byte[pattern.length];
        assertEquals(seen.length, again.read(0, seen));
        assertArrayEquals("the data survived the restart", pattern, seen);
        try (Mapping m = again.map(MapAccess.READ_ONLY)) {
            assertEquals(0x0123_4567_89AB_CDEFL, m.getLongVolatile(8184));
        }
        assertEquals(ProcessHandle.current().pid(), again.info().creator().pid());
        assertTrue(runtime().object(ObjectType.SHARED_MEMORY, "fw-restart").isPresent());
    }

    @Test(timeout = 120_000)
    public void uninstallingAndInstallingTheBundleAgainKeepsTheNamedSegment() throws Exception {
        SharedMemoryService before = get(context, awaitShmService());
        SharedMemory segment = keep(before.create("fw-reinstall", 4096, 0640));
        Mapping mapping = keep(segment.map(MapAccess.READ_WRITE));
        byte[] pattern = pattern(11, 4096);
        mapping.write(0, pattern, 0, pattern.length);

        Bundle shm = installed(SHM_BUNDLE);
        shm.uninstall();
        await("the shared memory service is withdrawn",
                () -> references(SharedMemoryService.class.getName(), null).length == 0);
        assertTrue("the mapping is closed", mapping.isClosed());
        expectClosed("getByte after uninstall", () -> mapping.getByte(0));
        refresh(shm);

        Path file = Path.of(System.getProperty(SHM_FILE_PROPERTY));
        Bundle again;
        try (InputStream in = Files.newInputStream(file)) {
            again = context.installBundle("reinstalled:" + file, in);
        }
        again.start();
        assertEquals(Bundle.ACTIVE, again.getState());
        SharedMemoryService after = get(context, awaitShmService());
        assertEquals("the reinstalled bundle is the ipc.shm bundle now", again, installed(SHM_BUNDLE));

        SharedMemory reopened = keep(after.open("fw-reinstall"));
        byte[] seen = new byte[pattern.length];
        reopened.read(0, seen);
        assertArrayEquals("the data survived the reinstall", pattern, seen);
        assertEquals(0640, reopened.info().permissions().mode());
        after.unlink("fw-reinstall");
        assertFalse(Files.exists(root.resolve("shm").resolve("fw-reinstall")));
    }

    // ------------------------------------------------------------------ helpers

    private ServiceReference<SharedMemoryService> awaitShmService() throws InterruptedException {
        await("the shared memory service is published",
                () -> context.getServiceReference(SharedMemoryService.class) != null);
        return context.getServiceReference(SharedMemoryService.class);
    }

    private IpcRuntime runtime() throws InterruptedException {
        await("the runtime is published", () -> context.getServiceReference(IpcRuntime.class) != null);
        return get(context, context.getServiceReference(IpcRuntime.class));
    }

    /** Gets a service through a bundle's context and releases it after the test. */
    private <S> S get(BundleContext through, ServiceReference<S> ref) {
        S service = through.getService(ref);
        assertNotNull("service " + ref + " for " + through.getBundle().getSymbolicName(), service);
        toRelease.add(() -> {
            try {
                through.ungetService(ref);
            } catch (IllegalStateException stopped) {
                // the bundle's context is no longer valid
            }
        });
        return service;
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    private static void expectClosed(String what, Runnable operation) {
        try {
            operation.run();
        } catch (IpcException e) {
            assertEquals(what + ": " + e.getMessage(), IpcError.CLOSED, e.error());
            return;
        }
        fail(what + " succeeded, expected CLOSED");
    }

    private static byte[] pattern(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i * 13 + (i >>> 8));
        }
        return b;
    }
}
