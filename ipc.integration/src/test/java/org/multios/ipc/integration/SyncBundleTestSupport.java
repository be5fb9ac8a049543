package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Before;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * What the in-framework tests of the ipc.sync bundle share: a fresh IPC root of their own (the
 * framework property {@value IpcEnvironment#ROOT_PROPERTY}, under the build directory, emptied
 * before and deleted after every test), services got through the probe's or the fixture
 * bundle's context and released afterwards, handles closed afterwards, and waiter threads whose
 * results are collected with bounded waits.
 */
abstract class SyncBundleTestSupport extends IpcTestSupport {
    static final String SYNC_BUNDLE = "ipc.sync";
    /** System property naming the file of the ipc.sync bundle, for installing it again. */
    static final String SYNC_FILE_PROPERTY = "ipc.sync.file";
    /** System property naming the directory under which the roots of these tests are made. */
    private static final String ROOTS_PROPERTY = "ipc.sync.roots";

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Runnable> toRelease = new ArrayList<>();
    private final Set<Thread> waiterThreads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger waiterNumbers = new AtomicInteger();
    private ExecutorService waiters;
    Path root;

    @Override
    @Configuration
    public Option[] config() throws Exception {
        GatewayBundles gateway = GatewayBundles.fromSystemProperties();
        Path roots = Files.createDirectories(Path.of(System.getProperty("ipc.work.dir")).resolve("sync-roots"));
        Path fresh = roots.resolve("root-" + UUID.randomUUID());
        return OptionUtils.combine(super.config(),
                frameworkProperty(IpcEnvironment.ROOT_PROPERTY).value(fresh.toString()),
                systemProperty(SYNC_FILE_PROPERTY).value(gateway.file(SYNC_BUNDLE).toString()),
                systemProperty(ROOTS_PROPERTY).value(roots.toString()));
    }

    @Before
    public void freshRoot() throws IOException {
        String configured = context.getProperty(IpcEnvironment.ROOT_PROPERTY);
        assertNotNull("the framework property " + IpcEnvironment.ROOT_PROPERTY + " is set", configured);
        root = Path.of(configured).toAbsolutePath().normalize();
        Path roots = Path.of(System.getProperty(ROOTS_PROPERTY)).toAbsolutePath().normalize();
        assertTrue("the IPC root " + root + " lies under " + roots, root.startsWith(roots) && !root.equals(roots));
        deleteTree(root);
        Files.createDirectories(root);
        waiters = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sync-it-waiter-" + waiterNumbers.incrementAndGet());
            t.setDaemon(true);
            waiterThreads.add(t);
            return t;
        });
    }

    @After
    public void cleanUp() throws Exception {
        if (waiters != null) {
            waiters.shutdownNow();
            waiters.awaitTermination(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception closedAlready) {
                // handles of a stopped mechanism are closed already
            }
        }
        toRelease.forEach(Runnable::run);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        if (fixture.getState() != Bundle.ACTIVE) {
            fixture.start();
        }
        if (root != null) {
            deleteTree(root);
        }
    }

    // ------------------------------------------------------------------ services

    /** The reference of an API service, waiting for it to be published. */
    <S> ServiceReference<S> awaitService(Class<S> type) throws InterruptedException {
        await(type.getSimpleName() + " is published", () -> context.getServiceReference(type) != null);
        return context.getServiceReference(type);
    }

    /** Waits until no service of the type is published. */
    void awaitWithdrawn(Class<?> type) throws InterruptedException {
        await(type.getSimpleName() + " is withdrawn", () -> references(type.getName(), null).length == 0);
    }

    /** The API service of a type as the given bundle gets it, released after the test. */
    <S> S service(BundleContext through, Class<S> type) throws InterruptedException {
        return get(through, awaitService(type));
    }

    IpcRuntime runtime() throws InterruptedException {
        return service(context, IpcRuntime.class);
    }

    /** Gets a service through a bundle's context and releases it after the test. */
    <S> S get(BundleContext through, ServiceReference<S> ref) {
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

    /** The context of the fixture bundle, which acts as a second IPC process. */
    BundleContext fixtureContext() {
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        assertEquals("the fixture bundle is active", Bundle.ACTIVE, fixture.getState());
        return fixture.getBundleContext();
    }

    <T extends AutoCloseable> T keep(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    /** The IPC process of a bundle, as the runtime lists it. */
    static IpcProcess processOf(IpcRuntime runtime, Bundle bundle) {
        return runtime.processes().stream().filter(p -> p.id() == bundle.getBundleId()).findFirst()
                .orElseThrow(() -> new AssertionError(bundle.getSymbolicName() + " is not an IPC process: "
                        + runtime.processes()));
    }

    // ------------------------------------------------------------------ waiters

    /** Runs a blocking call on a waiter thread; its future holds the result or the exception. */
    <T> Future<T> waiter(Callable<T> call) {
        return waiters.submit(call);
    }

    /** The value of a waiter, waiting at most {@link #WAIT_MILLIS}. */
    static <T> T result(String what, Future<T> future) throws Exception {
        try {
            return future.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " is still blocked");
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** The error a waiter ended with, waiting at most {@link #WAIT_MILLIS}; fails if it returned. */
    static IpcError failure(String what, Future<?> future) throws Exception {
        try {
            Object returned = future.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            throw new AssertionError(what + " returned " + returned + " instead of failing");
        } catch (TimeoutException e) {
            throw new AssertionError(what + " is still blocked");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IpcException ipc) {
                return ipc.error();
            }
            throw new AssertionError(what + " failed with " + e.getCause(), e.getCause());
        }
    }

    /** The threads the waiters ran on so far. */
    Set<Thread> waiterThreads() {
        return Set.copyOf(waiterThreads);
    }

    /** Ends the waiter pool and waits (bounded) for its threads to end. */
    void endWaiters() throws InterruptedException {
        waiters.shutdown();
        assertTrue("the waiter pool ends", waiters.awaitTermination(WAIT_MILLIS, TimeUnit.MILLISECONDS));
        for (Thread t : waiterThreads) {
            t.join(WAIT_MILLIS);
            assertTrue(t.getName() + " ended", !t.isAlive());
        }
    }

    /** Live threads with a frame in the given package prefix, with their top frames. */
    static List<String> threadsIn(String packagePrefix) {
        List<String> found = new ArrayList<>();
        Thread.getAllStackTraces().forEach((t, frames) -> {
            for (StackTraceElement f : frames) {
                if (f.getClassName().startsWith(packagePrefix)) {
                    found.add(t.getName() + " (" + t.getState() + ") at " + f);
                    break;
                }
            }
        });
        return found;
    }

    static void expectError(IpcError expected, String what, Runnable operation) {
        try {
            operation.run();
        } catch (IpcException e) {
            assertEquals(what + ": " + e.getMessage(), expected, e.error());
            return;
        }
        fail(what + " succeeded, expected " + expected);
    }

    static void expectClosed(String what, Runnable operation) {
        expectError(IpcError.CLOSED, what, operation);
    }
}
