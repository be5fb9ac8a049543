package org.multios.ipc.channels.channel;

import java.nio.charset.StandardCharsets;

import org.multios.ipc.MessageClaim;

import java.time.Duration;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.WaitStrategy;
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
 * <li>{@code hold <name> <count>}: opens end A, sends {@code count} messages of 8 bytes (end B
 * must have room), prints {@code sent} and waits to be killed ({@link ChannelCounterSlotsTest}).</li>
 * <li>{@code claim <name>}: opens end A, claims 8 bytes, writes {@code "unsent!!"} into the claim,
 * prints {@code claimed} and waits to be killed with the claim open ({@link LaneChannelTest}).</li>
 * <li>{@code read <name>}: opens end B, takes a message in place, prints {@code reading} from its
 * handler and waits there to be killed ({@link LaneChannelTest}).</li>
 * <li>{@code spin <name> <count>}: opens end B, spinning as it waits, and answers each of
 * {@code count} messages at once with a reply of {@value #SPIN_REPLY} bytes; then prints
 * {@code spun} ({@link LaneWakeUpTest}).</li>
 * </ul>
 */
public final class ChannelChildMain {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** The length of the replies of {@code spin}. */
    static final int SPIN_REPLY = 2048;

    private ChannelChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.runCommand(args, ChannelChildMain::run);
    }

    private static void hold(String name, int count) {
        try (IpcContext ipc = Ipc.open()) {
            ChannelEnd a = ipc.service(ChannelService.class).open(name, ChannelSide.A);
            for (int i = 0; i < count; i++) {
                a.send(new byte[8], 0, 8, 0, WAIT);
            }
            System.out.println("sent");
            System.out.flush();
            try {
                Thread.sleep(WAIT.toMillis()); // the test kills this process
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("not killed within " + WAIT);
        }
    }

    /** Waits for the test to kill this process, which it told where it stands. */
    private static void killedAfter(String said) {
        System.out.println(said);
        System.out.flush();
        try {
            Thread.sleep(WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("not killed within " + WAIT);
    }

    private static void spin(String name, int count) {
        try (IpcContext ipc = Ipc.open()) {
            ChannelEnd b = ipc.service(ChannelService.class).open(name, ChannelSide.B);
            b.setWaitStrategy(WaitStrategy.SPIN);
            byte[] buf = new byte[SPIN_REPLY];
            for (int i = 0; i < count; i++) {
                b.receive(buf, 0, buf.length, null, WAIT);
                b.send(buf, 0, buf.length, 0, WAIT);
            }
            System.out.println("spun");
            System.out.flush();
        }
    }

    private static void run(String[] args) {
        if ("spin".equals(args[0])) {
            spin(args[1], Integer.parseInt(args[2]));
            return;
        }
        if ("hold".equals(args[0])) {
            hold(args[1], Integer.parseInt(args[2]));
            return;
        }
        if ("claim".equals(args[0]) || "read".equals(args[0])) {
            try (IpcContext ipc = Ipc.open()) {
                ChannelService channels = ipc.service(ChannelService.class);
                if ("claim".equals(args[0])) {
                    MessageClaim claim = channels.open(args[1], ChannelSide.A).tryClaim(8, 0);
                    claim.putBytes(0, "unsent!!".getBytes(StandardCharsets.US_ASCII), 0, 8);
                    killedAfter("claimed");
                } else {
                    channels.open(args[1], ChannelSide.B).tryReceive((m, info) -> killedAfter("reading"));
                }
            }
            return;
        }
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
