package org.multios.ipc.integration;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.multios.ipc.spi.TrustedBundles;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Common configuration of the in-framework tests: Felix with the gateway's bundle set (from
 * the freshly built gateway jar), the fixture mechanism, no interactive shell, and helpers that
 * wait with deadlines instead of sleeping.
 */
public abstract class IpcTestSupport {
    /** How long any wait in a test may take before the test fails. */
    protected static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(20);

    @Inject
    protected BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        GatewayBundles gateway = GatewayBundles.fromSystemProperties();
        Path fixture = FixtureBundle.build(gateway.workDir());
        int appLevel = gateway.highestStartLevel();
        return new Option[] {
            composite(gateway.options()),
            bundle(fixture.toUri().toString()).startLevel(appLevel).start(),
            junitBundles(),
            frameworkStartLevel(appLevel + 10),
            frameworkProperty(TrustedBundles.PROPERTY).value(gateway.trustedBundles(fixture)),
            frameworkProperty("felix.bootdelegation.implicit").value("false"),
            systemPackages(gateway.systemPackagesExtra()),
            frameworkProperty("gosh.args").value("--nointeractive"),
            frameworkProperty("org.apache.felix.http.enable").value("false"),
            frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"),
            frameworkProperty("felix.fileinstall.dir").value(gateway.workDir().resolve("conf").toString()),
            systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
            systemProperty("ipc.fixture.file").value(fixture.toString()),
        };
    }

    /** The installed bundle with the given symbolic name; fails if there is none. */
    protected Bundle installed(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " installed");
    }

    private List<String> ipcServices() {
        return Arrays.stream(references(null, null))
                .filter(r -> r.getBundle() != null && r.getBundle().getSymbolicName().startsWith("ipc."))
                .map(r -> Arrays.toString((String[]) r.getProperty(Constants.OBJECTCLASS)))
                .toList();
    }

    /** References visible to this test bundle, by class name and filter; never null. */
    protected ServiceReference<?>[] references(String className, String filter) {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(className, filter);
            return refs == null ? new ServiceReference<?>[0] : refs;
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Waits until the condition holds; fails the test after {@link #WAIT_MILLIS}, listing the
     * bundles that are not active.
     */
    protected void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "; bundles not active: "
                        + Arrays.stream(context.getBundles()).filter(b -> b.getState() != Bundle.ACTIVE)
                                .map(b -> b.getSymbolicName() + "=" + b.getState()).toList()
                        + "; services of IPC bundles: " + ipcServices());
            }
            Thread.sleep(10);
        }
    }

    /** Deletes a directory and everything in it, if it exists. */
    protected static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
    /**
     * Refreshes an uninstalled bundle so its old revision goes, unless this test bundle depends
     * on it (refreshing would restart the test itself); bounded by {@link #WAIT_MILLIS}.
     */
    protected void refresh(Bundle uninstalled) throws InterruptedException {
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        if (wiring.getDependencyClosure(List.of(uninstalled)).contains(context.getBundle())) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        FrameworkListener listener = e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED || e.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        };
        wiring.refreshBundles(List.of(uninstalled), listener);
        assertTrue("the refresh ends", done.await(WAIT_MILLIS, TimeUnit.MILLISECONDS));
    }

    /** Something a test does that may throw. */
    protected interface Action {
        void run() throws Exception;
    }

    /** What was written to System.err during the last capture. */
    protected static final ByteArrayOutputStream AUDIT_CAPTURE = new ByteArrayOutputStream();

    /**
     * Runs the operation with System.err (where the framework's SLF4J simple logger writes)
     * captured, and returns the lines of the ipc.audit logger written meanwhile.
     */
    protected static List<String> captureAuditLines(Action op) throws Exception {
        PrintStream original = System.err;
        synchronized (AUDIT_CAPTURE) {
            AUDIT_CAPTURE.reset();
        }
        PrintStream capture = new PrintStream(AUDIT_CAPTURE, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        try {
            op.run();
        } finally {
            System.setErr(original);
            capture.flush();
        }
        String text;
        synchronized (AUDIT_CAPTURE) {
            text = AUDIT_CAPTURE.toString(StandardCharsets.UTF_8);
        }
        original.print(text);
        return text.lines().filter(l -> l.contains("ipc.audit")).toList();
    }

    /**
     * The OS user and primary group this JVM runs as (the owner of {@code /proc/self}), which a
     * bundle of the gateway acts as unless the security configuration names another.
     */
    protected static PosixFileAttributes osIdentity() throws IOException {
        return Files.readAttributes(Path.of("/proc/self"), PosixFileAttributes.class);
    }
}
