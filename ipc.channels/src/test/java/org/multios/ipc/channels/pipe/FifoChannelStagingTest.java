package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * A call that finds a {@link FifoChannel}'s staging buffer taken hands the JDK at most
 * {@link FifoChannel#STAGING} heap bytes (a partial count), so the temporary direct buffer the
 * JDK keeps for the thread stays that small however large the transfer. The staging buffer is
 * held by a first reader asleep in the kernel's {@code read} on a blocking descriptor; a second
 * reader with a 64 KiB array waits behind it and then reads from a FIFO holding 64 KiB.
 */
@Timeout(60)
class FifoChannelStagingTest extends PipeTestSupport {

    @Test
    void aReadThatFindsTheStagingBufferTakenReadsAtMostItsSize() throws Exception {
        String path = root.resolve("staging").toString();
        assertThat(FifoCalls.mkfifo(path)).isZero();
        int readFd = FifoCalls.open(path, FifoCalls.O_RDONLY);
        int writeFd = FifoCalls.open(path, FifoCalls.O_WRONLY);
        FifoChannel blocking = new FifoChannel(false, () -> FifoCalls.reopenBlocking(readFd, FifoCalls.O_RDONLY));
        try {
            assertThat(blocking.start()).isTrue();
            Future<Integer> first = start("staged-reader", () -> blocking.transfer(new byte[10], 0, null, 10));
            awaitAsleepIn(Syscall.READ, "staged-reader");
            byte[] large = new byte[65536];
            Future<Integer> second = start("unstaged-reader", () -> blocking.transfer(large, 0, null, large.length));
            awaitLockedOutOrAsleepIn(Syscall.READ, "unstaged-reader");

            assertThat(FifoCalls.write(writeFd, new byte[65536], 0, null, 65536)).isEqualTo(65536);

            assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo(10);
            assertThat(second.get(20, TimeUnit.SECONDS)).isPositive().isLessThanOrEqualTo(FifoChannel.STAGING);
        } finally {
            blocking.close();
            FifoCalls.close(readFd);
            FifoCalls.close(writeFd);
        }
    }
}
