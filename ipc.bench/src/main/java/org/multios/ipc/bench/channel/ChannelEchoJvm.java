package org.multios.ipc.bench.channel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link ChannelEchoChild} on this JVM's class path, its output going to a
 * log file that failures quote. Closing its standard input ends it; {@link #close()} does so
 * and escalates to destroying it if it does not end within a few seconds.
 */
final class ChannelEchoJvm implements AutoCloseable {
    /** How long a child may take to come up (JVM start, class loading, opening objects). */
    static final long START_NANOS = TimeUnit.SECONDS.toNanos(30);

    /**
     * Aeron's Agrona 2 reaches {@code jdk.internal.misc.Unsafe}, which Java 17 keeps closed;
     * given to the benchmark's forks and to every child.
     */
    static final String OPEN_INTERNAL_MISC = "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED";

    private final Process process;
    private final Path log;

    private ChannelEchoJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code ChannelEchoChild} with the arguments, logging to {@code log}. */
    static ChannelEchoJvm start(Path log, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms32m", "-Xmx64m", "-XX:+UseSerialGC", OPEN_INTERNAL_MISC, "-cp",
                System.getProperty("java.class.path"), ChannelEchoChild.class.getName()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new ChannelEchoJvm(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the echo child JVM", e);
        }
    }

    /** Whether the child still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** An exception describing why the child is of no use, with its exit status and output. */
    IllegalStateException failure(String what) {
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
