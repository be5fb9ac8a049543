package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A console fed command lines for a long time does not grow: 10 000 lines at the gateway's
 * console on standard input, and again over one SSH session, leave no Gogo job behind, and the
 * live heap after a full GC ({@code jcmd GC.class_histogram}, which collects first) grows by
 * less than a bound far below what keeping the lines would take (about 50 KB a line).
 */
public class ConsoleMemoryTest {
    private static final int LINES = 10_000;
    private static final long GROWTH_BOUND = 8L << 20;
    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)", Pattern.MULTILINE);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private GatewayProcess gateway;

    @After
    public void stop() throws Exception {
        if (gateway != null) {
            gateway.stop();
        }
    }

    @Test(timeout = 900_000)
    public void tenThousandLinesAtTheStandardInputConsoleLeaveNothingBehind() throws Exception {
        Path dir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(dir);
        gateway = GatewayProcess.start(dir);
        feed(1_000, "warm-up", gateway::command, gateway::output);
        Histogram before = histogram();

        feed(LINES, "stdin", gateway::command, gateway::output);

        assertBounded(before, histogram());
    }

    @Test(timeout = 900_000)
    public void tenThousandLinesInOneSshSessionLeaveNothingBehind() throws Exception {
        SshClient.assumeInstalled();
        Path dir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(dir);
        SshClient client = SshClient.configure(dir);
        Path key = client.newKey("operator");
        Files.write(dir.resolve("conf/ssh/authorized_keys"), List.of(client.authorized(key, "user=operator,role=admin")));
        gateway = GatewayProcess.start(dir);
        gateway.awaitOutput("SSH console listening on");
        Path output = dir.resolve("session.txt");
        Process session = client.holdSession(key, "operator", ProcessBuilder.Redirect.to(output.toFile()));
        try {
            var in = session.getOutputStream();
            Line toSession = line -> {
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            };
            Output sessionOutput = () -> tail(output);
            feed(1_000, "warm-up", toSession, sessionOutput);
            Histogram before = histogram();
            feed(LINES, "ssh", toSession, sessionOutput);
            assertBounded(before, histogram());
        } finally {
            session.getOutputStream().close();
            if (!session.waitFor(60, TimeUnit.SECONDS)) {
                session.destroyForcibly();
            }
        }
    }

    private interface Line {
        void send(String line) throws IOException;
    }

    private interface Output {
        String read() throws IOException;
    }

    /** Sends the lines, then waits until the console's output shows the last one has run. */
    private void feed(int lines, String label, Line console, Output output) throws Exception {
        for (int i = 0; i < lines; i++) {
            console.send("echo " + label + "-" + i + " ; ipc:limits");
        }
        console.send("ipc:objects " + label + "-done");
        String shown = "unknown object type '" + label + "-done'";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!output.read().contains(shown)) {
            assertTrue("the gateway is running", gateway.process.isAlive());
            assertTrue("no '" + shown + "' in the console's output", System.nanoTime() < deadline);
            Thread.sleep(200);
        }
    }

    /**
     * The last 16 KiB of the session's output, where the answer to the last line shows: the whole
     * file grows to megabytes, and reading all of it five times a second took the test's CPU from
     * the gateway on two shared cores.
     */
    private static String tail(Path file) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            long size = ch.size();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(size, 16 * 1024));
            ch.read(buf, size - buf.capacity());
            return new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertBounded(Histogram before, Histogram after) {
        String jobs = "org.apache.felix.gogo.runtime.CommandSessionImpl$JobImpl";
        long jobsLeft = after.instances.getOrDefault(jobs, 0L);
        System.out.printf("live heap %d -> %d bytes after %d lines; %d Gogo jobs live (before: %d)%n",
                before.bytes, after.bytes, LINES, jobsLeft, before.instances.getOrDefault(jobs, 0L));
        System.out.println("most grown: " + after.growthSince(before));
        assertTrue("finished Gogo jobs are released: " + jobsLeft + " live after " + LINES + " lines", jobsLeft < 10);
        assertTrue("the live heap grew by " + (after.bytes - before.bytes) + " bytes over " + LINES + " lines",
                after.bytes - before.bytes < GROWTH_BOUND);
    }

    private record Histogram(long bytes, Map<String, Long> instances) {
        /** The classes whose instance count grew most since the other histogram, for the report. */
        String growthSince(Histogram before) {
            return instances.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - before.instances.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                    .map(e -> e.getKey() + " +" + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
        }
    }

    /** The gateway's live objects after a full GC, as {@code jcmd GC.class_histogram} counts them. */
    private Histogram histogram() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path out = tmp.newFile().toPath();
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(gateway.process.pid()), "GC.class_histogram")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue("jcmd ends", p.waitFor(120, TimeUnit.SECONDS));
        String text = Files.readString(out);
        assertEquals(text, 0, p.exitValue());
        Matcher total = TOTAL.matcher(text);
        assertTrue(text, total.find());
        Map<String, Long> instances = new TreeMap<>();
        Matcher m = HISTOGRAM_LINE.matcher(text);
        while (m.find()) {
            instances.put(m.group(3), Long.parseLong(m.group(1)));
        }
        return new Histogram(Long.parseLong(total.group(2)), instances);
    }
}
