package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.Rights;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.PeerAuthority;
import org.multios.ipc.spi.PlatformConfiguration;
import org.multios.ipc.spi.PolicyState;
import org.multios.ipc.sync.SyncService;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The security policy as an operator configures it and as a hostile bundle meets it, in the
 * gateway's framework: a configuration that does not parse (or limits that do not) closes the
 * platform until a valid one comes, saying why and writing it to the audit log; identities and
 * {@code bundle:} rules follow a bundle's location, so a bundle that takes another's symbolic
 * name gets none of its rights.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PolicyConfigurationInFrameworkTest extends IpcTestSupport {
    private static final Class<?>[] API_SERVICES = { SharedMemoryService.class, SyncService.class, IpcRuntime.class,
        PeerAuthority.class };

    private final List<Bundle> installed = new ArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Path root;

    @Override
    @Configuration
    public Option[] config() throws Exception {
        Path roots = Files.createDirectories(Path.of(System.getProperty("ipc.work.dir")).resolve("policy-roots"));
        return OptionUtils.combine(super.config(),
                frameworkProperty(IpcEnvironment.ROOT_PROPERTY).value(roots.resolve("root-" + UUID.randomUUID()).toString()));
    }

    @Before
    public void freshRoot() throws Exception {
        root = Path.of(context.getProperty(IpcEnvironment.ROOT_PROPERTY));
        deleteTree(root);
        Files.createDirectories(root);
        awaitServices(true);
    }

    @After
    public void cleanUp() throws Exception {
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception closedAlready) {
                // its service was withdrawn
            }
        }
        for (Bundle b : installed) {
            b.uninstall();
        }
        deleteConfiguration(PlatformConfiguration.SECURITY_PID);
        deleteConfiguration(PlatformConfiguration.LIMITS_PID);
        deleteTree(root);
    }

    // ------------------------------------------------------------------ fail closed on configuration errors

    @Test(timeout = 120_000)
    public void aSecurityConfigurationThatDoesNotParseClosesThePlatformUntilAValidOneComes() throws Exception {
        List<String> accepted = captureAuditLines(() -> {
            update(PlatformConfiguration.SECURITY_PID, "rules", new String[] {"deny user:nobody-at-all * shm:never"}, "audit.rate", 10);
            awaitState(true, "1 rule(s)");
        });
        assertEquals("one audit line for the accepted policy: " + accepted, 1,
                accepted.stream().filter(l -> l.contains("policy change: policy in force")).count());
        SharedMemory before = keep(service(SharedMemoryService.class).create("pc-before", 4096, 0600));

        // what File Install hands over for a .cfg whose rules line is an array among plain values
        List<String> refused = captureAuditLines(() -> {
            update(PlatformConfiguration.SECURITY_PID, "audit.rate", "10",
                    "rules", "[\"allow group:sensors rw queue:telemetry.*\", \"deny * * *:*\"]");
            awaitState(false, "key rules");
        });
        PolicyState state = accessControl().policyState();
        assertTrue(state.detail(), state.detail().contains("configuration " + PlatformConfiguration.SECURITY_PID));
        assertTrue(state.detail(), state.detail().contains("expected a list of strings"));
        assertEquals("no rules are in force", List.of(), accessControl().rules());
        awaitServices(false);
        assertTrue("the handle opened under the previous policy was closed with its service", before.isClosed());
        assertEquals("one audit line for the refusal: " + refused, 1,
                refused.stream().filter(l -> l.contains("policy change: NO POLICY IN FORCE")
                        && l.contains("key rules")).count());

        update(PlatformConfiguration.SECURITY_PID, "rules", new String[] {"allow * rw shm:pc-*"}, "audit.rate", 10);
        awaitState(true, "1 rule(s)");
        awaitServices(true);
        assertEquals(List.of("allow * rw shm:pc-*"), accessControl().rules());
        keep(service(SharedMemoryService.class).open("pc-before"));
    }

    /**
     * Without a policy the console's commands stay and say why they serve nothing; before, the
     * components needing the platform's services were deactivated and Gogo answered "Command not
     * found" while {@code help ipc} still listed them.
     */
    @Test(timeout = 120_000)
    public void withoutAPolicyTheConsoleCommandsStayAndSayThatNoPolicyIsInForce() throws Exception {
        update(PlatformConfiguration.SECURITY_PID, "audit.rate", "ten");
        awaitState(false, "key audit.rate");
        awaitServices(false);
        CommandProcessor processor = context.getService(context.getServiceReference(CommandProcessor.class));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            for (String command : List.of("ipc:objects", "ipc:processes", "ipc:shmcreate pc-none 4096", "ipc:example pipe")) {
                try {
                    fail(command + " answered " + session.execute(command));
                } catch (IpcException e) {
                    assertEquals(command + ": " + e.getMessage(), IpcError.UNAVAILABLE, e.error());
                    assertTrue(command + ": " + e.getMessage(), e.getMessage().contains("no security policy in force"));
                }
            }

            update(PlatformConfiguration.SECURITY_PID, "rules", new String[] {"allow * rw shm:pc-*"}, "audit.rate", 10);
            awaitState(true, "1 rule(s)");
            awaitServices(true);
            await("ipc:objects lists the root's objects again", () -> {
                try {
                    return String.valueOf(session.execute("ipc:objects")).contains("no objects");
                } catch (Exception notYet) {
                    return false; // the component is being activated again with the runtime
                }
            });
        } finally {
            session.close();
        }
    }

    @Test(timeout = 120_000)
    public void anUnknownKeyOrAMistypedValueIsRefusedAsAWhole() throws Exception {
        update(PlatformConfiguration.SECURITY_PID, "rule", new String[] {"deny * * *:*"});
        awaitState(false, "unknown key rule");
        awaitServices(false);
        update(PlatformConfiguration.SECURITY_PID, "quota.objects", "lots");
        awaitState(false, "key quota.objects");
        update(PlatformConfiguration.SECURITY_PID, "quota.objects", 3L);
        awaitState(true, "quotas {OBJECTS=3}");
        awaitServices(true);
    }

    @Test(timeout = 120_000)
    public void limitsThatDoNotParseCloseThePlatformToo() throws Exception {
        update(PlatformConfiguration.LIMITS_PID, "queue.messages.max", "many");
        awaitState(false, "key queue.messages.max");
        assertTrue(accessControl().policyState().source().startsWith(PlatformConfiguration.LIMITS_PID));
        awaitServices(false);
        update(PlatformConfiguration.LIMITS_PID, "queue.messages.max", 64L);
        awaitState(true, "");
        awaitServices(true);
        assertEquals(64L, (long) service(IpcRuntime.class).limits().get(org.multios.ipc.Limit.QUEUE_MESSAGES));
    }

    // ------------------------------------------------------------------ identities a bundle cannot choose

    @Test(timeout = 120_000)
    public void aBundleThatTakesAnotherBundlesSymbolicNameGetsNoneOfItsRights() throws Exception {
        String payrollLocation = "policy-test:payroll";
        BundleContext payroll = install(payrollLocation, "com.example.payroll", "1.0.0");
        update(PlatformConfiguration.SECURITY_PID, "default.user", "guest", "default.groups", new String[] {"guests"},
                "bundle.identities", new String[] {context.getBundle().getLocation() + "=operator:ops",
                    payrollLocation + "=payroll:finance"},
                "rules", new String[] {"allow bundle:" + payrollLocation + " rw shm:reports",
                    "deny bundle:policy-test:plugins/*;name=* * *:*"});
        awaitState(true, "2 rule(s), 2 bundle identities");
        SharedMemoryService operator = service(SharedMemoryService.class);
        keep(operator.create("reports", 4096, 0600));
        keep(operator.create("common", 4096, 0666));

        assertEquals("payroll", service(payroll, IpcRuntime.class).currentProcess().user());
        SharedMemoryService payrollShm = service(payroll, SharedMemoryService.class);
        assertEquals("the rule on payroll's location gives it read and write", Rights.READ_WRITE,
                keep(payrollShm.open("reports")).rights());
        keep(payrollShm.create("payslips", 4096, 0600));

        // the same symbolic name at another location (and version) is not payroll
        BundleContext impostor = install("policy-test:impostor", "com.example.payroll", "2.0.0");
        assertEquals(payroll.getBundle().getSymbolicName(), impostor.getBundle().getSymbolicName());
        assertEquals("the impostor acts as the default user", "guest",
                service(impostor, IpcRuntime.class).currentProcess().user());
        SharedMemoryService impostorShm = service(impostor, SharedMemoryService.class);
        denied(() -> impostorShm.open("reports"));
        denied(() -> impostorShm.open("payslips"));
        assertEquals(Rights.READ_WRITE, keep(impostorShm.open("common")).rights());

        // a bundle denied by its location does not escape by naming itself like a trusted one
        BundleContext untrusted = install("policy-test:plugins/untrusted", "com.example.payroll", "3.0.0");
        denied(() -> service(untrusted, SharedMemoryService.class).open("common"));
    }

    // ------------------------------------------------------------------ helpers

    private void update(String pid, Object... keysAndValues) throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        ConfigurationAdmin cm = configurationAdmin();
        cm.getConfiguration(pid, "?").update(props);
    }

    private void deleteConfiguration(String pid) throws Exception {
        ConfigurationAdmin cm = configurationAdmin();
        org.osgi.service.cm.Configuration[] found = cm.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
        if (found != null) {
            for (org.osgi.service.cm.Configuration c : found) {
                c.delete();
            }
        }
    }

    private ConfigurationAdmin configurationAdmin() throws InterruptedException {
        await("Configuration Admin is published", () -> context.getServiceReference(ConfigurationAdmin.class) != null);
        return context.getService(context.getServiceReference(ConfigurationAdmin.class));
    }

    private AccessControl accessControl() {
        ServiceReference<AccessControl> ref = context.getServiceReference(AccessControl.class);
        assertNotNull("ipc.security publishes its access control whatever the policy", ref);
        return context.getService(ref);
    }

    /** Waits until the policy is (or is not) in force with a detail that holds the text. */
    private void awaitState(boolean inForce, String detail) throws InterruptedException {
        await((inForce ? "a policy in force: " : "no policy in force: ") + detail, () -> {
            ServiceReference<AccessControl> ref = context.getServiceReference(AccessControl.class);
            PolicyState s = ref == null ? null : context.getService(ref).policyState();
            return s != null && s.inForce() == inForce && s.detail().contains(detail);
        });
    }

    /** Waits until every API service and the peer authority are published, or none is. */
    private void awaitServices(boolean published) throws InterruptedException {
        for (Class<?> api : API_SERVICES) {
            await(api.getSimpleName() + (published ? " is published" : " is withdrawn"),
                    () -> (references(api.getName(), null).length > 0) == published);
        }
    }

    private <S> S service(Class<S> api) throws InterruptedException {
        return service(context, api);
    }

    private <S> S service(BundleContext through, Class<S> api) throws InterruptedException {
        await(api.getSimpleName() + " is published", () -> context.getServiceReference(api) != null);
        S s = through.getService(context.getServiceReference(api));
        assertNotNull(api.getSimpleName() + " for " + through.getBundle().getLocation(), s);
        return s;
    }

    /** Installs and starts a bundle of a manifest alone, from the given location. */
    private BundleContext install(String location, String symbolicName, String version) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        main.putValue(Constants.BUNDLE_VERSION, version);
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(jar, manifest)) {
            // a manifest is all the bundle has
        }
        Bundle b = context.installBundle(location, new ByteArrayInputStream(jar.toByteArray()));
        installed.add(b);
        b.start();
        return b.getBundleContext();
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    private static void denied(Action op) throws Exception {
        try {
            op.run();
            fail("expected PERMISSION_DENIED");
        } catch (IpcException e) {
            assertEquals(e.getMessage(), IpcError.PERMISSION_DENIED, e.error());
        }
    }
}
