package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.Futex;

/**
 * A child JVM blocked in {@link Semaphore#acquire} on a named semaphore must sleep in the
 * kernel (a futex wait on the semaphore's word) once its wait strategy's budget is spent
 * (block, backoff and adaptive; the child takes the strategy from the semaphore's file), not
 * spin or poll: over a window of a few
 * seconds its waiting thread, and the whole process, use almost no CPU time. A waiter that
 * spins would use a whole core (100%), one that polls with short sleeps several percent and
 * more; a futex sleeper wakes when it is posted, interrupted or closed and otherwise once per
 * {@link org.multios.ipc.core.mapped.SleeperWatch#LONGEST_SLEEP_NANOS}, which costs next to
 * nothing. The bound, 10% of one
 * core, is far above that so that a busy or slow machine cannot fail the test: CPU time, unlike
 * wall-clock time, does not grow when the machine is loaded. Then a post from this process
 * wakes the child, which exits promptly.
 *
 * <p>CPU time is read from {@code /proc}: {@code utime} and {@code stime} (fields 14 and 15 of
 * {@code stat}, in clock ticks) of the waiting thread ({@code /proc/<pid>/task/<tid>/stat},
 * found by its name) and of the whole process ({@code /proc/<pid>/stat}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IdleWaiterCpuTest extends CrossProcessSyncSupport {
    /** How long the CPU use of the blocked child is measured. */
    private static final long WINDOW_MILLIS = 3_000;
    /** Time for the child's start-up work (class loading, compilation) to end before measuring. */
    private static final long SETTLE_MILLIS = 1_000;
    /** The most CPU the blocked child may use, as a fraction of one core. */
    private static final double MAX_CPU_SHARE = 0.10;

    @ParameterizedTest
    @ValueSource(strings = { "block", "backoff", "adaptive" })
    void aChildBlockedInAcquireUsesAlmostNoCpuAndWakesOnAPost(String strategy) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "needs /proc");
        Assumptions.assumeTrue(Futex.isSupported(), "waits block in the kernel only where futexes are available");
        String name = "xp-idle-" + strategy;
        Semaphore sem = sync.createSemaphore(name,
                SemaphoreOptions.of(0).withWaitStrategy(WaitStrategy.parse(strategy)), 0600);
        Process waiter = child("waiter", "acquire", name, Long.toString(TimeUnit.SECONDS.toMillis(WAIT_SECONDS)));
        children.awaitLine(waiter, "waiting");
        await("the child waits on the semaphore", waiter, () -> counter(sem, Counter.WAITS) >= 1);
        Path task = waiterTask(waiter);
        Path process = Path.of("/proc", Long.toString(waiter.pid()));
        Thread.sleep(SETTLE_MILLIS);

        long threadBefore = cpuTicks(task);
        long processBefore = cpuTicks(process);
        long start = System.nanoTime();
        Thread.sleep(WINDOW_MILLIS);
        long threadAfter = cpuTicks(task);
        long processAfter = cpuTicks(process);
        double wallSeconds = (System.nanoTime() - start) / 1e9;

        assertThat(waiter.isAlive()).as("the child still waits; its output:%n%s", children.output(waiter)).isTrue();
        assertThat(children.hasLine(waiter, "acquired")).isFalse();
        double hz = clockTicksPerSecond();
        double threadShare = (threadAfter - threadBefore) / hz / wallSeconds;
        double processShare = (processAfter - processBefore) / hz / wallSeconds;
        String measured = String.format("waiting thread %.1f%%, whole process %.1f%% of one core over %.1f s",
                threadShare * 100, processShare * 100, wallSeconds);
        System.out.println("CPU of a child blocked in acquire (" + strategy + "): " + measured);
        assertThat(threadShare).as("CPU of the blocked thread: " + measured).isLessThan(MAX_CPU_SHARE);
        assertThat(processShare).as("CPU of the blocked process: " + measured).isLessThan(MAX_CPU_SHARE);

        sem.release();
        children.awaitLine(waiter, "acquired");
        children.awaitSuccess(waiter);
        assertThat(sem.value()).isZero();
    }

    /** The {@code /proc} directory of the child's thread that waits, found (bounded) by its name. */
    private Path waiterTask(Process child) throws Exception {
        Path tasks = Path.of("/proc", Long.toString(child.pid()), "task");
        Path[] found = new Path[1];
        await("the child's waiting thread is listed in " + tasks, child, () -> {
            try (Stream<Path> all = Files.list(tasks)) {
                for (Path t : (Iterable<Path>) all::iterator) {
                    String name = readOrEmpty(t.resolve("comm")).strip();
                    if (name.equals(SyncChildMain.WAITER_THREAD)) {
                        found[0] = t;
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        return found[0];
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** utime + stime of a process or thread directory of {@code /proc}, in clock ticks. */
    static long cpuTicks(Path procDir) throws IOException {
        String stat = Files.readString(procDir.resolve("stat"), StandardCharsets.US_ASCII);
        // The name (field 2) is in parentheses and may hold spaces: count fields after its end.
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // rest[0] is field 3 (state), so field n is rest[n - 3].
        return Long.parseLong(rest[14 - 3]) + Long.parseLong(rest[15 - 3]);
    }

    /** The kernel's clock ticks per second for {@code /proc} times ({@code getconf CLK_TCK}; 100 if unknown). */
    private static double clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder(List.of("getconf", "CLK_TCK")).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return 100;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            OptionalLong hz = out.matches("\\d+") ? OptionalLong.of(Long.parseLong(out)) : OptionalLong.empty();
            return hz.orElse(100);
        } catch (IOException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
