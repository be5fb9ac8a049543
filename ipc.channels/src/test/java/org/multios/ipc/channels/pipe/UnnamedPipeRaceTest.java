package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;

/**
 * The windows of an unnamed pipe's split locks. A byte (room) that comes after a waiter's last
 * look and before it announces itself as a sleeper must wake it: the waiter waits without a
 * deadline, so no timed slice rescues a lost wake-up. A transfer that passed its grant check
 * ends before a revocation of the grant returns, and none moves a byte after it.
 */
@Timeout(60)
class UnnamedPipeRaceTest extends PipeTestSupport {
    private final RecordingCaller owner = RecordingCaller.osUser(1);
    private final StepPause pause = new StepPause();
    private final PipeSession session = new PipeSession(owner, pause::accept);
    private final UnnamedPipe pipe = new UnnamedPipe(1, 16, owner.process(), () -> { });
    private final Grant readGrant = new Grant(Rights.READ);
    private final Grant writeGrant = new Grant(Rights.WRITE);
    private final UnnamedReader reader = session.track(new UnnamedReader(session, pipe, readGrant, false));
    private final UnnamedWriter writer = session.track(new UnnamedWriter(session, pipe, writeGrant, false));

    /** The strategies whose waits end parked, with budgets that run out at once. */
    static Stream<WaitStrategy> sleeping() {
        return Stream.of(WaitStrategy.BLOCK, WaitStrategy.backoff(1), WaitStrategy.adaptive(1));
    }

    @AfterEach
    void closeSession() {
        session.close();
    }

