package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.pipe.Pipe;
import org.multios.ipc.pipe.PipeReader;

/**
 * A side of an unnamed pipe lets one thread in at a time, waits included: a second reader (writer)
 * queues behind one that sleeps, and still keeps its own deadline, interrupt and closing; a
 * single attempt does not queue behind a sleeper, it finds nothing to do.
 */
@Timeout(60)
class UnnamedPipeSideTest extends PipeTestSupport {

    @Test
    void aSecondReaderQueuesBehindASleepingOneWithItsOwnDeadlineInterruptAndClose() throws Exception {
        Pipe pipe = pipes().create(16, Set.of());
        pipe.reader().setWaitStrategy(WaitStrategy.BLOCK);
        Future<Integer> first = start("first-reader", () -> pipe.reader().read(new byte[8], 0, 8));
        awaitWaiting("first-reader");

        assertThat(pipe.reader().tryRead(new byte[8], 0, 8)).as("a single attempt does not queue")
                .isEqualTo(PipeReader.NOTHING_AVAILABLE);
        assertError(() -> pipe.reader().read(new byte[8], 0, 8, Duration.ofMillis(30)), IpcError.TIMEOUT);
        Future<Integer> second = start("queued-reader", () -> pipe.reader().read(new byte[8], 0, 8));
        awaitWaiting("queued-reader");
        threadNamed("queued-reader").interrupt();
        assertFails(second, IpcError.INTERRUPTED);

        Future<Integer> third = start("closed-queued-reader", () -> pipe.reader().read(new byte[8], 0, 8));
        awaitWaiting("closed-queued-reader");
        pipe.reader().close();
        assertFails(first, IpcError.CLOSED);
        assertFails(third, IpcError.CLOSED);
    }

    @Test
    void aSecondWriterQueuesBehindASleepingOneAndBothWriteWholeOnceThereIsRoom() throws Exception {
        Pipe pipe = pipes().create(16, Set.of());
        pipe.writer().setWaitStrategy(WaitStrategy.BLOCK);
        pipe.writer().write(new byte[12], 0, 12);
        Future<Integer> first = start("first-writer", () -> {
            pipe.writer().write(new byte[] { 1, 1, 1, 1, 1, 1, 1, 1 }, 0, 8);
            return 8;
        });
        awaitWaiting("first-writer");

        assertThat(pipe.writer().tryWrite(new byte[2], 0, 2)).as("a single attempt does not queue").isZero();
        assertError(() -> pipe.writer().write(new byte[2], 0, 2, Duration.ofMillis(30)), IpcError.TIMEOUT);
        Future<Integer> second = start("queued-writer", () -> {
            pipe.writer().write(new byte[] { 2, 2, 2, 2, 2, 2 }, 0, 6);
            return 6;
        });
        awaitWaiting("queued-writer");

        byte[] b = new byte[16];
        assertThat(pipe.reader().read(b, 0, 12)).isEqualTo(12);
        assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo(8);
        assertThat(second.get(20, TimeUnit.SECONDS)).isEqualTo(6);
        assertThat(pipe.reader().read(b, 0, 16)).isEqualTo(14);
        assertThat(b).startsWith(1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2);
    }
}
