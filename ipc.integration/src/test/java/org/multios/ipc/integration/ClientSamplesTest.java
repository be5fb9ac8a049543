package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.multios.ipc.IpcEnvironment;

/**
 * The README's two client examples as a developer uses them: the sample projects under
 * {@code samples/} are the very files the README shows, built by the reactor with their own poms;
 * the bundle is installed into a running gateway, where its component runs, is stopped, updated
 * and started again; the plain-Java program runs with {@code java -jar} and nothing else on its
 * class path against that gateway's IPC root, and the gateway receives its message.
 */
public class ClientSamplesTest {
    private static final Path SAMPLES = Path.of(System.getProperty("ipc.samples.dir"));
    private static final String RECEIVED = "hello-bundle received 'hello from a bundle' at priority 1";
    private static final String STOPPED = "hello-bundle stopped";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private GatewayProcess gateway;

    @Before
    public void startGateway() throws Exception {
        Path dir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(dir);
        gateway = GatewayProcess.start(dir);
    }

    @After
    public void stopGateway() throws Exception {
        gateway.stop();
    }

    @Test
    public void theReadmeShowsTheSampleFilesVerbatim() throws Exception {
        String readme = Files.readString(SAMPLES.resolveSibling("README.md"));
        for (String file : new String[] {"hello-bundle/pom.xml", "hello-bundle/src/main/java/com/example/hello/Hello.java",
                "hello-java/pom.xml", "hello-java/src/main/java/com/example/hello/plain/HelloIpc.java"}) {
            assertTrue("README.md shows samples/" + file + " as it is", readme.contains(Files.readString(SAMPLES.resolve(file))));
        }
    }

    @Test(timeout = 180_000)
    public void theSampleBundleRunsIsStoppedUpdatedAndStartedAgain() throws Exception {
        Path jar = SAMPLES.resolve("hello-bundle/target/hello-bundle-1.0.0.jar");
        gateway.command("install " + jar.toUri());
        gateway.awaitOutput("Bundle ID: ");
        Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(gateway.output());
        assertTrue(id.find());
        String bundle = id.group(1);

        gateway.command("start " + bundle);
        awaitOccurrences(RECEIVED, 1);
        gateway.command("stop " + bundle);
        awaitOccurrences(STOPPED, 1);
        gateway.command("update " + bundle);
        gateway.command("start " + bundle);
        awaitOccurrences(RECEIVED, 2);
        gateway.command("lb com.example.hello");
        gateway.awaitOutput("|Active     |");
        gateway.command("ipc:object queue hello");
        gateway.awaitOutput("creator    bundle " + bundle + " com.example.hello, pid " + gateway.process.pid());

        String sinceInstall = gateway.output().substring(gateway.output().indexOf("Bundle ID: "));
        assertFalse("no warning or error from the sample's life cycle:\n" + sinceInstall,
                sinceInstall.matches("(?s).*(ERROR|WARN|Exception).*"));
    }

    @Test(timeout = 180_000)
    public void aPlainJavaProgramWithOnlyItsJarSendsToTheGateway() throws Exception {
        Path root = gateway.dir.resolve("ipc");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + IpcEnvironment.ROOT_PROPERTY + "=" + root,
                "-jar", SAMPLES.resolve("hello-java/target/hello-java.jar").toString(), "hi", "gateway")
                .redirectErrorStream(true);
        pb.environment().remove("CLASSPATH");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process program = pb.start();
        assertTrue("the program ends", program.waitFor(60, TimeUnit.SECONDS));
        String out = new String(program.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("exactly its own line, no logger noise:\n" + out, "sent 'hi gateway' to queue 'greetings'\n", out);
        assertEquals(0, program.exitValue());

        gateway.command("ipc:receive greetings 10000");
        gateway.awaitOutput(": hi gateway");
    }

    private void awaitOccurrences(String text, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (occurrences(gateway.output(), text) < count) {
            assertTrue("the gateway is running:\n" + gateway.output(), gateway.process.isAlive());
            if (System.nanoTime() > deadline) {
                throw new AssertionError(count + " times '" + text + "' expected in:\n" + gateway.output());
            }
            Thread.sleep(50);
        }
    }

    private static int occurrences(String s, String text) {
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }
}
