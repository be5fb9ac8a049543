package org.multios.ipc.channels.queue;

import java.time.Duration;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.ChildMain;

/**
 * The other process of {@link CrossProcessClaimTest}: a plain JVM on the IPC root of the system
 * property {@code org.multios.ipc.root}. It tells the test it reached its point by sending one
 * message to the queue {@code <name>-ready}. Every wait is bounded; a failure ends the process
 * with a non-zero exit code.
 *
 * <ul>
 * <li>{@code hold queue|channel <name> <length>}: claims {@code length} bytes (for a channel, at
 * end B toward A), writes half of them, reports ready and waits to be killed.</li>
 * <li>{@code claim-send <name> <sender> <count>}: sends {@code count} {@link TestMessages} into the
 * queue through claims, priority {@code sequence % 3}.</li>
 * </ul>
 */
public final class ClaimChildMain {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private ClaimChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.run(args, a -> {
            run(a);
            ChildMain.say("done " + a[0]);
        });
    }

    private static void run(String[] args) throws InterruptedException {
        try (IpcContext ipc = Ipc.open()) {
            MessageQueueService queues = ipc.service(MessageQueueService.class);
            switch (args[0]) {
                case "hold" -> {
                    MessagePort port = args[1].equals("queue") ? queues.open(args[2])
                            : ipc.service(ChannelService.class).open(args[2], ChannelSide.B);
                    int length = Integer.parseInt(args[3]);
                    MessageClaim claim = port.tryClaim(length, 3);
                    if (claim == null) {
                        throw new IllegalStateException("no room for a claim of " + length + " bytes");
                    }
                    for (int i = 0; i < length / 2; i++) {
                        claim.putByte(i, (byte) 0x5A);
                    }
                    ready(queues, args[2]);
                    Thread.sleep(WAIT.toMillis() * 4); // killed before
                    throw new IllegalStateException("not killed");
                }
                case "claim-send" -> {
                    try (MessageQueue q = queues.open(args[1])) {
                        claimSend(q, Integer.parseInt(args[2]), Long.parseLong(args[3]));
                    }
                }
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            }
        }
    }

    private static void ready(MessageQueueService queues, String name) {
        try (MessageQueue ready = queues.open(name + "-ready")) {
            ready.send(new byte[] { 1 }, 0, 1, 0, WAIT);
        }
    }

    private static void claimSend(MessageQueue q, int sender, long count) {
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        for (long seq = 0; seq < count; seq++) {
            int n = TestMessages.write(buf, sender, seq);
            long deadline = System.nanoTime() + WAIT.toNanos();
            MessageClaim claim;
            while ((claim = q.tryClaim(n, (int) (seq % 3))) == null) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("no room for message " + seq + " within " + WAIT);
                }
                Thread.yield();
            }
            claim.putBytes(0, buf, 0, n);
            claim.commit();
        }
    }
}
