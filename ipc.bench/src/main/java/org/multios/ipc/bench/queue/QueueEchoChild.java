package org.multios.ipc.bench.queue;

import java.nio.file.Path;
import java.util.Set;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Rights;
import org.multios.ipc.bench.ChildSide;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;

/**
 * The echo side of {@link QueueRoundTrip}, run in a child JVM:
 * <ul>
 * <li>{@code queue <ipc-root> <ping> <pong> <max-size>}: opens the two named queues, sends one
 * byte on {@code pong} to say it is ready, then sends every message received on {@code ping}
 * back on {@code pong}, with its priority;</li>
 * <li>{@code socket <socket-path> <max-size>}: connects to the Unix-domain socket and writes
 * back every length-prefixed message it reads ({@link ChildSide#echoFrames}), until the socket
 * closes.</li>
 * </ul>
 * The child ends when its standard input closes (the parent closed it, or died), so it never
 * outlives the benchmark.
 */
public final class QueueEchoChild {
    private QueueEchoChild() {
    }

    /** Runs the echo loop; exits with 2 on bad arguments, 1 on failure. */
    public static void main(String[] args) throws Exception {
        ChildSide.endWithParent("queue-echo-child-stdin-watcher");
        if (args.length == 5 && args[0].equals("queue")) {
            queues(Path.of(args[1]), args[2], args[3], Integer.parseInt(args[4]));
        } else if (args.length == 3 && args[0].equals("socket")) {
            ChildSide.echoFrames(Path.of(args[1]), Integer.parseInt(args[2]));
        } else {
            System.err.println("usage: QueueEchoChild queue <ipc-root> <ping> <pong> <max-size>"
                    + " | socket <socket-path> <max-size>");
            System.exit(2);
        }
    }

    private static void queues(Path root, String pingName, String pongName, int maxSize) {
        try (IpcContext ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()))) {
            MessageQueueService queues = ipc.service(MessageQueueService.class);
            MessageQueue ping = queues.open(pingName, Rights.READ, Set.of());
            MessageQueue pong = queues.open(pongName, Rights.WRITE, Set.of());
            byte[] buffer = new byte[maxSize];
            MessageInfo info = new MessageInfo();
            pong.send(buffer, 0, 1, 0);
            while (true) {
                int n = ping.receive(buffer, 0, buffer.length, info);
                pong.send(buffer, 0, n, info.priority());
            }
        }
    }
}
