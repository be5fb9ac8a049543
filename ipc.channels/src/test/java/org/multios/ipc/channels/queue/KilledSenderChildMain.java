package org.multios.ipc.channels.queue;

import java.time.Duration;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.ChildMain;

/**
 * The child of {@link KilledSenderTest}: a plain JVM that opens a named queue
 * ({@code queue <name> <sender>}) or end A of a named channel ({@code channel <name> <sender>})
 * and sends {@link TestMessages} with priority {@code sequence % 3} until it is killed, printing
 * {@code sent <sequence>} (flushed) after each send returned. Started with the system property
 * {@link org.multios.ipc.channels.ring.PriorityRing#CRASH_WINDOW_PAUSE_PROPERTY}, it pauses inside
 * the windows between taking a slot and publishing it, so that many kills land there.
 */
public final class KilledSenderChildMain {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private KilledSenderChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.run(args, KilledSenderChildMain::run);
    }

    private static void run(String[] args) {
        try (IpcContext ipc = Ipc.open()) {
            MessagePort port = "queue".equals(args[0])
                    ? ipc.service(MessageQueueService.class).open(args[1])
                    : ipc.service(ChannelService.class).open(args[1], ChannelSide.A);
            int sender = Integer.parseInt(args[2]);
            byte[] buf = new byte[TestMessages.MAX_LENGTH];
            System.out.println("ready " + ProcessHandle.current().pid());
            System.out.flush();
            for (long seq = 0;; seq++) {
                int n = TestMessages.write(buf, sender, seq);
                port.send(buf, 0, n, (int) (seq % 3), WAIT);
                System.out.println("sent " + seq);
                System.out.flush();
            }
        }
    }
}
