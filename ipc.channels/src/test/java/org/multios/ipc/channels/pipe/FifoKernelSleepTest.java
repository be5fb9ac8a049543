package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.pipe.PipeFlag;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeWriter;
import org.multios.ipc.spi.RecordingCaller;

/**
 * A named-pipe end whose wait sleeps at once ({@code BLOCK}, {@code ADAPTIVE}) and has no deadline
 * sleeps in the kernel's own {@code read} or {@code write} on a blocking descriptor of the FIFO.
 * Each test first sees the thread asleep in that system call, then wakes it the way a user
 * would: closing the end (CLOSED), interrupting the thread (INTERRUPTED; the FIFO stays open and
 * the next blocking transfer sleeps in the kernel again), revoking the grant
 * (PERMISSION_DENIED; no byte moves after the revocation). Without the wake-up the thread would
 * sleep until the other side moved bytes, which it never does here.
 */
@Timeout(60)
class FifoKernelSleepTest extends PipeTestSupport {
    /** Holds the end under test; its grants are the ones revoked. */
    private final RecordingCaller victim = RecordingCaller.osUser(1);
    /** Holds the other side. */
    private final RecordingCaller peer = RecordingCaller.osUser(2);

    enum Waker { CLOSE, INTERRUPT, REVOKE }

    @ParameterizedTest
    @EnumSource(Waker.class)
    void aWriterAsleepInWriteOnAFullFifoWakes(Waker waker) throws Exception {
        pipes(peer).createNamed("full", 0666);
        PipeReader reader = pipes(peer).openReader("full", EnumSet.of(PipeFlag.NON_BLOCKING));
        PipeWriter writer = pipes(victim).openWriter("full");
        writer.setWaitStrategy(WaitStrategy.BLOCK);
        long filled = fill(writer);
        Future<Integer> write = start("fifo-writer", () -> {
            writer.write(new byte[4096], 0, 4096);
            return 4096;
        });
        awaitAsleepIn(Syscall.WRITE, "fifo-writer");

        wake(waker, writer, "fifo-writer");

        assertFails(write, expected(waker));
        assertThat(drain(reader)).as("bytes that came through").isEqualTo(filled);
        if (waker == Waker.INTERRUPT) {
            fill(writer);
            Future<Integer> again = start("fifo-writer-again", () -> {
                writer.write(new byte[4096], 0, 4096);
                return 4096;
            });
            awaitAsleepIn(Syscall.WRITE, "fifo-writer-again");
            assertThat(drain(reader)).isGreaterThan(0);
            assertThat(again.get(20, TimeUnit.SECONDS)).isEqualTo(4096);
        }
    }

    @ParameterizedTest
    @EnumSource(Waker.class)
    void aReaderAsleepInReadOnAnEmptyFifoWakes(Waker waker) throws Exception {
        pipes(peer).createNamed("empty", 0666);
        PipeReader reader = pipes(victim).openReader("empty");
        PipeWriter writer = pipes(peer).openWriter("empty");
        reader.setWaitStrategy(WaitStrategy.ADAPTIVE);
        writer.write(new byte[] { 1 }, 0, 1);
        assertThat(reader.read(new byte[8], 0, 8)).as("the reader has seen a writer").isEqualTo(1);
        Future<Integer> read = start("fifo-reader", () -> reader.read(new byte[8], 0, 8));
        awaitAsleepIn(Syscall.READ, "fifo-reader");

        wake(waker, reader, "fifo-reader");

        assertFails(read, expected(waker));
        PipeReader other = waker == Waker.INTERRUPT ? reader : pipes(peer).openReader("empty");
        writer.write(new byte[] { 2, 3 }, 0, 2);
        if (waker == Waker.INTERRUPT) {
            assertThat(reader.read(new byte[8], 0, 8)).as("the FIFO stays open").isEqualTo(2);
            Future<Integer> again = start("fifo-reader-again", () -> reader.read(new byte[8], 0, 8));
            awaitAsleepIn(Syscall.READ, "fifo-reader-again");
            writer.write(new byte[] { 4 }, 0, 1);
            assertThat(again.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        } else {
            assertThat(other.read(new byte[8], 0, 8, Duration.ofSeconds(20))).as("the bytes written after the wake-up")
                    .isEqualTo(2);
        }
    }

    @Test
    void aLargeWriteFromTheHeapArrivesWholeAndInOrder() throws Exception {
        pipes(peer).createNamed("large", 0600);
        PipeReader reader = pipes(peer).openReader("large");
        PipeWriter writer = pipes(peer).openWriter("large");
        byte[] source = new byte[300_007];
        for (int i = 0; i < source.length; i++) {
            source[i] = (byte) (i * 31 + i / 251);
        }
        int off = 7;
        int len = source.length - off;
        Future<Integer> write = start("fifo-large-writer", () -> {
            writer.write(source, off, len);
            return len;
        });
        byte[] got = new byte[len + 5];
        int at = 5;
        while (at < got.length) {
            at += reader.read(got, at, Math.min(got.length - at, 10_000 + at % 7_000));
        }
        assertThat(write.get(20, TimeUnit.SECONDS)).isEqualTo(len);
        for (int i = 0; i < len; i++) {
            if (got[5 + i] != source[off + i]) {
                throw new AssertionError("byte " + i + " differs");
            }
        }
    }

    private void wake(Waker waker, PipeReader reader, String thread) {
        switch (waker) {
            case CLOSE -> reader.close();
            case INTERRUPT -> threadNamed(thread).interrupt();
            case REVOKE -> victim.revokeAll();
        }
    }

    private void wake(Waker waker, PipeWriter writer, String thread) {
        switch (waker) {
            case CLOSE -> writer.close();
            case INTERRUPT -> threadNamed(thread).interrupt();
            case REVOKE -> victim.revokeAll();
        }
    }

    private static IpcError expected(Waker waker) {
        return switch (waker) {
            case CLOSE -> IpcError.CLOSED;
            case INTERRUPT -> IpcError.INTERRUPTED;
            case REVOKE -> IpcError.PERMISSION_DENIED;
        };
    }
}
