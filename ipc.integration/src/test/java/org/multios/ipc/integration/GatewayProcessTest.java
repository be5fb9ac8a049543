package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * The gateway jar run as README says, in a child JVM: at a console its {@code lb} shows every
 * bundle active; as a service, with standard input closed, it stays up until SIGTERM and then
 * stops its bundles cleanly.
 */
public class GatewayProcessTest {
    private static final Pattern BUNDLE_LINE = Pattern.compile("^\\s*(\\d+)\\|(\\w+)\\s*\\|.*$", Pattern.MULTILINE);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path workDir;
    private Path output;
    private Process gateway;

    @Before
    public void prepare() throws IOException {
        workDir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(workDir);
        output = workDir.resolve("output.txt");
    }

    @After
    public void stop() {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly();
        }
    }

    @Test(timeout = 120_000)
    public void consoleListsEveryBundleActive() throws Exception {
        gateway = start(ProcessBuilder.Redirect.PIPE);
        try (OutputStream in = gateway.getOutputStream()) {
            in.write("lb\nstop 0\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue("the gateway stops on 'stop 0'", gateway.waitFor(60, TimeUnit.SECONDS));
        String out = Files.readString(output);
        assertTrue("shows the Gogo prompt:\n" + out, out.contains("g! "));
        Matcher m = BUNDLE_LINE.matcher(out);
        int bundles = 0;
        while (m.find()) {
            bundles++;
            assertEquals("bundle " + m.group(1) + " state in:\n" + out, "Active", m.group(2));
        }
        assertTrue("lb listed the gateway's bundles:\n" + out, bundles > 10);
        assertTrue("the IPC bundles are there:\n" + out, out.contains("MultiOS IPC Security"));
    }

    @Test(timeout = 120_000)
    public void runsWithoutATerminalAndStopsCleanlyOnSigterm() throws Exception {
        gateway = start(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        awaitOutput("IPC security started");
        assertFalse("standard input closed does not stop the gateway",
                gateway.waitFor(3, TimeUnit.SECONDS));

        new ProcessBuilder("kill", "-TERM", Long.toString(gateway.pid())).start().waitFor();
        assertTrue("SIGTERM stops the gateway", gateway.waitFor(60, TimeUnit.SECONDS));
        assertTrue("the security bundle was stopped cleanly:\n" + Files.readString(output),
                Files.readString(output).contains("IPC security stopped"));
    }

    @Test(timeout = 120_000)
    public void anOperatorManagesObjectsFromTheConsole() throws Exception {
        gateway = start(ProcessBuilder.Redirect.PIPE);
        try (OutputStream in = gateway.getOutputStream()) {
            in.write(String.join("\n",
                    "ipc:shmcreate frames 4096 640",
                    "ipc:shmwrite frames 0 hello-operator",
                    "ipc:shmread frames 0 16",
                    "ipc:semcreate ready 0",
                    "ipc:sempost ready",
                    "ipc:objects",
                    "ipc:unlink shm frames",
                    "ipc:shmread frames 0 4",
                    "ipc:shmcreate ../escape 16",
                    "ipc:unlink semaphore ready",
                    "ipc:objects",
                    "stop 0", "").getBytes(StandardCharsets.UTF_8));
        }
        assertTrue("the gateway stops on 'stop 0'", gateway.waitFor(60, TimeUnit.SECONDS));
        String out = Files.readString(output);
        assertTrue(out, out.contains("created shm 'frames', 4096 bytes, rw-r-----"));
        assertTrue(out, out.contains("|hello-operator..|"));
        assertTrue(out, out.contains("semaphore 'ready' = 1"));
        assertTrue("the listing shows both objects:\n" + out,
                out.matches("(?s).*shm +frames +\\S+ +rw-r----- +4096.*semaphore +ready.*"));
        assertTrue(out, out.contains("NOT_FOUND: shm 'frames' does not exist"));
        assertTrue(out, out.contains("INVALID_ARGUMENT: shm name '../escape'"));
        assertTrue(out, out.contains("no objects"));
        assertFalse("errors are shown as code and message, not stack traces:\n" + out, out.contains("\tat org."));
    }

    private Process start(ProcessBuilder.Redirect stdin) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-D" + IpcEnvironment.ROOT_PROPERTY + "=" + workDir.resolve("ipc"),
                "-Dorg.osgi.service.http.port=" + GatewayProcess.freePort(),
                "-D" + GatewayProcess.LOG_LEVEL + "=info", "-jar", System.getProperty("ipc.gateway.jar")))
                .directory(workDir.toFile())
                .redirectInput(stdin)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
    }

    private void awaitOutput(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(output).contains(text)) {
            assertTrue("the gateway is running", gateway.isAlive());
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in:\n" + Files.readString(output));
            }
            Thread.sleep(50);
        }
    }
}
