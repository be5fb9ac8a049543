package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * The threads of one named-pipe end share its non-blocking JDK channel, which closes itself when
 * a thread inside it is interrupted. Another thread in it at that moment is not interrupted: its
 * attempt must still end as the kernel says (here: nothing now, {@code EAGAIN}), never as cut
 * short ({@code EINTR}), which made a {@code tryRead} report nothing although bytes were there.
 * One thread attempts while another interrupts it over and over; a third counts its own attempts
 * that came back cut short.
 */
@Timeout(120)
class FifoSharedChannelTest extends PipeTestSupport {
    private static final int ATTEMPTS = 200_000;

    @Test
    void anAttemptOfAThreadThatIsNotInterruptedIsNeverCutShort() throws Exception {
        String path = root.resolve("shared").toString();
        assertThat(FifoCalls.mkfifo(path)).isZero();
        int writeFd = -1;
        FifoDescriptors fds = new FifoDescriptors(FifoCalls.open(path, FifoCalls.O_RDONLY), false, "shared");
        AtomicBoolean done = new AtomicBoolean();
        try {
            writeFd = FifoCalls.open(path, FifoCalls.O_WRONLY);
            Future<Integer> interrupted = start("interrupted-reader", () -> {
                int rounds = 0;
                while (!done.get()) {
                    Thread.interrupted();
                    fds.attempt(new byte[1], 0, null, 1);
                    rounds++;
                }
                Thread.interrupted();
                return rounds;
            });
            Thread victim = threadNamed("interrupted-reader");
            Future<Integer> interrupter = start("interrupter", () -> {
                int rounds = 0;
                while (!done.get()) {
                    victim.interrupt();
                    rounds++;
                }
                return rounds;
            });
            int cutShort = 0;
            int other = 0;
            for (int i = 0; i < ATTEMPTS; i++) {
                int n = fds.attempt(new byte[1], 0, null, 1);
                if (n == -FifoCalls.EINTR) {
                    cutShort++;
                } else if (n != -FifoCalls.EAGAIN) {
                    other++;
                }
            }
            done.set(true);
            System.out.printf("%d attempts beside %d of an interrupted thread and %d interrupts%n", ATTEMPTS,
                    interrupted.get(20, TimeUnit.SECONDS), interrupter.get(20, TimeUnit.SECONDS));
            assertThat(cutShort).as("attempts cut short though this thread was not interrupted").isZero();
            assertThat(other).as("attempts that found bytes or failed on an empty FIFO").isZero();
        } finally {
            done.set(true);
            fds.close();
            FifoCalls.close(writeFd);
        }
    }
}
