package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.Channel;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channels.queue.TestMessages;

/** Many senders into one direction of a channel while the other direction carries traffic too. */
@Timeout(240)
class ChannelConcurrencyTest extends ChannelTestSupport {
    private static final int SENDERS = 4;
    private static final int PER_SENDER = 100_000;
    private static final int PRIORITIES = 3;
    /** Messages the other direction carries meanwhile: fewer than its buffer holds. */
    private static final int REVERSE = 400;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void everyMessageOfManySendersArrivesExactlyOnceInOrderPerSenderAndPriority() throws Exception {
        try (Channel ch = channels().create(kind(ChannelOptions.ofBufferSize(4096).withMaxMessageSize(
                TestMessages.MAX_LENGTH)))) {
            List<Future<Void>> senders = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                senders.add(inThread("sender-" + s, () -> {
                    byte[] buf = new byte[TestMessages.MAX_LENGTH];
                    for (long seq = 0; seq < PER_SENDER; seq++) {
                        int n = TestMessages.write(buf, sender, seq);
                        ch.endA().send(buf, 0, n, (int) (seq % PRIORITIES), WAIT);
                    }
                    return null;
                }));
            }
            Future<Integer> echoes = inThread("reverse", () -> {
                byte[] buf = new byte[8];
                for (int i = 0; i < REVERSE; i++) {
                    ch.endB().send(buf, 0, 8, i % 2, WAIT);
                }
                int got = 0;
                while (got < REVERSE) {
                    ch.endA().receive(buf, 0, 8, null, WAIT);
                    got++;
                }
                return got;
            });
            BitSet[] seen = new BitSet[SENDERS];
            long[][] last = new long[SENDERS][PRIORITIES];
            for (int s = 0; s < SENDERS; s++) {
                seen[s] = new BitSet(PER_SENDER);
                Arrays.fill(last[s], -1);
            }
            byte[] buf = new byte[TestMessages.MAX_LENGTH];
            MessageInfo info = new MessageInfo();
            for (long i = 0; i < (long) SENDERS * PER_SENDER; i++) {
                int n = ch.endB().receive(buf, 0, buf.length, info, WAIT);
                assertThat(TestMessages.isWhole(buf, n)).as("message %d is whole", i).isTrue();
                int sender = TestMessages.sender(buf);
                long seq = TestMessages.sequence(buf);
                int p = info.priority();
                assertThat(p).isEqualTo((int) (seq % PRIORITIES));
                if (seen[sender].get((int) seq)) {
                    throw new AssertionError("message " + seq + " of sender " + sender + " arrived twice");
                }
                seen[sender].set((int) seq);
                if (seq <= last[sender][p]) {
                    throw new AssertionError("message " + seq + " of sender " + sender + " after " + last[sender][p]);
                }
                last[sender][p] = seq;
            }
            for (Future<Void> f : senders) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(echoes.get(60, TimeUnit.SECONDS)).isEqualTo(REVERSE);
            for (int s = 0; s < SENDERS; s++) {
                assertThat(seen[s].cardinality()).isEqualTo(PER_SENDER);
            }
            assertThat(ch.endB().tryReceive(buf, 0, buf.length, null)).isEqualTo(MessagePort.NO_MESSAGE);
        }
    }
}
