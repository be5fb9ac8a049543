package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.PlatformConfiguration;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.ops4j.pax.exam.OptionUtils;

/**
 * The network mechanism in the gateway's framework: the guarded NetService carries frames
 * between two connections; uninstalling ipc.net closes every socket (a receiver wakes with
 * CLOSED) and ends its threads; a bridge configured through Configuration Admin serves a queue
 * and comes back when ipc.net is installed again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class NetInFrameworkTest extends IpcTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false);
    /** System property naming the file of the ipc.net bundle, for installing it again. */
    private static final String NET_FILE_PROPERTY = "ipc.net.file";

    @Override
    @Configuration
    public Option[] config() throws Exception {
        Path roots = Files.createDirectories(Path.of(System.getProperty("ipc.work.dir")).resolve("net-roots"));
        return OptionUtils.combine(super.config(), frameworkProperty(IpcEnvironment.ROOT_PROPERTY)
                .value(roots.resolve("root-" + UUID.randomUUID()).toString()),
                systemProperty(NET_FILE_PROPERTY).value(GatewayBundles.fromSystemProperties().file("ipc.net").toString()));
    }

    @Test
    public void uninstallingIpcNetClosesEverySocketAndItsThreadsAndReinstallingServesAgain() throws Exception {
        NetService net = service(NetService.class);
        Listener listener = net.listen(Endpoint.tcp(0), OPEN);
        Connection client = net.connect(listener.endpoint());
        Connection server = listener.accept(Duration.ofSeconds(10));
        client.send(3, new byte[] {7}, 0, 1, 4);
        byte[] buf = new byte[4];
        MessageInfo info = new MessageInfo();
        assertEquals(3, server.receive(buf, 0, 4, info, Duration.ofSeconds(10)));
        assertEquals(4, info.priority());

        installed("ipc.net").uninstall();
        try {
            server.receive(buf, 0, 4, info, Duration.ofSeconds(10));
            fail("a receive on a connection of an uninstalled ipc.net fails");
        } catch (IpcException e) {
            assertEquals(e.getMessage(), IpcError.CLOSED, e.error());
        }
        await("the network service is withdrawn", () -> context.getServiceReference(NetService.class) == null);
        await("no ipc-net thread is left", () -> threads("ipc-net").isEmpty());

        reinstall();
        NetService again = service(NetService.class);
        try (Listener l = again.listen(Endpoint.tcp(0), OPEN); Connection c = again.connect(l.endpoint())) {
            assertTrue(c.isConnected());
        }
    }

    @Test
    public void aConfiguredBridgeServesItsQueueAndComesBackWithIpcNet() throws Exception {
        MessageQueue queue = service(MessageQueueService.class).create("telemetry",
                QueueOptions.of(64, 8).withMode(0666));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ConfigurationAdmin admin = service(ConfigurationAdmin.class);
        org.osgi.service.cm.Configuration bridge = admin.getFactoryConfiguration("org.multios.ipc.net.bridge",
                "telemetry", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("endpoint", "tcp://127.0.0.1:" + port);
        props.put("type", "queue");
        props.put("name", "telemetry");
        props.put("require.authentication", false);
        bridge.update(props);
        try {
            Endpoint endpoint = Endpoint.tcp(port);
            sendThrough(endpoint, "one");
            installed("ipc.net").uninstall();
            reinstall();
            sendThrough(endpoint, "two");
            byte[] buf = new byte[64];
            MessageInfo info = new MessageInfo();
            assertEquals(3, queue.receive(buf, 0, 64, info));
            assertEquals(3, queue.receive(buf, 0, 64, info));
        } finally {
            bridge.delete();
        }
    }

    /**
     * ipc.security knows the IPC root of the framework (property {@value IpcEnvironment#ROOT_PROPERTY}):
     * a rule written as the path of the socket files in the root's endpoint directory covers the
     * names in the root. Before, it matched only endpoints written as that path, and the listen
     * went on (here to fail on its socket file's length, the root being deep in the build folder).
     */
    @Test
    public void aRuleOnTheSocketFilesOfTheRootCoversTheirNames() throws Exception {
        NetService net = service(NetService.class);
        Path root = Path.of(context.getProperty(IpcEnvironment.ROOT_PROPERTY)).toAbsolutePath();
        String rule = "deny * * endpoint:unix:" + root + "/endpoint/guarded-*";
        org.osgi.service.cm.Configuration security = service(ConfigurationAdmin.class)
                .getConfiguration(PlatformConfiguration.SECURITY_PID, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("rules", new String[] {rule});
        security.update(props);
        try {
            await("the rule is in force", () -> rulesInForce().contains(rule));
            try (Listener l = net.listen(Endpoint.unix("guarded-admin"), OPEN)) {
                fail("listened on " + l.endpoint() + " against " + rule);
            } catch (IpcException e) {
                assertEquals(e.getMessage(), IpcError.PERMISSION_DENIED, e.error());
            }
        } finally {
            security.delete();
        }
    }

    /**
     * A rule on an address ({@code deny * * endpoint:tcp://127.0.0.1:PORT}) stops a connect to a
     * name that resolves to it ({@code tcp://localhost:PORT}): the policy decides every address
     * of the name's one lookup. Before, only the name was decided, and the connection was made.
     */
    @Test
    public void aRuleOnAnAddressCoversANameThatResolvesToIt() throws Exception {
        NetService net = service(NetService.class);
        try (Listener l = net.listen(Endpoint.tcp("127.0.0.1", 0), OPEN)) {
            int port = l.endpoint().port();
            String rule = "deny * * endpoint:tcp://127.0.0.1:" + port;
            org.osgi.service.cm.Configuration security = service(ConfigurationAdmin.class)
                    .getConfiguration(PlatformConfiguration.SECURITY_PID, "?");
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("rules", new String[] {rule});
            security.update(props);
            try {
                await("the rule is in force", () -> rulesInForce().contains(rule));
                try (Connection c = service(NetService.class).connect(Endpoint.tcp("localhost", port))) {
                    fail("connected to " + c.remoteEndpoint() + " against " + rule);
                } catch (IpcException e) {
                    assertEquals(e.getMessage(), IpcError.PERMISSION_DENIED, e.error());
                }
            } finally {
                security.delete();
            }
        }
    }

    private List<String> rulesInForce() {
        ServiceReference<AccessControl> ref = context.getServiceReference(AccessControl.class);
        AccessControl access = ref == null ? null : context.getService(ref);
        if (access == null) {
            return List.of();
        }
        try {
            return access.rules();
        } finally {
            context.ungetService(ref);
        }
    }

    private void reinstall() throws Exception {
        Path file = Path.of(System.getProperty(NET_FILE_PROPERTY));
        try (java.io.InputStream in = Files.newInputStream(file)) {
            context.installBundle("reinstalled:" + file, in).start();
        }
    }

    private void sendThrough(Endpoint endpoint, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (MessageQueue remote = service(NetService.class).openRemoteQueue(endpoint, "telemetry",
                    ConnectOptions.DEFAULTS)) {
                remote.send(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, text.length(), 1);
                return;
            } catch (IpcException e) {
                if (e.error() != IpcError.UNAVAILABLE || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private <S> S service(Class<S> type) throws InterruptedException {
        await(type.getSimpleName() + " is published", () -> context.getServiceReference(type) != null);
        ServiceReference<S> ref = context.getServiceReference(type);
        S s = context.getService(ref);
        assertNotNull(type.getSimpleName(), s);
        return s;
    }

    private static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith(prefix))
                .toList();
    }
}
