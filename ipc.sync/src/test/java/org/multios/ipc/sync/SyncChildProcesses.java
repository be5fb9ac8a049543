package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The child JVMs a test starts, each running {@link SyncChildMain} with its standard output
 * and error in a log file: destroyed by {@link #destroyAll()} (called from {@code @AfterEach}),
 * their logs printed when the test fails. Register with {@code @RegisterExtension}.
 */
final class SyncChildProcesses implements TestWatcher {
    /** How long to wait for a child to do what it reports, or to end after it was told to or destroyed. */
    static final long WAIT_SECONDS = 60;

    private final List<Process> processes = new ArrayList<>();
    private final Map<Long, Path> logFiles = new LinkedHashMap<>();
    private final Map<String, Path> labels = new LinkedHashMap<>();
    private final Map<String, String> logs = new LinkedHashMap<>();

    /** A child JVM running {@link SyncChildMain} with the given IPC root and arguments. */
    Process start(String label, Path ipcRoot, Path logDir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(childClassPath());
        command.add("-Dorg.multios.ipc.root=" + ipcRoot);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add(SyncChildMain.class.getName());
        command.addAll(List.of(args));
        Path log = logDir.resolve(label + "-" + processes.size() + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        logFiles.put(p.pid(), log);
        labels.put(label + " (pid " + p.pid() + ")", log);
        return p;
    }

    /**
     * The class path of a child JVM: the system property {@code ipc.child.classpath} (the
     * module's classes and runtime dependencies, set by the build) and the test classes, where
     * {@link SyncChildMain} lives.
     */
    static String childClassPath() {
        String base = System.getProperty("ipc.child.classpath");
        assertThat(base).as("system property ipc.child.classpath (set by the build)").isNotBlank();
        try {
            String tests = Path.of(SyncChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
            return base + File.pathSeparator + tests;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the process wrote so far. */
    String output(Process p) {
        Path log = logFiles.get(p.pid());
        return log == null ? "" : read(log);
    }

    /** Whether the process wrote the line so far. */
    boolean hasLine(Process p, String line) {
        return output(p).lines().anyMatch(line::equals);
    }

    /**
     * Waits (bounded) until the process wrote the line; fails if it ends first or the time
     * passes, with its output.
     */
    void awaitLine(Process p, String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!hasLine(p, line)) {
            if (!p.isAlive() && !hasLine(p, line)) {
                throw new AssertionError("child " + p.pid() + " ended with " + p.exitValue() + " before it printed '"
                        + line + "'; its output:\n" + output(p));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("child " + p.pid() + " did not print '" + line + "' within " + WAIT_SECONDS
                        + " s; its output:\n" + output(p));
            }
            Thread.sleep(5);
        }
    }

    /** Waits (bounded) for the process to end and asserts that it exited with 0. */
    void awaitSuccess(Process p) throws InterruptedException {
        boolean ended = p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(ended).as("child %d ended within %d s; its output:%n%s", p.pid(), WAIT_SECONDS, output(p)).isTrue();
        assertThat(p.exitValue()).as("exit code of child %d; its output:%n%s", p.pid(), output(p)).isZero();
    }

    /** Kills the process with SIGKILL and waits (bounded) until it is gone. */
    void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("child %d ended after SIGKILL", p.pid()).isTrue();
    }

    /** Destroys every process still running and keeps their logs for a failure report. */
    void destroyAll() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        processes.clear();
        labels.forEach((label, file) -> logs.put(label, read(file)));
        labels.clear();
        logFiles.clear();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        labels.forEach((label, file) -> logs.put(label, read(file)));
        logs.forEach((label, text) -> System.err.printf("----- output of %s in %s -----%n%s%n----- end of %s -----%n",
                label, context.getDisplayName(), text, label));
        logs.clear();
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        logs.clear();
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        logs.clear();
    }
}
