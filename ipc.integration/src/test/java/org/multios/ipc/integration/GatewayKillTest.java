package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.multios.ipc.IpcEnvironment;

/**
 * The whole gateway killed with SIGKILL in the middle of its work and started again on the same
 * IPC root: the named queue holds every message whose send the console confirmed, in priority
 * order, and {@code ipc:gc} collects what the dead gateway left and nobody uses (where every
 * process's maps can be read; else it may collect nothing).
 */
public class GatewayKillTest {
    private static final int MESSAGES = 40;
    private static final Pattern RECEIVED = Pattern.compile("priority (\\d+) from \\S+ \\d+: (m-\\d+)");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Process gateway;

    @After
    public void stop() {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly();
        }
    }

    @Test(timeout = 240_000)
    public void aKilledGatewayKeepsEveryConfirmedMessageAndItsLeftoversAreCollected() throws Exception {
        Path dir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(dir);
        Path first = dir.resolve("first.txt");
        gateway = start(dir, first);
        OutputStream console = gateway.getOutputStream();
        command(console, "ipc:queuecreate orders 64 " + MESSAGES);
        command(console, "ipc:shmcreate scratch 4096");
        for (int i = 0; i < MESSAGES; i++) {
            command(console, "ipc:send orders " + (i % 4) + " m-" + i);
        }
        awaitCount(first, "bytes at priority", MESSAGES);

        new ProcessBuilder("kill", "-KILL", Long.toString(gateway.pid())).start().waitFor();
        assertTrue("SIGKILL ends the gateway", gateway.waitFor(30, TimeUnit.SECONDS));
        assertEquals("killed, not stopped", 137, gateway.exitValue());
        assertFalse("no clean stop ran:\n" + Files.readString(first), Files.readString(first).contains("IPC security stopped"));

        Path second = dir.resolve("second.txt");
        gateway = start(dir, second);
        console = gateway.getOutputStream();
        for (int i = 0; i < MESSAGES; i++) {
            command(console, "ipc:receive orders 5000");
        }
        command(console, "ipc:receive orders 100");
        command(console, "ipc:gc");
        command(console, "ipc:objects");
        command(console, "stop 0");
        assertTrue("the restarted gateway stops", gateway.waitFor(60, TimeUnit.SECONDS));
        String out = Files.readString(second);

        Matcher m = RECEIVED.matcher(out);
        int count = 0;
        int lastPriority = Integer.MAX_VALUE;
        int[] lastIndex = {-1, -1, -1, -1};
        while (m.find()) {
            int priority = Integer.parseInt(m.group(1));
            int index = Integer.parseInt(m.group(2).substring(2));
            assertEquals(out, index % 4, priority);
            assertTrue("highest priority first:\n" + out, priority <= lastPriority);
            assertTrue("first in first out within a priority:\n" + out, index > lastIndex[priority]);
            lastPriority = priority;
            lastIndex[priority] = index;
            count++;
        }
        assertEquals("every confirmed message survived the kill:\n" + out, MESSAGES, count);
        assertTrue("then the queue is empty:\n" + out, out.contains("TIMEOUT"));
        // a process whose maps cannot be read counts as mapping every segment: then gc keeps all
        assertEquals("gc collects what the dead gateway left, where it can prove nobody maps it:\n" + out,
                everyProcessMapsReadable(), out.matches("(?s).*collected:.*scratch.*"));
        assertFalse("no stack traces:\n" + out, out.contains("\tat org."));
        System.out.printf("gateway killed with SIGKILL after %d confirmed sends: %d received after restart, 0 lost%n",
                MESSAGES, count);
    }

    /** Whether this process can read the maps of every process (an undumpable one's it cannot). */
    private static boolean everyProcessMapsReadable() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().matches("\\d+")).allMatch(p -> {
                try {
                    Files.readAllBytes(p.resolve("maps"));
                    return true;
                } catch (NoSuchFileException ended) {
                    return true;
                } catch (IOException unreadable) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    private static Process start(Path dir, Path output) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        return new ProcessBuilder(List.of(java, "-D" + IpcEnvironment.ROOT_PROPERTY + "=" + dir.resolve("ipc"),
                "-Dorg.osgi.service.http.port=" + httpPort, "-D" + GatewayProcess.LOG_LEVEL + "=info", "-jar", System.getProperty("ipc.gateway.jar")))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static void command(OutputStream console, String line) throws IOException {
        console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
    }

    private void awaitCount(Path output, String text, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (Pattern.compile(Pattern.quote(text)).matcher(Files.readString(output)).results().count() < count) {
            assertTrue("the gateway is running:\n" + Files.readString(output), gateway.isAlive());
            if (System.nanoTime() > deadline) {
                throw new AssertionError(count + " x '" + text + "' expected in:\n" + Files.readString(output));
            }
            Thread.sleep(20);
        }
    }
}
