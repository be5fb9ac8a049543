package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.EventService;
import org.multios.ipc.net.NetService;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.sync.SyncService;
import org.multios.ipc.spi.GuardedService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismProvider;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;

/**
 * ipc.security hides every mechanism provider from client bundles and publishes the
 * mechanism's API service in its place, bound to the calling bundle; without ipc.security no
 * API service exists, and with it back service resumes without restarting the mechanism.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class GuardTest extends IpcTestSupport {
    private static final String ECHO = "java.util.function.Function";
    private static final String ECHO_FILTER = "(" + GuardedService.MECHANISM + "=echo)";

    /**
     * A client bundle's component that requires an API service resolves in bnd against the
     * gateway's bundles (-resolve.effective: active) only if a bundle declares that it brings the
     * service: ipc.security registers the guarded services by hand, so each mechanism bundle
     * declares the ones published for its providers.
     */
    @Test(timeout = 60_000)
    public void everyGuardedApiServiceIsDeclaredByTheMechanismBundleThatBringsIt() throws Exception {
        List<Class<?>> api = List.of(ChannelService.class, MessageQueueService.class, PipeService.class,
                SharedMemoryService.class, SyncService.class, EventService.class, SignalService.class, NetService.class);
        for (Class<?> type : api) {
            await(type.getSimpleName() + " is guarded",
                    () -> references(type.getName(), "(" + GuardedService.GUARDED + "=true)").length == 1);
            List<String> declaring = new ArrayList<>();
            for (Bundle b : context.getBundles()) {
                BundleRevision revision = b.adapt(BundleRevision.class);
                if (revision != null && revision.getDeclaredCapabilities("osgi.service").stream()
                        .anyMatch(c -> c.getAttributes().get("objectClass") instanceof List<?> classes
                                && classes.contains(type.getName()))) {
                    declaring.add(b.getSymbolicName());
                }
            }
            assertEquals(type.getName() + " declared by", 1, declaring.size());
            assertTrue(type.getName() + " declared by a mechanism, not by " + declaring,
                    !declaring.contains("ipc.security") && declaring.get(0).startsWith("ipc."));
        }
    }

    @Test(timeout = 60_000)
    public void providerIsHiddenWhileGuardedServiceIsVisible() throws Exception {
        await("the echo mechanism is guarded", () -> references(ECHO, ECHO_FILTER).length == 1);

        assertEquals("providers by class", 0, references(MechanismProvider.class.getName(), null).length);
        assertEquals("providers by property", 0, references(null, "(" + IpcMechanism.KEY + "=*)").length);

        ServiceReference<?> guarded = references(ECHO, ECHO_FILTER)[0];
        assertEquals(Boolean.TRUE, guarded.getProperty(GuardedService.GUARDED));
        assertEquals("echo", guarded.getProperty(GuardedService.MECHANISM));
        assertEquals("registered by ipc.security", "ipc.security", guarded.getBundle().getSymbolicName());
    }

    @Test(timeout = 60_000)
    @SuppressWarnings("unchecked")
    public void guardedServiceIsBoundToTheCallingBundle() throws Exception {
        await("the echo mechanism is guarded", () -> references(ECHO, ECHO_FILTER).length == 1);
        ServiceReference<?> ref = references(ECHO, ECHO_FILTER)[0];
        Function<String, String> echo = (Function<String, String>) context.getService(ref);
        try {
            long me = context.getBundle().getBundleId();
            assertEquals(me + " hello", echo.apply("echo hello"));

            IpcRuntime runtime = context.getService(context.getServiceReference(IpcRuntime.class));
            assertEquals(ProcessKind.BUNDLE, runtime.currentProcess().kind());
            assertEquals(me, runtime.currentProcess().id());
            assertTrue("the runtime lists this bundle as an IPC process",
                    runtime.processes().stream().anyMatch(p -> p.id() == me));
            assertTrue("the echo binding counts as a connection", runtime.connectionCount() >= 1);
        } finally {
            context.ungetService(ref);
        }
    }

    @Test(timeout = 60_000)
    @SuppressWarnings("unchecked")
    public void accessIsDecidedAtOpenFromOwnerGroupAndMode() throws Exception {
        await("the echo mechanism is guarded", () -> references(ECHO, ECHO_FILTER).length == 1);
        ServiceReference<?> ref = references(ECHO, ECHO_FILTER)[0];
        Function<String, String> echo = (Function<String, String>) context.getService(ref);
        try {
            String user = osIdentity().owner().getName();
            String group = osIdentity().group().getName();
            assertEquals("owner gets its triplet and admin", "rwa", echo.apply("open " + user + " nobody-group 600 rw"));
            assertEquals("PERMISSION_DENIED", echo.apply("open " + user + " nobody-group 400 w"));
            assertEquals("group triplet", "r", echo.apply("open someone-else " + group + " 640 r"));
            assertEquals("PERMISSION_DENIED", echo.apply("open someone-else " + group + " 640 w"));
            assertEquals("other triplet", "PERMISSION_DENIED", echo.apply("open someone-else other-group 660 r"));
        } finally {
            context.ungetService(ref);
        }
    }

    @Test(timeout = 60_000)
    public void stoppingSecurityWithdrawsEveryApiServiceAndStartingItRestoresThem() throws Exception {
        await("the echo mechanism is guarded", () -> references(ECHO, ECHO_FILTER).length == 1);
        Bundle security = installed("ipc.security");
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        long fixtureModified = fixture.getLastModified();

        security.stop();
        assertEquals("no guarded echo service", 0, references(ECHO, ECHO_FILTER).length);
        assertEquals("no runtime service", 0, references(IpcRuntime.class.getName(), null).length);
        assertEquals("the mechanism keeps running", Bundle.ACTIVE, fixture.getState());

        security.start();
        await("the echo service returns", () -> references(ECHO, ECHO_FILTER).length == 1);
        await("the runtime returns", () -> references(IpcRuntime.class.getName(), null).length == 1);
        assertEquals("the mechanism was not restarted", fixtureModified, fixture.getLastModified());
        assertEquals(Bundle.ACTIVE, fixture.getState());
    }
}
