package org.multios.ipc.channels.channel;

import java.time.Duration;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.queue.TestMessages;
import org.multios.ipc.spi.ChildMain;

/**
 * The other process of {@link CrossProcessChannelTest}: a plain JVM that attaches through
 * {@link Ipc#open()} (its IPC root from the system property {@code org.multios.ipc.root}), opens
 * end B of a named channel and answers each message with a reply. Every wait is bounded; a
 * failure ends the process with a non-zero exit code and the reason on standard error.
 *
 * <ul>
 * <li>{@code echo <name> <count>}: receives {@code count} {@link TestMessages}, checks each is
 * whole and that messages of one priority come in order, and sends each back with the same
 * priority, as sender 2; then sends {@code count} messages of its own and prints
 * {@code echoed}.</li>
 * </ul>
 */
public final class ChannelChildMain {
    static final Duration WAIT = Duration.ofSeconds(30);

    private ChannelChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.runCommand(args, ChannelChildMain::run);
    }

    private static void run(String[] args) {
        if (!"echo".equals(args[0])) {
            throw new IllegalArgumentException("unknown command " + args[0]);
        }
        long count = Long.parseLong(args[2]);
        try (IpcContext ipc = Ipc.open()) {
            ChannelService channels = ipc.service(ChannelService.class);
            try (ChannelEnd b = channels.open(args[1], ChannelSide.B)) {
                byte[] buf = new byte[TestMessages.MAX_LENGTH];
                MessageInfo info = new MessageInfo();
                long[] last = { -1, -1, -1 };
                for (long i = 0; i < count; i++) {
                    int n = b.receive(buf, 0, buf.length, info, WAIT);
                    if (!TestMessages.isWhole(buf, n)) {
                        throw new IllegalStateException("message " + i + " of " + n + " bytes is torn");
                    }
                    long seq = TestMessages.sequence(buf);
                    int p = info.priority();
                    if (p != seq % 3 || seq <= last[p]) {
                        throw new IllegalStateException("message " + seq + " at priority " + p + " after " + last[p]);
                    }
                    last[p] = seq;
                    int m = TestMessages.write(buf, 2, seq);
                    b.send(buf, 0, m, p, WAIT);
                }
                for (long seq = 0; seq < count; seq++) {
                    int m = TestMessages.write(buf, 3, seq);
                    b.send(buf, 0, m, (int) (seq % 3), WAIT);
                }
                System.out.println("echoed " + count);
            }
        }
    }
}
