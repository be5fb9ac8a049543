package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;

/**
 * A {@link SleeperWatch} wakes a thread asleep for an hour once the
 * thread is interrupted, once its stop condition holds, and when the watch closes; a sleeper with
 * neither stays asleep through the watch's checks (the word is never woken for it); with nobody
 * asleep its thread parks. Sweeps run once a check for each word of a file, however many
 * mappings of it sleepers sleep on.
 */
@Timeout(60)
class SleeperWatchTest {
    private static final long WORD = 64;
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    @TempDir
    Path dir;

    private MappedRegion region;
    private final SleeperWatch watch = new SleeperWatch("test");

    @BeforeEach
    void map() throws IOException {
        Assumptions.assumeTrue(Futex.isSupported(), "sleeps in the kernel only where futexes are available");
        Path file = dir.resolve("word");
        Files.write(file, new byte[4096]);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            region = MappedRegion.map(ch, 4096, true);
        }
    }

    @AfterEach
    void close() {
        watch.close();
    }

    @Test
    void anInterruptedSleeperIsWoken() throws Exception {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread sleeper = BlockedCalls.start("watch-interrupt", result,
                () -> watch.await(region, WORD, 0, HOUR, () -> false));
        KernelSleep.awaitAsleep(sleeper, region.address(WORD));

        sleeper.interrupt();
        assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo(Futex.WOKEN);
        assertThat(watch.sleeping()).isZero();
    }

    @Test
    void aSleeperWhoseStopConditionHoldsIsWokenAndOneWithoutStaysAsleep() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> stopped = new CompletableFuture<>();
        CompletableFuture<Integer> other = new CompletableFuture<>();
        Thread first = BlockedCalls.start("watch-stop", stopped,
                () -> watch.await(region, WORD, 0, HOUR, stop::get));
        Thread second = BlockedCalls.start("watch-other", other,
                () -> watch.await(region, WORD + 4, 0, HOUR, () -> false));
        KernelSleep.awaitAsleep(first, region.address(WORD));
        KernelSleep.awaitAsleep(second, region.address(WORD + 4));
        long checks = watch.checks();
        while (watch.checks() < checks + 2) { // two whole checks with both asleep
            Thread.onSpinWait();
            Thread.sleep(1);
        }
        assertThat(stopped).isNotDone();
        assertThat(other).isNotDone();

        stop.set(true);
        assertThat(stopped.get(20, TimeUnit.SECONDS)).isEqualTo(Futex.WOKEN);
        assertThat(other).as("the other word was not woken").isNotDone();
        KernelSleep.awaitAsleep(second, region.address(WORD + 4));

        watch.close();
        assertThat(other.get(20, TimeUnit.SECONDS)).as("closing the watch wakes who still sleeps")
                .isEqualTo(Futex.WOKEN);
    }

    @Test
    void sleepersOnOneWordOfAFileThroughTwoMappingsShareOneSweepACheck() throws Exception {
        Path file = dir.resolve("ring");
        Files.write(file, new byte[4096]);
        MappedRegion first = named(file);
        MappedRegion second = named(file);
        AtomicInteger firstSweeps = new AtomicInteger();
        AtomicInteger secondSweeps = new AtomicInteger();
        AtomicInteger otherSweeps = new AtomicInteger();
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        CompletableFuture<Integer> c = new CompletableFuture<>();
        Thread ta = BlockedCalls.start("watch-sweep-a", a,
                () -> watch.awaitSweeping(first, WORD, 0, HOUR, firstSweeps::incrementAndGet));
        Thread tb = BlockedCalls.start("watch-sweep-b", b,
                () -> watch.awaitSweeping(second, WORD, 0, HOUR, secondSweeps::incrementAndGet));
        Thread tc = BlockedCalls.start("watch-sweep-other", c,
                () -> watch.awaitSweeping(second, WORD + 4, 0, HOUR, otherSweeps::incrementAndGet));
        KernelSleep.awaitAsleep(ta, first.address(WORD));
        KernelSleep.awaitAsleep(tb, second.address(WORD));
        KernelSleep.awaitAsleep(tc, second.address(WORD + 4));
        long checks = watch.checks();
        int shared = firstSweeps.get() + secondSweeps.get();
        int other = otherSweeps.get();
        while (watch.checks() < checks + 6) {
            Thread.sleep(1);
        }
        long passed = watch.checks() - checks;
        // a check may be under way at either end: one sweep more or less
        assertThat(firstSweeps.get() + secondSweeps.get() - shared).as("sweeps of the shared word in %d checks", passed)
                .isBetween((int) passed - 1, (int) passed + 1);
        assertThat(otherSweeps.get() - other).as("sweeps of another word in %d checks", passed)
                .isBetween((int) passed - 1, (int) passed + 1);
        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        assertThat(c).isNotDone();
    }

    @Test
    void aSweepThatThrowsWakesItsSleeper() throws Exception {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread sleeper = BlockedCalls.start("watch-sweep-fault", result, () -> watch.awaitSweeping(region, WORD, 0,
                HOUR, () -> {
                    throw new InternalError("a fault occurred in a recent unsafe memory access operation");
                }));
        KernelSleep.awaitAsleep(sleeper, region.address(WORD));
        assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo(Futex.WOKEN);
    }

    /** A mapping of {@code file} that knows its name and inode, as the object directories' do. */
    private static MappedRegion named(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedRegion r = MappedRegion.map(ch, 4096, true);
            r.origin(file, ((Number) Files.getAttribute(file, "unix:ino")).longValue());
            return r;
        }
    }

    @Test
    void withNobodyAsleepTheWatchParks() throws Exception {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread sleeper = BlockedCalls.start("watch-park", result,
                () -> watch.await(region, WORD, 0, HOUR, () -> false));
        KernelSleep.awaitAsleep(sleeper, region.address(WORD));
        region.putIntVolatile(WORD, 1);
        Futex.wake(region, WORD, 1);
        assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo(Futex.WOKEN);

        Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("ipc-sleepers-test")).findFirst().orElseThrow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        // parked without a timeout (WAITING), not between checks (TIMED_WAITING)
        while (thread.getState() != Thread.State.WAITING) {
            assertThat(System.nanoTime() - deadline).as("the watch still checks with nobody asleep").isNegative();
            Thread.sleep(10);
        }
        assertThat(watch.sleeping()).isZero();
    }
}
