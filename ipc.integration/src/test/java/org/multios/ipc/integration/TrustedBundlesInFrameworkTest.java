package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.GuardedService;
import org.multios.ipc.spi.PlatformConfiguration;
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
 * A hostile bundle that knows the platform (it names itself ipc.security, declares the old guard
 * capability, registers a queue provider and a peer authority of the highest ranking) tries every
 * bypass of the guard through ordinary OSGi calls, while a victim (this test bundle, user alice)
 * holds a queue of mode 0600; it gets nothing, and the victim and the network are served by the
 * real mechanisms and the real peer authority throughout.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class TrustedBundlesInFrameworkTest extends IpcTestSupport {
    private static final String HOSTILE_LOCATION = "hostile:" + FixtureBundle.HOSTILE_NAME;
    /** System property naming the hostile bundle's file, built before the framework starts. */
    private static final String HOSTILE_FILE = "ipc.hostile.file";
    /** The queue the hostile bundle attacks (its Attacks.VICTIM_QUEUE). */
    private static final String VICTIM = "victim";
    private static final String MARKER = "deny user:trust-test-marker r shm:marker";

    private Bundle hostile;

    @Override
    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("ipc.work.dir"));
        Path roots = Files.createDirectories(work.resolve("trust-roots"));
        return OptionUtils.combine(super.config(), frameworkProperty(IpcEnvironment.ROOT_PROPERTY)
                .value(roots.resolve("root-" + UUID.randomUUID()).toString()),
                systemProperty(HOSTILE_FILE).value(FixtureBundle.buildHostile(work.resolve("hostile")).toString()));
    }

    @After
    public void uninstallHostile() throws Exception {
        if (hostile != null && hostile.getState() != Bundle.UNINSTALLED) {
            hostile.uninstall();
        }
    }

    @Test(timeout = 120_000)
    public void aHostileBundleGetsNothingThroughOrdinaryOsgiCalls() throws Exception {
        actAs(Map.of(context.getBundle().getLocation(), "alice:staff", HOSTILE_LOCATION, "mallory:mallory"));
        MessageQueueService queues = service(MessageQueueService.class);
        MessageQueue victim = queues.create(VICTIM, QueueOptions.of(64, 4).withMode(0600));
        try {
            hostile = install();
            hostile.start();
            ServiceReference<?>[] guarded = references(MessageQueueService.class.getName(),
                    "(" + GuardedService.MECHANISM + "=queue)");
            String handshake = handshake(service(NetService.class));
            String bystander = bystanderGetsQueues();

            Map<String, String> report = report(context.getBundle().getBundleId());
            report.forEach((attack, outcome) -> System.out.println("hostile bundle: " + attack + " -> " + outcome));
            assertEquals("one guarded queue service: the fake provider is not guarded", 1, guarded.length);
            assertEquals("the guarded queue service stands for ipc.channels' provider", "ipc.channels",
                    providerBundle(guarded[0]));
            assertEquals("the real peer authority admitted the connection", "served", handshake);
            assertEquals("a bundle that asks for the queue service now gets the real one", "ipc.channels", bystander);
            assertEquals("every attack was tried: " + report, 10, report.size());
            report.forEach((attack, outcome) -> assertTrue(attack + ": " + outcome, outcome.startsWith("nothing")));

            victim.send(new byte[] { 7 }, 0, 1, 3);
            assertEquals("the victim's handle still works", 1, victim.receive(new byte[8], 0, 8, new MessageInfo()));
            try (MessageQueue again = queues.open(VICTIM)) {
                assertEquals("the victim's queue is still there, unchanged", 0600, again.permissions().mode());
            }
        } finally {
            victim.close();
            queues.unlink(VICTIM);
        }
    }

    /**
     * The fixture bundle gets the queue service after the hostile bundle registered its provider:
     * the bundle whose provider the guarded service it got stands for.
     */
    private String bystanderGetsQueues() {
        BundleContext bystander = installed(FixtureBundle.SYMBOLIC_NAME).getBundleContext();
        ServiceReference<MessageQueueService> ref = bystander.getServiceReference(MessageQueueService.class);
        assertNotNull("the fixture bundle sees a queue service", bystander.getService(ref));
        bystander.ungetService(ref);
        return providerBundle(ref);
    }

    /** A TCP connection through ipc.net, whose handshake asks the peer authority: "served" when a message crossed it. */
    private static String handshake(NetService net) {
        try (Listener listener = net.listen(Endpoint.tcp(0), ListenOptions.DEFAULTS.withRequireAuthentication(false));
                Connection client = net.connect(listener.endpoint());
                Connection server = listener.accept(Duration.ofSeconds(10))) {
            client.send(1, new byte[] { 42 }, 0, 1, 0);
            int n = server.receive(new byte[1], 0, 1, new MessageInfo(), Duration.ofSeconds(10));
            return n == 1 ? "served" : "received " + n + " bytes";
        } catch (IpcException e) {
            return e.error() + ": " + e.getMessage();
        }
    }

    private String providerBundle(ServiceReference<?> guarded) {
        Object providerId = guarded.getProperty(GuardedService.PROVIDER_ID);
        for (Bundle b : context.getBundles()) {
            ServiceReference<?>[] refs = b.getRegisteredServices();
            for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
                if (providerId.equals(r.getProperty(Constants.SERVICE_ID))) {
                    return b.getSymbolicName();
                }
            }
        }
        return "no bundle";
    }

    private Bundle install() throws Exception {
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty(HOSTILE_FILE)))) {
            return context.installBundle(HOSTILE_LOCATION, in);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> report(long victim) throws Exception {
        ServiceReference<?>[] refs = references(Function.class.getName(), "(ipc.hostile.report=true)");
        assertEquals("the hostile bundle's report service", 1, refs.length);
        Function<Long, Map<String, String>> report = (Function<Long, Map<String, String>>) context.getService(refs[0]);
        try {
            return report.apply(victim);
        } finally {
            context.ungetService(refs[0]);
        }
    }

    private <T> T service(Class<T> type) throws InterruptedException {
        await(type.getSimpleName() + " is published", () -> context.getServiceReference(type) != null);
        T s = context.getService(context.getServiceReference(type));
        assertNotNull(type.getSimpleName(), s);
        return s;
    }

    /** Configures the users bundles act as and waits until that policy is in force. */
    private void actAs(Map<String, String> identities) throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("bundle.identities", identities.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new));
        props.put("rules", new String[] { MARKER });
        await("Configuration Admin is published", () -> context.getServiceReference(ConfigurationAdmin.class) != null);
        ServiceReference<ConfigurationAdmin> ref = context.getServiceReference(ConfigurationAdmin.class);
        context.getService(ref).getConfiguration(PlatformConfiguration.SECURITY_PID, "?").update(props);
        context.ungetService(ref);
        await("the policy is in force", () -> {
            ServiceReference<AccessControl> ac = context.getServiceReference(AccessControl.class);
            return ac != null && context.getService(ac) != null
                    && context.getService(ac).rules().equals(List.of(MARKER));
        });
    }
}
