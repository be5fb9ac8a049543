package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.multios.ipc.IpcContext;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * A Python client written from the wire layouts ({@code python/bridge_chaos.py}) sends and
 * receives through a TCP bridge while its connections are reset, closed with BYE in the middle
 * of pipelined requests, or left to the bridge's idle timeout. Every message carries a sequence
 * number and a CRC. All its connections belong to one session of acknowledged receives, which
 * each new connection resumes. The delivery contract allows no duplicate, no corrupted message,
 * no request left unanswered after a BYE, and no loss of a message whose SEND was answered OK,
 * not even through a RECEIVE whose reply was discarded by a reset (its message stayed in the
 * session's custody and went back to the queue when the session was resumed).
 *
 * <p>{@code -Dchaos.seed=N} repeats a run; {@code -Dchaos.seconds=S} (default 20) runs longer.
 */
class BridgeChaosTest extends NetTestSupport {
    private static final int IDLE_MS = 300;

    @Test
    @Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
    void messagesThroughABridgeWhoseConnectionsAreCutAreNeitherDuplicatedNorLost() throws Exception {
        Assumptions.assumeTrue(python3(), "python3 is not on the PATH");
        long seed = Long.getLong("chaos.seed", ThreadLocalRandom.current().nextLong(1L << 31));
        int seconds = Integer.getInteger("chaos.seconds", 20);
        System.out.println("BridgeChaosTest seed " + seed + " (-Dchaos.seed=" + seed + " repeats it)");
        Path script = tempDir.resolve("bridge_chaos.py");
        try (InputStream in = BridgeChaosTest.class.getResourceAsStream("/python/bridge_chaos.py")) {
            Files.copy(in, script);
        }
        IpcContext ctx = context();
        MessageQueue local = ctx.service(MessageQueueService.class).create("chaos",
                QueueOptions.of(256, 256).withMode(0666));
        ListenOptions options = ListenOptions.DEFAULTS.withRequireAuthentication(false)
                .withIdleTimeout(Duration.ofMillis(IDLE_MS));
        try (Bridge bridge = ctx.service(NetService.class).exportQueue("chaos", Endpoint.tcp(0), options)) {
            Path err = tempDir.resolve("chaos-stderr.txt");
            Process p = new ProcessBuilder("python3", script.toString(), "tcp:" + bridge.endpoint().host() + ":"
                    + bridge.endpoint().port(), "chaos", Long.toString(seed), Integer.toString(seconds),
                    Integer.toString(IDLE_MS)).redirectError(err.toFile()).start();
            String line;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                line = out.readLine();
                assertThat(p.waitFor(seconds + 60L, TimeUnit.SECONDS)).as("the script ended").isTrue();
            } finally {
                p.destroyForcibly();
            }
            assertThat(line).as("the script's summary; stderr: %s", Files.readString(err)).isNotNull();
            System.out.println("BridgeChaosTest " + line);
            assertThat(p.exitValue()).as("exit status; stderr: %s", Files.readString(err)).isZero();
            Map<String, Long> figures = figures(line);
            assertThat(figures.get("rst") + figures.get("bye") + figures.get("idle")).as("cuts").isPositive();
            assertThat(figures.get("duplicates")).as(line).isZero();
            assertThat(figures.get("crc-errors")).as(line).isZero();
            assertThat(figures.get("unanswered-after-bye")).as(line).isZero();
            assertThat(figures.get("lost")).as(line).isZero();
            assertThat(figures.get("resumes")).as("connections that resumed the session").isPositive();
            assertThat(local.attributes().currentMessages()).as("left in the queue after the drain").isZero();
        }
    }

    /** "name value name value ..." as a map. */
    private static Map<String, Long> figures(String line) {
        String[] words = line.trim().split(" ");
        Map<String, Long> figures = new HashMap<>();
        for (int i = 0; i + 1 < words.length; i += 2) {
            figures.put(words[i], Long.parseLong(words[i + 1]));
        }
        return figures;
    }

    private static boolean python3() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
