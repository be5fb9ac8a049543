package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.pipe.Pipe;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeWriter;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.spi.RecordingCaller;

/**
 * Every wait strategy on both kinds of pipe, and every way a wait ends: bytes or room that come
 * after the budget ran out (the waiter sleeps in the kernel and must be woken), bytes that come
 * while it spins, interrupt, timeout, closing its end, revoking its grant. Named pipes also
 * keep their FIFO through an interrupt and leave no descriptor behind.
 */
@Timeout(60)
class PipeWaitStrategyTest extends PipeTestSupport {
    private final RecordingCaller owner = RecordingCaller.osUser(1);

    static Stream<WaitStrategy> strategies() {
        return Stream.of(WaitStrategy.BLOCK, WaitStrategy.SPIN, WaitStrategy.backoff(1), WaitStrategy.adaptive(1),
                WaitStrategy.ADAPTIVE);
    }

    /** The strategies that end in the kernel, with budgets that run out at once. */
    static Stream<WaitStrategy> sleeping() {
        return Stream.of(WaitStrategy.BLOCK, WaitStrategy.backoff(1), WaitStrategy.adaptive(1));
    }

    private PipeReader fifoReader(String name, WaitStrategy strategy) {
        pipes(owner).createNamed(name, 0600);
        PipeReader r = pipes(owner).openReader(name);
        r.setWaitStrategy(strategy);
        return r;
    }

    private Pipe unnamed(int capacity, WaitStrategy strategy) {
        Pipe p = pipes(owner).create(capacity, Set.of());
        p.reader().setWaitStrategy(strategy);
        p.writer().setWaitStrategy(strategy);
        return p;
    }

    @Test
    void anEndFollowsThePlatformDefaultUntilItChoosesItsOwn() {
        pipes(owner).createNamed("default", 0600);
        PipeReader r = pipes(owner).openReader("default");
        PipeWriter w = pipes(owner).openWriter("default");
        assertThat(r.waitStrategy()).isEqualTo(WaitStrategy.ADAPTIVE);
        mechanism.defaultWaitStrategy(WaitStrategy.BLOCK);
        assertThat(r.waitStrategy()).isEqualTo(WaitStrategy.BLOCK);
        assertThat(r.info().waitStrategy()).contains(WaitStrategy.BLOCK);
        r.setWaitStrategy(WaitStrategy.SPIN);
        assertThat(r.waitStrategy()).isEqualTo(WaitStrategy.SPIN);
        assertThat(w.waitStrategy()).as("the other end keeps the default").isEqualTo(WaitStrategy.BLOCK);
        r.setWaitStrategy(null);
        assertThat(r.waitStrategy()).isEqualTo(WaitStrategy.BLOCK);
        r.close();
        assertError(() -> r.setWaitStrategy(WaitStrategy.SPIN), IpcError.CLOSED);
    }

    @ParameterizedTest
    @MethodSource("sleeping")
    void aFifoReaderWhoseBudgetRanOutSleepsInPollAndAWriteWakesIt(WaitStrategy strategy) throws Exception {
        PipeReader r = fifoReader("wake", strategy);
        PipeWriter w = pipes(owner).openWriter("wake");
        Future<Integer> read = start("fifo-sleeper", () -> r.read(new byte[64], 0, 64));
        awaitAsleepIn(sleepsIn(strategy, Syscall.READ), "fifo-sleeper");
        w.write(new byte[9], 0, 9);
        assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo(9);
    }

    @ParameterizedTest
    @MethodSource("sleeping")
    void aFifoWriterWhoseBudgetRanOutSleepsInPollAndAReadWakesIt(WaitStrategy strategy) throws Exception {
        pipes(owner).createNamed("room", 0600);
        PipeReader r = pipes(owner).openReader("room");
        PipeWriter w = pipes(owner).openWriter("room");
        w.setWaitStrategy(strategy);
        long filled = fill(w);
        Future<Integer> write = start("fifo-full", () -> {
            w.write(new byte[4096], 0, 4096);
            return 4096;
        });
        awaitAsleepIn(sleepsIn(strategy, Syscall.WRITE), "fifo-full");
        long drained = 0;
        while (drained < filled + 4096) {
            drained += r.read(new byte[65536], 0, 65536, Duration.ofSeconds(20));
        }
        assertThat(write.get(20, TimeUnit.SECONDS)).isEqualTo(4096);
    }

    @ParameterizedTest
    @MethodSource("sleeping")
    void anUnnamedReaderWhoseBudgetRanOutSleepsAndAWriteWakesIt(WaitStrategy strategy) throws Exception {
        Pipe p = unnamed(64, strategy);
        Future<Integer> read = start("unnamed-sleeper", () -> p.reader().read(new byte[64], 0, 64));
        KernelSleep.awaitAsleep(threadNamed("unnamed-sleeper"), -1);
        p.writer().write(new byte[5], 0, 5);
        assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo(5);
    }

    @ParameterizedTest
    @MethodSource("sleeping")
    void anUnnamedWriterWhoseBudgetRanOutSleepsAndAReadWakesIt(WaitStrategy strategy) throws Exception {
        Pipe p = unnamed(16, strategy);
        p.writer().write(new byte[16], 0, 16);
        Future<Integer> write = start("unnamed-full", () -> {
            p.writer().write(new byte[8], 0, 8);
            return 8;
        });
        KernelSleep.awaitAsleep(threadNamed("unnamed-full"), -1);
        assertThat(p.reader().read(new byte[16], 0, 16)).isEqualTo(16);
        assertThat(write.get(20, TimeUnit.SECONDS)).isEqualTo(8);
        assertThat(p.reader().read(new byte[16], 0, 16)).isEqualTo(8);
    }

