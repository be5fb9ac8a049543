package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;

class FutexTest {
    @TempDir
    Path dir;

    private MappedRegion region;

    @BeforeEach
    void map() throws IOException {
        Path file = dir.resolve("word");
        Files.write(file, new byte[4096]);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            region = MappedRegion.map(ch, 4096, true);
        }
    }

    @Test
    void blocksInTheKernelOnLinux() {
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertThat(Futex.isSupported()).isTrue();
        }
    }

    @Test
    @Timeout(10)
    void aWaiterWakesWhenTheWordChangesAndIsWoken() throws Exception {
        CompletableFuture<Integer> waiter = new CompletableFuture<>();
        KernelSleep.awaitAsleep(BlockedCalls.start("futex-test-one", waiter,
                () -> Futex.await(region, 128, 0, TimeUnit.SECONDS.toNanos(30))), -1);
        region.putIntVolatile(128, 7);
        Futex.wake(region, 128, Integer.MAX_VALUE);
        assertThat(waiter.get(8, TimeUnit.SECONDS)).as("woken from its sleep, not timed out or never asleep")
                .isEqualTo(Futex.WOKEN);
    }

    @Test
    @Timeout(10)
    void doesNotSleepWhenTheWordDiffers() {
        region.putIntVolatile(0, 1);
        assertThat(Futex.await(region, 0, 0, TimeUnit.SECONDS.toNanos(5))).isEqualTo(Futex.VALUE_CHANGED);
    }

    @Test
    @Timeout(10)
    void timesOutWhenNobodyWakes() {
        assertThat(Futex.await(region, 0, 0, TimeUnit.MILLISECONDS.toNanos(50))).isEqualTo(Futex.TIMED_OUT);
        assertThat(Futex.await(region, 0, 0, 0)).isEqualTo(Futex.TIMED_OUT);
    }

    @Test
    void wakingWithoutWaitersWakesNobody() {
        assertThat(Futex.wake(region, 0, 1)).isZero();
    }

    @Test
    @Timeout(10)
    void oneSleepWaitsOnSeveralWordsAndWakesOnAnyOfThem() throws Exception {
        MappedRegion[] regions = { region, region, region };
        long[] offsets = { 0, 64, 128 };
        int[] expected = { 0, 0, 0 };
        CompletableFuture<Integer> waiter = new CompletableFuture<>();
        KernelSleep.awaitAsleep(BlockedCalls.start("futex-test-any", waiter, () -> {
            while (region.getIntVolatile(64) == 0) {
                Futex.awaitAny(regions, offsets, expected, TimeUnit.SECONDS.toNanos(5));
            }
            return region.getIntVolatile(64);
        }), 0); // asleep in futex_waitv: the wake below must reach it there
        region.putIntVolatile(64, 3);
        Futex.wake(region, 64, 1);
        assertThat(waiter.get(8, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(Futex.awaitAny(regions, offsets, new int[] { 0, 3, 0 }, TimeUnit.MILLISECONDS.toNanos(30)))
                .isEqualTo(Futex.TIMED_OUT);
    }
}
