package org.multios.ipc.channels.queue;

import java.time.Duration;
import java.util.Arrays;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.ChildMain;

/**
 * The other process of {@link CrossProcessQueueTest}: a plain JVM that attaches through
 * {@link Ipc#open()} (its IPC root comes from the system property {@code org.multios.ipc.root})
 * and does what its arguments say. Every wait is bounded; a failure ends the process with a
 * non-zero exit code and the reason on standard error. Messages are {@link TestMessages}, with
 * priority {@code sequence % 3}.
 *
 * <ul>
 * <li>{@code send <name> <sender> <count>}: opens the queue and sends {@code count} messages.</li>
 * <li>{@code receive <name> <count>}: receives {@code count} messages, checks that each is whole
 * and that each sender's messages of one priority come in order, prints {@code received}.</li>
 * <li>{@code receive-fifo <name> <count>}: as {@code receive}, and checks that message {@code i}
 * has sequence {@code i} (a lane's order, whatever the priority).</li>
 * <li>{@code flood <name> <sender>}: prints {@code flooding}, then sends until killed.</li>
 * </ul>
 */
public final class QueueChildMain {
    static final Duration WAIT = Duration.ofSeconds(30);

    private QueueChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.runCommand(args, QueueChildMain::run);
    }

    private static void run(String[] args) {
        try (IpcContext ipc = Ipc.open()) {
            MessageQueueService queues = ipc.service(MessageQueueService.class);
            try (MessageQueue q = queues.open(args[1])) {
                switch (args[0]) {
                    case "send" -> send(q, Integer.parseInt(args[2]), Long.parseLong(args[3]));
                    case "receive" -> receive(q, Long.parseLong(args[2]), false);
                    case "receive-fifo" -> receive(q, Long.parseLong(args[2]), true);
                    case "flood" -> flood(q, Integer.parseInt(args[2]));
                    default -> throw new IllegalArgumentException("unknown command " + args[0]);
                }
            }
        }
    }

    private static void send(MessageQueue q, int sender, long count) {
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        for (long seq = 0; seq < count; seq++) {
            int n = TestMessages.write(buf, sender, seq);
            q.send(buf, 0, n, (int) (seq % 3), WAIT);
        }
    }

    private static void receive(MessageQueue q, long count, boolean fifo) {
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        MessageInfo info = new MessageInfo();
        long[] last = new long[3];
        Arrays.fill(last, -1);
        for (long i = 0; i < count; i++) {
            int n = q.receive(buf, 0, buf.length, info, WAIT);
            if (!TestMessages.isWhole(buf, n)) {
                throw new IllegalStateException("message " + i + " of " + n + " bytes is torn");
            }
            long seq = TestMessages.sequence(buf);
            int p = info.priority();
            if (p != seq % 3 || seq <= last[p]) {
                throw new IllegalStateException("message " + seq + " at priority " + p + " after " + last[p]);
            }
            if (fifo && seq != i) {
                throw new IllegalStateException("message " + seq + " received as number " + i);
            }
            last[p] = seq;
        }
        System.out.println("received " + count);
    }

    private static void flood(MessageQueue q, int sender) {
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        System.out.println("flooding");
        System.out.flush();
        for (long seq = 0;; seq++) {
            int n = TestMessages.write(buf, sender, seq);
            q.send(buf, 0, n, (int) (seq % 3), WAIT);
        }
    }
}