    @ParameterizedTest
    @MethodSource("sleeping")
    void aWriteBetweenTheReadersLastLookAndItsAnnouncementWakesIt(WaitStrategy strategy) throws Exception {
        reader.setWaitStrategy(strategy);
        pause.arm(PipeHook.SLEEPING);
        Future<Integer> read = start("window-reader", () -> reader.read(new byte[8], 0, 8));
        pause.awaitReached();

        writer.write(new byte[] { 1, 2, 3 }, 0, 3); // no sleeper announced: wakes nobody
        pause.resume();

        assertThat(read.get(20, TimeUnit.SECONDS)).as("the reader looked again after announcing itself").isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("sleeping")
    void aReadBetweenTheWritersLastLookAndItsAnnouncementWakesIt(WaitStrategy strategy) throws Exception {
        writer.setWaitStrategy(strategy);
        writer.write(new byte[16], 0, 16);
        pause.arm(PipeHook.SLEEPING);
        Future<Integer> write = start("window-writer", () -> {
            writer.write(new byte[8], 0, 8);
            return 8;
        });
        pause.awaitReached();

        assertThat(reader.read(new byte[16], 0, 16)).isEqualTo(16); // no sleeper announced: wakes nobody
        pause.resume();

        assertThat(write.get(20, TimeUnit.SECONDS)).as("the writer looked again after announcing itself").isEqualTo(8);
        assertThat(reader.read(new byte[16], 0, 16)).isEqualTo(8);
    }

    /**
     * Both sides of two pipes sleep at once ({@code BLOCK}) in a ping-pong of single bytes: each
     * round trip is two waits that end in a park without a deadline, so a wake-up lost anywhere
     * stops the test.
     */
    @Test
    void aPingPongOfSleepersLosesNoWakeUp() throws Exception {
        UnnamedPipe back = new UnnamedPipe(2, 16, owner.process(), () -> { });
        UnnamedReader backReader = session.track(new UnnamedReader(session, back, new Grant(Rights.READ), false));
        UnnamedWriter backWriter = session.track(new UnnamedWriter(session, back, new Grant(Rights.WRITE), false));
        for (PipeEnd<?> e : new PipeEnd<?>[] { reader, writer, backReader, backWriter }) {
            e.setWaitStrategy(WaitStrategy.BLOCK);
        }
        int rounds = 20_000;
        Future<Void> echo = start("echo", () -> {
            byte[] b = new byte[1];
            for (int i = 0; i < rounds; i++) {
                assertThat(reader.read(b, 0, 1)).isEqualTo(1);
                backWriter.write(b, 0, 1);
            }
            return null;
        });
        byte[] b = new byte[1];
        for (int i = 0; i < rounds; i++) {
            b[0] = (byte) i;
            writer.write(b, 0, 1);
            assertThat(backReader.read(b, 0, 1)).isEqualTo(1);
            assertThat(b[0]).isEqualTo((byte) i);
        }
        echo.get(20, TimeUnit.SECONDS);
        assertThat(reader.statistics().get(Counter.WAITS)).as("the sides waited").isPositive();
    }

    @Test
    void aReadThatPassedItsCheckEndsBeforeRevokeReturns() throws Exception {
        writer.write(new byte[] { 1, 2, 3 }, 0, 3);
        pause.arm(PipeHook.TRANSFER_GRANTED);
        Future<Integer> read = start("checked-reader", () -> reader.read(new byte[8], 0, 8));
        pause.awaitReached();

        boolean returned = pause.runWhileHeld("read-revoker", readGrant::revoke);

        assertThat(returned).as("revoke returned while a read that passed its check had not read yet").isFalse();
        assertThat(read.get(20, TimeUnit.SECONDS)).as("that read ends as if before the revocation").isEqualTo(3);
        writer.write(new byte[] { 4 }, 0, 1);
        assertError(() -> reader.read(new byte[8], 0, 8), IpcError.PERMISSION_DENIED);
        assertThat(pipe.available()).as("the byte written after the revocation stays").isEqualTo(1);
    }

    /**
     * A read with a zero timeout while another reader copies is a single attempt: it waits for
     * that copy and takes what is left, not TIMEOUT with bytes in the ring.
     */
    @Test
    void aZeroTimeoutReadWaitsOutAnotherReadersCopy() throws Exception {
        writer.write(new byte[] { 1, 2, 3, 4, 5, 6 }, 0, 6);
        pause.arm(PipeHook.TRANSFER_GRANTED);
        Future<Integer> first = start("copying-reader", () -> reader.read(new byte[3], 0, 3));
        pause.awaitReached();

        Future<Integer> zero = start("zero-timeout-reader", () -> reader.read(new byte[3], 0, 3, Duration.ZERO));
        awaitDoneOrIn(zero, "zero-timeout-reader", PipeSide.class.getName(), "enter");
        pause.resume();

        assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(zero.get(20, TimeUnit.SECONDS)).as("the zero-timeout read took the bytes left").isEqualTo(3);
    }

    /** Waits (at most 20 s) until {@code task} ended or its thread runs in {@code type.method}. */
    private static void awaitDoneOrIn(Future<?> task, String thread, String type, String method)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!task.isDone() && System.nanoTime() - deadline < 0) {
            for (StackTraceElement e : threadNamed(thread).getStackTrace()) {
                if (e.getClassName().equals(type) && e.getMethodName().equals(method)) {
                    return;
                }
            }
            Thread.sleep(1);
        }
    }

    @Test
    void aWriteThatPassedItsCheckEndsBeforeRevokeReturns() throws Exception {
        pause.arm(PipeHook.TRANSFER_GRANTED);
        Future<Integer> write = start("checked-writer", () -> {
            writer.write(new byte[] { 1, 2, 3, 4 }, 0, 4);
            return 4;
        });
        pause.awaitReached();

        boolean returned = pause.runWhileHeld("write-revoker", writeGrant::revoke);

        assertThat(returned).as("revoke returned while a write that passed its check had not written yet").isFalse();
        assertThat(write.get(20, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(pipe.available()).as("that write ends as if before the revocation").isEqualTo(4);
        assertError(() -> writer.write(new byte[1], 0, 1), IpcError.PERMISSION_DENIED);
        assertThat(pipe.available()).isEqualTo(4);
    }

    /**
     * A writer and a reader stream single bytes while the writer's grant is revoked at a random
     * moment: once revoke has returned, not one more byte goes in.
     */
    @Test
    void noByteGoesInOnceARevocationRacingTheWritesHasReturned() throws Exception {
        long seed = System.nanoTime();
        System.out.println("noByteGoesInOnceARevocationRacingTheWritesHasReturned seed " + seed);
        Random random = new Random(seed);
        Future<Long> writes = start("racing-writer", () -> {
            byte[] b = new byte[1];
            long n = 0;
            try {
                while (true) {
                    n += writer.tryWrite(b, 0, 1);
                }
            } catch (IpcException e) {
                assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED);
                return n;
            }
        });
        Future<Void> reads = start("racing-reader", () -> {
            byte[] b = new byte[16];
            while (true) { // until the reader closes
                reader.tryRead(b, 0, b.length);
                Thread.onSpinWait();
            }
        });
        awaitBytesIn(1_000);
        LockSupport.parkNanos(random.nextInt(2_000_000));

        writeGrant.revoke();
        long in = pipe.info().statistics().get(Counter.BYTES_IN);

        long written = writes.get(20, TimeUnit.SECONDS);
        assertThat(pipe.info().statistics().get(Counter.BYTES_IN)).as("bytes in after revoke returned (seed %d)", seed)
                .isEqualTo(in).isEqualTo(written);
        reader.close();
        assertFails(reads, IpcError.CLOSED);
    }

    private void awaitBytesIn(long bytes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (pipe.info().statistics().get(Counter.BYTES_IN) < bytes) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("fewer than " + bytes + " bytes went in within 20 s");
            }
            Thread.sleep(1);
        }
    }
}