    @Test
    void spinningReadersNeverSleepAndGetTheBytes() throws Exception {
        PipeReader r = fifoReader("spin", WaitStrategy.SPIN);
        PipeWriter w = pipes(owner).openWriter("spin");
        Pipe p = unnamed(64, WaitStrategy.SPIN);
        Future<Integer> named = start("fifo-spinner", () -> r.read(new byte[64], 0, 64));
        Future<Integer> heap = start("unnamed-spinner", () -> p.reader().read(new byte[64], 0, 64));
        awaitWaits(r, 1);
        awaitWaits(p.reader(), 1);
        assertThat(threadNamed("fifo-spinner").getState()).isEqualTo(Thread.State.RUNNABLE);
        assertThat(threadNamed("unnamed-spinner").getState()).isEqualTo(Thread.State.RUNNABLE);
        w.write(new byte[3], 0, 3);
        p.writer().write(new byte[4], 0, 4);
        assertThat(named.get(20, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(heap.get(20, TimeUnit.SECONDS)).isEqualTo(4);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void anInterruptEndsTheWaitAndTheFifoStaysOpen(WaitStrategy strategy) throws Exception {
        PipeReader r = fifoReader("interrupt", strategy);
        PipeWriter w = pipes(owner).openWriter("interrupt");
        Pipe p = unnamed(64, strategy);
        Future<Integer> named = start("fifo-interrupted", () -> r.read(new byte[64], 0, 64));
        Future<Integer> heap = start("unnamed-interrupted", () -> p.reader().read(new byte[64], 0, 64));
        awaitWaits(r, 1);
        awaitWaits(p.reader(), 1);
        threadNamed("fifo-interrupted").interrupt();
        threadNamed("unnamed-interrupted").interrupt();
        assertFails(named, IpcError.INTERRUPTED);
        assertFails(heap, IpcError.INTERRUPTED);
        w.write(new byte[6], 0, 6);
        assertThat(r.read(new byte[64], 0, 64, Duration.ofSeconds(20))).as("an interrupt closes no FIFO").isEqualTo(6);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aTimeoutEndsTheWait(WaitStrategy strategy) {
        PipeReader r = fifoReader("timeout", strategy);
        PipeWriter w = pipes(owner).openWriter("timeout");
        w.setWaitStrategy(strategy);
        Pipe p = unnamed(8, strategy);
        assertError(() -> r.read(new byte[8], 0, 8, Duration.ofMillis(20)), IpcError.TIMEOUT);
        assertError(() -> p.reader().read(new byte[8], 0, 8, Duration.ofMillis(20)), IpcError.TIMEOUT);
        fill(w);
        assertError(() -> w.write(new byte[4096], 0, 4096, Duration.ofMillis(20)), IpcError.TIMEOUT);
        p.writer().write(new byte[8], 0, 8);
        assertError(() -> p.writer().write(new byte[1], 0, 1, Duration.ofMillis(20)), IpcError.TIMEOUT);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void closingTheEndEndsItsWaitWithClosed(WaitStrategy strategy) throws Exception {
        PipeReader r = fifoReader("closed", strategy);
        pipes(owner).openWriter("closed");
        Pipe p = unnamed(64, strategy);
        Future<Integer> named = start("fifo-closed", () -> r.read(new byte[64], 0, 64));
        Future<Integer> heap = start("unnamed-closed", () -> p.reader().read(new byte[64], 0, 64));
        awaitWaits(r, 1);
        awaitWaits(p.reader(), 1);
        r.close();
        p.reader().close();
        assertFails(named, IpcError.CLOSED);
        assertFails(heap, IpcError.CLOSED);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void revokingTheGrantEndsAFifoWaitWithPermissionDenied(WaitStrategy strategy) throws Exception {
        PipeReader r = fifoReader("revoked", strategy);
        pipes(owner).openWriter("revoked");
        Pipe p = unnamed(64, strategy);
        Future<Integer> named = start("fifo-revoked", () -> r.read(new byte[64], 0, 64));
        Future<Integer> heap = start("unnamed-revoked", () -> p.reader().read(new byte[64], 0, 64));
        awaitWaits(r, 1);
        awaitWaits(p.reader(), 1);
        owner.revokeAll();
        assertFails(named, IpcError.PERMISSION_DENIED);
        assertFails(heap, IpcError.PERMISSION_DENIED);
    }

    @Test
    void endsOfNamedPipesLeaveNoDescriptorBehind() throws Exception {
        pipes(owner).createNamed("fds", 0600);
        pipes(owner).openReader("fds").close(); // loads what the first open loads
        List<String> before = descriptors();
        for (int i = 0; i < 20; i++) {
            PipeReader r = pipes(owner).openReader("fds");
            PipeWriter w = pipes(owner).openWriter("fds");
            w.write(new byte[] { (byte) i }, 0, 1);
            assertThat(r.read(new byte[4], 0, 4)).isEqualTo(1);
            w.close();
            r.close();
        }
        assertThat(descriptors()).as("descriptors after 20 readers and writers came and went")
                .hasSameSizeAs(before).noneMatch(link -> link.contains("memfd:"));
    }

    /**
     * Where a FIFO end whose other side it has seen sleeps in a blocking call: the kernel's own
     * read or write for a wait that sleeps at once, else {@code poll}.
     */
    private static Syscall sleepsIn(WaitStrategy strategy, Syscall transfer) {
        return PipeWait.sleepsAtOnce(strategy, true) ? transfer : Syscall.POLL;
    }

    private static void awaitWaits(PipeReader r, long waits) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (r.statistics().get(org.multios.ipc.Counter.WAITS) < waits) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the read did not start to wait within 20 s");
            }
            Thread.sleep(1);
        }
    }

    private static List<String> descriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    return "";
                }
            }).filter(link -> !link.isEmpty()).toList();
        }
    }
}
