package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channels.queue.TestMessages;
import org.multios.ipc.spi.ChildProcesses;

/** A named channel shared with a child JVM, carrying messages both ways at once. */
@Timeout(180)
class CrossProcessChannelTest extends ChannelTestSupport {
    private static final int COUNT = 20_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(ChannelChildMain.class);

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.destroyAll();
    }

    @Test
    void parentAndChildExchangeMessagesBothWays() throws Exception {
        ChannelEnd a = channels().create("duplex", kind(ChannelOptions.ofBufferSize(1024)
                .withMaxMessageSize(TestMessages.MAX_LENGTH)));
        Process child = children.startJava("echo", root, tempDir.resolve("echo.log"), "echo", "duplex",
                Integer.toString(COUNT));
        var replies = inThread("replies", () -> {
            byte[] buf = new byte[TestMessages.MAX_LENGTH];
            MessageInfo info = new MessageInfo();
            long[][] last = { { -1, -1, -1 }, { -1, -1, -1 } };
            for (int i = 0; i < 2 * COUNT; i++) {
                int n = a.receive(buf, 0, buf.length, info, WAIT);
                assertThat(TestMessages.isWhole(buf, n)).isTrue();
                assertThat(info.senderPid()).isEqualTo(child.pid());
                int sender = TestMessages.sender(buf);
                assertThat(sender).isIn(2, 3);
                long seq = TestMessages.sequence(buf);
                assertThat(seq).isGreaterThan(last[sender - 2][info.priority()]);
                last[sender - 2][info.priority()] = seq;
            }
            return Arrays.stream(last).mapToLong(l -> l[0]).sum();
        });
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        for (int seq = 0; seq < COUNT; seq++) {
            int n = TestMessages.write(buf, 1, seq);
            a.send(buf, 0, n, seq % 3, WAIT);
        }
        replies.get(120, TimeUnit.SECONDS);
        assertThat(children.awaitExit(child)).as(children.output(child)).isZero();
        assertThat(children.output(child)).contains("echoed " + COUNT);
        assertThat(a.tryReceive(buf, 0, buf.length, null)).isEqualTo(MessagePort.NO_MESSAGE);
    }
}
