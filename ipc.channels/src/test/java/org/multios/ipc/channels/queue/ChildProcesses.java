package org.multios.ipc.channels.queue;

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
 * The other processes a test starts, each with its standard output and error in a log file:
 * destroyed by {@link #destroyAll()} (called from {@code @AfterEach}), their logs printed when
 * the test fails. Register with {@code @RegisterExtension}.
 */
public final class ChildProcesses implements TestWatcher {
    /** How long to wait for a child to end after it was told to, or destroyed. */
    static final long EXIT_WAIT_SECONDS = 60;

    private final Class<?> main;

    private final List<Process> processes = new ArrayList<>();
    private final Map<String, String> logs = new LinkedHashMap<>();
    private final Map<String, Path> logFiles = new LinkedHashMap<>();

    /** Children whose JVMs run {@code main}, a class of these tests. */
    public ChildProcesses(Class<?> main) {
        this.main = main;
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
     * module's classes and runtime dependencies) and the test classes, where {@code main} lives.
     */
    static String childClassPath(Class<?> main) {
        String base = System.getProperty("ipc.child.classpath");
        assertThat(base).as("system property ipc.child.classpath (set by the build)").isNotBlank();
        String testClasses = codeSource(main);
        return base + File.pathSeparator + testClasses;
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
        boolean ended = p.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(ended).as("process %d ended within %d s; its output:%n%s", p.pid(), EXIT_WAIT_SECONDS, output(p))
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

    /** Destroys every process still running and keeps their logs for a failure report. */
    public void destroyAll() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            p.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
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
