package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * The JMX view of ipc.console in a running framework: a named segment gets its MBean in the
 * platform MBean server, which shows its writes and goes when the segment is unlinked; stopping
 * ipc.console leaves no MBean of the domain {@code org.multios.ipc} behind.
 *
 * <p>The IPC root is the framework property {@value IpcEnvironment#ROOT_PROPERTY}, a fresh
 * directory under the build directory for this class, emptied before and deleted after every
 * test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class JmxInFrameworkTest extends IpcTestSupport {
    private static final String CONSOLE_BUNDLE = "ipc.console";
    /** The refresher thread of the console's JMX component. */
    private static final String REFRESHER_THREAD = "ipc-console-jmx";
    /** System property naming the directory under which the roots of these tests are made. */
    private static final String ROOTS_PROPERTY = "ipc.jmx.roots";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Runnable> toRelease = new ArrayList<>();
    private Path root;

    @Override
    @Configuration
    public Option[] config() throws Exception {
        Path roots = Files.createDirectories(Path.of(System.getProperty("ipc.work.dir")).resolve("jmx-roots"));
        Path root = roots.resolve("root-" + UUID.randomUUID());
        return OptionUtils.combine(super.config(),
                frameworkProperty(IpcEnvironment.ROOT_PROPERTY).value(root.toString()),
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
    }

    @After
    public void cleanUp() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception closedAlready) {
                // closed by the test
            }
        }
        toRelease.forEach(Runnable::run);
        if (root != null) {
            deleteTree(root);
        }
    }

    // ------------------------------------------------------------------ tests

    @Test(timeout = 120_000)
    public void aNamedSegmentHasAnMBeanThatCountsItsWritesAndGoesWhenItIsUnlinked() throws Exception {
        SharedMemoryService shm = shm();
        ObjectName name = objectName("org.multios.ipc:type=Object,kind=shm,name=" + ObjectName.quote("jmx-segment"));
        ObjectName mechanism = objectName("org.multios.ipc:type=Mechanism,name=shm");
        await("the MBean of the shared memory mechanism is registered", () -> server.isRegistered(mechanism));

        SharedMemory segment = keep(shm.create("jmx-segment", 4096, 0660));
        await("the MBean of the segment is registered", () -> server.isRegistered(name));
        assertEquals("shm", attribute(name, "Kind"));
        assertEquals("jmx-segment", attribute(name, "Name"));
        assertEquals(segment.id(), attribute(name, "Id"));
        assertEquals(4096L, attribute(name, "Capacity"));
        assertEquals(osIdentity().owner().getName(), attribute(name, "Owner"));
        assertEquals("660", attribute(name, "Mode"));
        assertEquals(ProcessHandle.current().pid(), attribute(name, "CreatorPid"));
        assertEquals(true, attribute(name, "Persistent"));
        assertEquals(0L, attribute(name, "BytesIn"));

        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        segment.write(0, data);
        await("BytesIn shows the write", () -> (Long) attribute(name, "BytesIn") == 1000L);
        assertTrue("the handle counts", (Long) attribute(name, "Handles") >= 1);
        assertTrue("the mechanism counts the segment", (Long) attribute(mechanism, "ObjectCount") >= 1);
        assertTrue("the mechanism counts the bytes", (Long) attribute(mechanism, "BytesIn") >= 1000);

        segment.close();
        shm.unlink("jmx-segment");
        await("the MBean of the unlinked segment is unregistered", () -> !server.isRegistered(name));
        assertTrue("the mechanism MBean stays", server.isRegistered(mechanism));
    }

    @Test(timeout = 120_000)
    public void stoppingTheConsoleUnregistersEveryIpcMBean() throws Exception {
        SharedMemoryService shm = shm();
        ObjectName all = objectName("org.multios.ipc:*");
        ObjectName name = objectName("org.multios.ipc:type=Object,kind=shm,name=" + ObjectName.quote("jmx-stop"));
        keep(shm.create("jmx-stop", 1024, 0600));
        await("the MBean of the segment is registered", () -> server.isRegistered(name));
        assertTrue("the mechanism MBeans are registered: " + server.queryNames(all, null),
                server.queryNames(all, null).size() > 1);
        assertEquals("one refresher thread", 1, refresherThreads());

        Bundle console = installed(CONSOLE_BUNDLE);
        console.stop();
        assertEquals(Bundle.RESOLVED, console.getState());
        assertEquals("no MBean left behind", Set.of(), server.queryNames(all, null));
        assertEquals("the refresher thread has ended", 0, refresherThreads());

        console.start();
        await("the MBean of the segment is registered again", () -> server.isRegistered(name));
        assertEquals("one refresher thread", 1, refresherThreads());
        shm.unlink("jmx-stop");
    }

    // ------------------------------------------------------------------ helpers

    private SharedMemoryService shm() throws InterruptedException {
        await("the shared memory service is published",
                () -> context.getServiceReference(SharedMemoryService.class) != null);
        ServiceReference<SharedMemoryService> ref = context.getServiceReference(SharedMemoryService.class);
        SharedMemoryService service = context.getService(ref);
        assertNotNull("the shared memory service", service);
        toRelease.add(() -> {
            try {
                context.ungetService(ref);
            } catch (IllegalStateException stopped) {
                // the framework is stopping
            }
        });
        return service;
    }

    private Object attribute(ObjectName name, String attribute) {
        try {
            return server.getAttribute(name, attribute);
        } catch (JMException e) {
            throw new AssertionError("cannot read " + name + " " + attribute, e);
        }
    }

    private static long refresherThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals(REFRESHER_THREAD)).count();
    }

    private static ObjectName objectName(String text) {
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new AssertionError(text, e);
        }
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        toClose.add(closeable);
        return closeable;
    }
}
