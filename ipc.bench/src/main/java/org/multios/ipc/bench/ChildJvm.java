package org.multios.ipc.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/**
 * A child JVM running a main class of this module on this JVM's class path (the echo side of
 * the cross-process benchmarks), its output going to a log file that failures quote. Closing its
 * standard input ends it; {@link #close()} does so and escalates to destroying it if it does not
 * end within a few seconds.
 */
public final class ChildJvm implements AutoCloseable {
    /** How long a child may take to come up (JVM start, class loading, opening objects). */
    public static final long START_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Duration READY_POLL = Duration.ofMillis(100);

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code main} with the arguments, logging to {@code log}.
     *
     * @param jvmOptions extra options of the child JVM (before the class path)
     */
    public static ChildJvm start(Class<?> main, List<String> jvmOptions, Path log, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms32m", "-Xmx64m", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new ChildJvm(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the child JVM " + main.getName(), e);
        }
    }

    /** A wait for the child's first signal, bounded by its timeout. */
    @FunctionalInterface
    public interface ReadyPoll {
        /**
         * Waits at most {@code timeout} for the signal.
         *
         * @throws IpcException TIMEOUT if it did not come in time
         */
        void await(Duration timeout);
    }

    /**
     * Waits for the child's first signal (it sends one when it has opened {@code what}), polling
     * so that a child that dies or hangs fails the trial with its output within
     * {@link #START_NANOS}.
     */
    public void awaitReady(String what, ReadyPoll poll) {
        long deadline = System.nanoTime() + START_NANOS;
        while (true) {
            try {
                poll.await(READY_POLL);
                return;
            } catch (IpcException e) {
                if (e.error() != IpcError.TIMEOUT) {
                    throw e;
                }
            }
            if (!isAlive()) {
                throw failure("ended before opening " + what);
            }
            if (System.nanoTime() - deadline > 0) {
                throw failure("did not open " + what + " within " + TimeUnit.NANOSECONDS.toSeconds(START_NANOS) + " s");
            }
        }
    }

    /** Whether the child still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** An exception describing why the child is of no use, with its exit status and output. */
    public IllegalStateException failure(String what) {
        String status = process.isAlive() ? "still running" : "exited with " + process.exitValue();
        String output;
        try {
            output = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            output = "(output unreadable: " + e + ")";
        }
        if (output.length() > 4000) {
            output = "..." + output.substring(output.length() - 4000);
        }
        return new IllegalStateException("echo child JVM (pid " + process.pid() + ", " + status + "): " + what
                + (output.isBlank() ? "; no output" : "; output:\n" + output));
    }

    /** Ends the child: closes its input, then destroys it if needed; waits at most about 15 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the child is going anyway
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
