package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.pipe.PipeFlag;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeWriter;

/**
 * Two threads wait on one named-pipe end ({@code BLOCK}, no deadline): the first sleeps in the
 * kernel's {@code read} or {@code write}; the second must still heed an interrupt at once, not
 * wait behind the first (for the JDK channel's lock, where no interrupt reaches it) until bytes
 * move or the end closes. The first sleeps on undisturbed and moves its bytes afterwards.
 */
@Timeout(60)
class FifoSecondSleeperTest extends PipeTestSupport {

    @Test
    void aSecondReaderOfAnEmptyFifoWakesWhenInterrupted() throws Exception {
        pipes().createNamed("empty", 0600);
        PipeReader reader = pipes().openReader("empty");
        PipeWriter writer = pipes().openWriter("empty");
        reader.setWaitStrategy(WaitStrategy.BLOCK);
        writer.write(new byte[] { 1 }, 0, 1);
        assertThat(reader.read(new byte[8], 0, 8)).as("the reader has seen a writer").isEqualTo(1);
        Future<Integer> first = start("fifo-reader-1", () -> reader.read(new byte[8], 0, 8));
        awaitAsleepIn(Syscall.READ, "fifo-reader-1");
        Future<Integer> second = start("fifo-reader-2", () -> reader.read(new byte[8], 0, 8));
        awaitLockedOutOrAsleepIn(Syscall.POLL, "fifo-reader-2");

        threadNamed("fifo-reader-2").interrupt();

        assertFails(second, IpcError.INTERRUPTED);
        writer.write(new byte[] { 2 }, 0, 1);
        assertThat(first.get(20, TimeUnit.SECONDS)).as("the first reader's byte").isEqualTo(1);
    }

    @Test
    void aSecondWriterToAFullFifoWakesWhenInterrupted() throws Exception {
        pipes().createNamed("full", 0600);
        PipeReader reader = pipes().openReader("full", EnumSet.of(PipeFlag.NON_BLOCKING));
        PipeWriter writer = pipes().openWriter("full");
        writer.setWaitStrategy(WaitStrategy.BLOCK);
        long filled = fill(writer);
        Future<Integer> first = start("fifo-writer-1", () -> {
            writer.write(new byte[4096], 0, 4096);
            return 4096;
        });
        awaitAsleepIn(Syscall.WRITE, "fifo-writer-1");
        Future<Integer> second = start("fifo-writer-2", () -> {
            writer.write(new byte[4096], 0, 4096);
            return 4096;
        });
        awaitLockedOutOrAsleepIn(Syscall.POLL, "fifo-writer-2");

        threadNamed("fifo-writer-2").interrupt();

        assertFails(second, IpcError.INTERRUPTED);
        long drained = drain(reader);
        assertThat(first.get(20, TimeUnit.SECONDS)).as("the first writer's bytes").isEqualTo(4096);
        assertThat(drained + drain(reader)).as("the bytes that came through").isEqualTo(filled + 4096);
    }
}
