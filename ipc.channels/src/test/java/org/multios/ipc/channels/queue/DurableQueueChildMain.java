package org.multios.ipc.channels.queue;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.ChildMain;

/**
 * The other process of the durable queue tests: a plain JVM (IPC root and durable root from the
 * system properties) that creates a durable queue and sends {@link TestMessages} of sender 1 with
 * priority {@code sequence % 3}, printing {@code sent <sequence>} after each send returned.
 *
 * <ul>
 * <li>{@code send <name> <durability> <count>}: sends {@code count} messages, prints
 * {@code done}, closes and exits.</li>
 * <li>{@code flood <name> <durability>}: sends until killed.</li>
 * <li>{@code hold <name> <durability> <count>}: sends {@code count}, prints {@code holding} and
 * waits, the queue open, until killed.</li>
 * <li>{@code take <name> <durability> <count>}: sends {@code count}, then receives one message
 * in place, printing {@code taking <sequence>} from inside the handler, which never returns: the
 * process is killed while it holds the message it took.</li>
 * </ul>
 */
public final class DurableQueueChildMain {
    /** Slots of the queue: the default limit, more than any test sends before it kills the sender. */
    static final int CAPACITY = 256;

    private DurableQueueChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.run(args, DurableQueueChildMain::run);
    }

    private static void run(String[] args) {
        PrintStream out = System.out;
        try (IpcContext ipc = Ipc.open()) {
            MessageQueueService queues = ipc.service(MessageQueueService.class);
            QueueOptions options = QueueOptions.of(TestMessages.MAX_LENGTH, CAPACITY)
                    .withDurability(QueueDurability.valueOf(args[2]));
            try (MessageQueue q = queues.create(args[1], options)) {
                long count = args[0].equals("flood") ? Long.MAX_VALUE : Long.parseLong(args[3]);
                byte[] buf = new byte[TestMessages.MAX_LENGTH];
                for (long seq = 0; seq < count; seq++) {
                    int n = TestMessages.write(buf, 1, seq);
                    q.send(buf, 0, n, (int) (seq % 3), Duration.ofSeconds(30));
                    out.println("sent " + seq);
                    out.flush();
                }
                if (args[0].equals("take")) {
                    q.tryReceive((message, info) -> {
                        byte[] taken = new byte[message.length()];
                        message.getBytes(0, taken, 0, taken.length);
                        out.println("taking " + TestMessages.sequence(taken));
                        out.flush();
                        while (true) {
                            LockSupport.park();
                        }
                    });
                }
                if (args[0].equals("hold")) {
                    out.println("holding");
                    out.flush();
                    while (true) {
                        LockSupport.park();
                    }
                }
            }
            out.println("done");
            out.flush();
        }
    }
}
