package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.sun.tools.attach.VirtualMachine;

/**
 * The gateway's two run profiles from the same bundles, each run as a service would run it: the
 * minimal one (target/minimal.jar) has no HTTP service and no Web Console, yet its console, its
 * SSH console (with an Ed25519 key), its JMX beans and every mechanism work; and the console of
 * either prints only warnings and the audit log unless its log level is turned up, every line
 * in SLF4J's format (java.util.logging included).
 */
public class GatewayProfilesTest {
    private static final Pattern BUNDLE_LINE = Pattern.compile("^\\s*\\d+\\|(\\w+)\\s*\\|\\s*\\d+\\|(.*)$", Pattern.MULTILINE);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path dir;
    private GatewayProcess gateway;

    @Before
    public void prepare() throws Exception {
        dir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(dir);
    }

    @After
    public void stop() throws Exception {
        if (gateway != null) {
            gateway.stop();
        }
    }

    @Test(timeout = 300_000)
    public void theMinimalGatewayServesTheMechanismsTheConsolesAndJmxWithoutHttp() throws Exception {
        SshClient.assumeInstalled();
        SshClient client = SshClient.configure(dir);
        Path key = client.newKey("ops", "ed25519");
        Files.write(dir.resolve("conf/ssh/authorized_keys"), List.of(client.authorized(key, "user=ops,role=admin")));
        Files.write(dir.resolve("conf/org.multios.ipc.security.cfg"),
                List.of("operator.identities=[\"ssh:ops=root:root\"]"), java.nio.file.StandardOpenOption.APPEND);
        gateway = GatewayProcess.start(dir, Path.of(System.getProperty("ipc.gateway.minimal.jar")));
        gateway.awaitOutput("SSH console listening on 127.0.0.1:" + client.port);

        gateway.command("lb");
        gateway.awaitOutput("MultiOS IPC Shell");
        String listing = gateway.output();
        Matcher m = BUNDLE_LINE.matcher(listing);
        int bundles = 0;
        int waiting = 0;
        while (m.find()) {
            bundles++;
            // the logging fragment is attached to slf4j-api (fragments are never active)
            boolean resolvedOnly = m.group(2).contains("MultiOS IPC Logging Provider");
            waiting += resolvedOnly ? 1 : 0;
            assertEquals(m.group(2), resolvedOnly ? "Resolved" : "Active", m.group(1));
            for (String httpOnly : List.of("Jetty", "Web Console", "SPI Fly", "org.objectweb.asm", "Servlet API",
                    "Java Encoder", "Metatype", "org.osgi.service.log")) {
                assertFalse("nothing the HTTP side only uses in the minimal gateway: " + m.group(2),
                        m.group(2).contains(httpOnly));
            }
        }
        assertTrue(listing, bundles > 20);
        assertEquals("the logging fragment only:\n" + listing, 1, waiting);
        assertFalse("a gateway without the Web Console keeps no password for it",
                Files.exists(dir.resolve("conf/webconsole.password")));

        gateway.command("ipc:queuecreate jobs 64 4");
        gateway.awaitOutput("created queue 'jobs'");
        SshClient.Result sent = client.ssh(key, "ops", "ipc:send", "jobs", "3", "over-ssh");
        assertEquals(sent.output(), 0, sent.exit());
        gateway.command("ipc:receive jobs 1000");
        gateway.awaitOutput(": over-ssh");

        VirtualMachine vm = VirtualMachine.attach(Long.toString(gateway.process.pid()));
        try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()))) {
            MBeanServerConnection beans = jmx.getMBeanServerConnection();
            // the JMX view is reconciled with the runtime every 2 s (refresh.period.millis)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Set<ObjectName> queues = beans.queryNames(new ObjectName("org.multios.ipc:type=Object,*"), null);
            while (queues.stream().noneMatch(n -> n.toString().contains("jobs")) && System.nanoTime() - deadline < 0) {
                Thread.sleep(100);
                queues = beans.queryNames(new ObjectName("org.multios.ipc:type=Object,*"), null);
            }
            assertTrue("the queue is a JMX bean within 30 s: " + queues,
                    queues.stream().anyMatch(n -> n.toString().contains("jobs")));
        } finally {
            vm.detach();
        }
    }

    @Test(timeout = 300_000)
    public void theConsoleShowsOnlyWarningsAndTheAuditUnlessTurnedUp() throws Exception {
        gateway = GatewayProcess.start(dir, Path.of(System.getProperty("ipc.gateway.jar")),
                "-D" + GatewayProcess.LOG_LEVEL + "=warn");
        gateway.command("echo console-is-ready");
        gateway.awaitOutput("console-is-ready\n");
        String quiet = gateway.output();
        for (String line : quiet.split("\n")) {
            assertFalse("an INFO line outside the audit log:\n" + quiet, line.contains(" INFO ") && !line.contains(" ipc.audit - "));
        }
        assertFalse("java.util.logging prints nothing of its own:\n" + quiet, quiet.contains("INFO: "));
        assertTrue(quiet, quiet.contains("INFO ipc.audit - policy change: policy in force"));
        gateway.stop();

        // HTTP with the gateway (by configuration): SPI Fly, which logs through java.util.logging, registers Jetty's providers
        gateway = GatewayProcess.start(tmp.newFolder("again").toPath(), Path.of(System.getProperty("ipc.gateway.jar")),
                "-D" + GatewayProcess.LOG_LEVEL + "=info", "-Dfelix.fileinstall.dir=" + dir.resolve("conf"),
                "-Dorg.multios.ipc.gateway.http.start=eager");
        gateway.command("echo console-is-ready");
        gateway.awaitOutput("console-is-ready\n");
        gateway.awaitOutput("Started Jetty"); // at the HTTP start level, which the framework may reach after the console
        String loud = gateway.output();
        assertTrue("turned up, the bundles' INFO lines show:\n" + loud, loud.contains("INFO org.multios.ipc.security"));
        assertTrue("java.util.logging's lines come through SLF4J:\n" + loud,
                loud.matches("(?s).*\\] INFO org\\.apache\\.aries\\.spifly\\.\\S+ - Registered provider .*"));
        assertFalse("and in SLF4J's format only:\n" + loud, loud.contains("INFO: "));
    }
}
