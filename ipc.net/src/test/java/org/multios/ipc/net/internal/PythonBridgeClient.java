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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.Endpoint;

/**
 * Runs {@code python/bridge_client.py} (a bridge client written from FrameDescriptor,
 * HandshakeDescriptor and BridgeDescriptor alone) in child processes and reads their output;
 * {@link #close} kills what is left. Skips the test when python3 is missing.
 */
final class PythonBridgeClient implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Path dir;
    private final Path root;
    private final Path script;
    private final List<Run> runs = new ArrayList<>();

    /** One run of the script: its process and its output, line by line. */
    record Run(Process process, BufferedReader out, Path stderr) {
    }

    PythonBridgeClient(Path dir, Path root) throws IOException, InterruptedException {
        Assumptions.assumeTrue(pythonAvailable(), "python3 is not on the PATH");
        this.dir = dir;
        this.root = root;
        this.script = dir.resolve("bridge_client.py");
        try (InputStream in = PythonBridgeClient.class.getResourceAsStream("/python/bridge_client.py")) {
            assertThat(in).as("test resource python/bridge_client.py").isNotNull();
            Files.copy(in, script);
        }
    }

    /** Starts the script against the bridge with the given mode and arguments. */
    Run start(Bridge bridge, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", script.toString(), address(bridge)));
        command.addAll(List.of(args));
        Path err = dir.resolve("stderr-" + runs.size() + ".txt");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        Run run = new Run(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)), err);
        runs.add(run);
        return run;
    }

    /** The script's form of the bridge's address. */
    private String address(Bridge bridge) {
        Endpoint e = bridge.endpoint();
        return switch (e.transport()) {
            case UNIX -> "unix:" + root.resolve("endpoint").resolve(e.path());
            case TCP -> "tcp:" + e.host() + ":" + e.port();
            default -> throw new IllegalStateException("no script address for " + e);
        };
    }

    /** The run's next stdout line, waiting at most 30 s; fails if the script ends first. */
    static String readLine(Run run) throws Exception {
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return run.out().readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(line).as("the script ended without output; exit %s, stderr: %s",
                run.process().isAlive() ? "(running)" : run.process().exitValue(), stderr(run)).isNotNull();
        return line;
    }

    /** Writes one command line to the run's stdin and returns the line that answers it. */
    static String command(Run run, String command) throws Exception {
        run.process().getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        run.process().getOutputStream().flush();
        return readLine(run);
    }

    /** Every stdout line until the script ends, which it must do with status 0. */
    static List<String> readAll(Run run) throws Exception {
        List<String> lines = CompletableFuture.supplyAsync(() -> run.out().lines().toList())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertExitsWithZero(run);
        return lines;
    }

    static void assertExitsWithZero(Run run) throws Exception {
        assertThat(run.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the script ended in time").isTrue();
        assertThat(run.process().exitValue()).as("exit status; stderr: %s", stderr(run)).isZero();
    }

    static String stderr(Run run) {
        try {
            return Files.readString(run.stderr());
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static boolean pythonAvailable() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        runs.forEach(r -> r.process().destroyForcibly());
    }
}
