package org.multios.ipc.spi;

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
 * The other processes a test starts (the one launcher of child JVMs for every module's tests),
 * each with its standard output and error in a log file: destroyed by {@link #destroyAll()}
 * (called from {@code @AfterEach}), their logs printed when the test fails. Register with
 * {@code @RegisterExtension}. A module's build sets {@code ipc.child.classpath} (its classes and
 * runtime dependencies); the child also gets the test classes where its main class lives and
 * {@link ChildMain}, which its main method calls.
 */
public final class ChildProcesses implements TestWatcher {
    /** How long to wait for a child to do what it reports, or to end after it was told to or destroyed. */
    public static final long WAIT_SECONDS = 60;

    private final Class<?> main;
    private final List<String> jvmOptions;

    private final List<Process> processes = new ArrayList<>();
    private final Map<String, String> logs = new LinkedHashMap<>();
    private final Map<String, Path> logFiles = new LinkedHashMap<>();

    /** Children whose JVMs run {@code main}, a class of these tests, with these JVM options. */
    public ChildProcesses(Class<?> main, String... jvmOptions) {
        this.main = main;
        this.jvmOptions = List.of(jvmOptions);
    }

    /** Starts {@code command} with its output and error going to {@code log}. */
    public Process start(String label, List<String> command, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        processes.add(p);
        logFiles.put(label + " (pid " + p.pid() + ")", log);
        return p;
    }

    /** A child JVM running the main class with the given IPC root and arguments. */
    public Process startJava(String label, Path ipcRoot, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(childClassPath(main));
        command.add("-Dorg.multios.ipc.root=" + ipcRoot);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add(main.getName());
        command.addAll(List.of(args));
        return start(label, command, log);
    }

    /**
     * The class path of a child JVM: the system property {@code ipc.child.classpath} (the
     * module's classes and runtime dependencies), the test classes, where {@code main} lives, and
     * the place of {@link ChildMain}, which wraps the child's main method.
     */
    public static String childClassPath(Class<?> main) {
        String base = System.getProperty("ipc.child.classpath");
        assertThat(base).as("system property ipc.child.classpath (set by the build)").isNotBlank();
        String testClasses = codeSource(main);
        String childMain = codeSource(ChildMain.class);
        return base + File.pathSeparator + testClasses
                + (childMain.equals(testClasses) ? "" : File.pathSeparator + childMain);
    }

    private static String codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (bounded) for the process to end and returns its exit code; fails on timeout. */
    public int awaitExit(Process p) throws InterruptedException {
        boolean ended = p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(ended).as("process %d ended within %d s; its output:%n%s", p.pid(), WAIT_SECONDS, output(p))
                .isTrue();
        return p.exitValue();
    }

    /** What the process wrote so far. */
    public String output(Process p) {
        for (Map.Entry<String, Path> e : logFiles.entrySet()) {
            if (e.getKey().contains("(pid " + p.pid() + ")")) {
                return read(e.getValue());
            }
        }
        return "";
    }

    /** Whether the process wrote the line so far. */
    public boolean hasLine(Process p, String line) {
        return output(p).lines().anyMatch(line::equals);
    }

    /**
     * Waits (bounded) until the process wrote the line; fails if it ends first or the time
     * passes, with its output.
     */
    public void awaitLine(Process p, String line) throws InterruptedException {
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
    public void awaitSuccess(Process p) throws InterruptedException {
        assertThat(awaitExit(p)).as("exit code of child %d; its output:%n%s", p.pid(), output(p)).isZero();
    }

    /** Kills the process with SIGKILL and waits (bounded) until it is gone. */
    public void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("child %d ended after SIGKILL", p.pid()).isTrue();
    }

    /** Destroys every process still running and keeps their logs for a failure report. */
    public void destroyAll() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        processes.clear();
        logFiles.forEach((label, file) -> logs.put(label, read(file)));
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
        logFiles.forEach((label, file) -> logs.put(label, read(file)));
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
