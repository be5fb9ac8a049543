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

    /**
     * How long set-up bounces messages off the child before the trial, so that the first
     * measured round trips do not meet a child JVM still busy starting up (they would in
     * one-iteration runs).
     */
    public static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

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

    /** One look, without waiting, for the child's first sign of life. */
    @FunctionalInterface
    public interface Sign<T, E extends Exception> {
        /** What the child sent or opened, or null while there is nothing yet. */
        T look() throws E;
    }

    /**
     * Waits for the child's first signal on an IPC object (it sends one when it has opened what
     * it echoes on), polling so that a child that dies or hangs fails the trial with its output
     * within {@link #START_NANOS}.
     *
     * @param what what the child does before it signals, for the failure ("open the queues")
     */
    public void awaitReady(String what, ReadyPoll poll) {
        awaitSign(what, () -> {
            try {
                poll.await(READY_POLL);
                return Boolean.TRUE;
            } catch (IpcException e) {
                if (e.error() != IpcError.TIMEOUT) {
                    throw e;
                }
                return null;
            }
        });
    }

    /**
     * Looks for the child's first sign of life every millisecond until there is one, failing the
     * trial with the child's output if it ends first or nothing comes within {@link #START_NANOS}.
     *
     * @param what what the child does before the sign, for the failure ("connect")
     * @return the sign
     */
    public <T, E extends Exception> T awaitSign(String what, Sign<T, E> sign) throws E {
        long deadline = System.nanoTime() + START_NANOS;
        while (true) {
            T found = sign.look();
            if (found != null) {
                return found;
            }
            if (!isAlive()) {
                throw failure("ended before it could " + what);
            }
            if (System.nanoTime() - deadline > 0) {
                throw failure("did not " + what + " within " + TimeUnit.NANOSECONDS.toSeconds(START_NANOS) + " s");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while waiting for it to " + what);
            }
        }
    }

    /** Runs {@code roundTrip} for {@link #SETTLE_NANOS}, before a trial's measurements. */
    public static void settle(Runnable roundTrip) {
        for (long end = System.nanoTime() + SETTLE_NANOS; System.nanoTime() - end < 0;) {
            roundTrip.run();
        }
    }

    /** The exception for a reply that did not come within {@code bound}, with the child's output. */
    public IllegalStateException noReply(Duration bound, Exception cause) {
        IllegalStateException x = failure("no reply within " + bound.toSeconds() + " s");
        x.addSuppressed(cause);
        return x;
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
