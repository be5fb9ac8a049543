package org.multios.ipc.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * Network IPC (the original {@code example_network_ipc}), in two parts.
 * <ol>
 * <li>A TCP listener on the loopback interface and a client exchange frames, each with a type
 * and a priority; the server acknowledges every frame. TCP listeners ask for a token by
 * default; this one, on loopback only, does not.</li>
 * <li>A named queue is exported through a bridge on a Unix-domain socket in the IPC root (the
 * kernel tells the bridge who connects) and opened remotely: what the remote side sends at
 * several priorities the local side receives highest first.</li>
 * </ol>
 */
public final class NetworkExample implements Example {
    static final String[] READINGS = { "temperature 21.5", "door open", "smoke alarm" };
    static final int[] TYPES = { 1, 2, 3 };
    static final int[] PRIORITIES = { 0, 10, 31 };
    static final int ACK = 100;
    static final int BYE = 0;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "network";
    }

    @Override
    public String describe() {
        return "typed, prioritized frames over TCP loopback; a queue exported on a Unix socket";
    }

    @Override
    public void run(ExampleServices services, PrintWriter out) throws Exception {
        NetService net = services.net();

        // 1. Frames over TCP loopback. Port 0: the system picks a free port.
        ListenOptions noToken = ListenOptions.DEFAULTS.withRequireAuthentication(false);
        try (Listener listener = net.listen(Endpoint.tcp(0), noToken);
                Background threads = new Background(name())) {
            out.println("server: listening on " + listener.endpoint());
            Future<?> server = threads.start("server", () -> acknowledge(listener, out));
            try (Connection client = net.connect(listener.endpoint())) {
                for (int i = 0; i < READINGS.length; i++) {
                    byte[] frame = READINGS[i].getBytes(UTF_8);
                    client.send(TYPES[i], frame, 0, frame.length, PRIORITIES[i]);
                }
                byte[] buf = new byte[256];
                MessageInfo info = new MessageInfo();
                for (int i = 0; i < READINGS.length; i++) {
                    int type = client.receive(buf, 0, buf.length, info, WAIT);
                    out.println("client: type " + type + " reply: " + new String(buf, 0, info.length(), UTF_8));
                }
                client.send(BYE, buf, 0, 0, 0); // an empty frame: the server closes its side
            }
            server.get(10, TimeUnit.SECONDS);
        }

        // 2. A queue exported on a Unix socket named in the IPC root, opened remotely.
        MessageQueueService queues = services.queues();
        String queueName = Names.unique("alerts");
        Endpoint socket = Endpoint.unix(queueName);
        MessageQueue local = queues.create(queueName, QueueOptions.of(128, 16).withMode(0600));
        try (local; Bridge bridge = net.exportQueue(queueName, socket, ListenOptions.DEFAULTS);
                MessageQueue remote = net.openRemoteQueue(socket, queueName, ConnectOptions.DEFAULTS)) {
            out.println("bridge: queue '" + queueName + "' exported on " + bridge.endpoint());
            for (int i = 0; i < READINGS.length; i++) {
                byte[] message = READINGS[i].getBytes(UTF_8);
                remote.send(message, 0, message.length, PRIORITIES[i]);
            }
            byte[] buf = new byte[128];
            MessageInfo info = new MessageInfo();
            int n;
            while ((n = local.tryReceive(buf, 0, buf.length, info)) != MessageQueue.NO_MESSAGE) {
                out.println("local queue: priority " + info.priority() + ": " + new String(buf, 0, n, UTF_8));
            }
        } finally {
            queues.unlink(queueName);
        }
    }

    /**
     * The server: accepts one connection and acknowledges each frame with type {@value #ACK}
     * at the frame's priority, until a frame of type {@value #BYE}. Frames still buffered are
     * taken highest priority first, so an urgent frame may overtake others.
     */
    private static Void acknowledge(Listener listener, PrintWriter out) {
        try (Connection connection = listener.accept(WAIT)) {
            out.println("server: accepted " + connection.peer() + (connection.isAuthenticated() ? "" : ", no token"));
            byte[] buf = new byte[256];
            MessageInfo info = new MessageInfo();
            int type;
            while ((type = connection.receive(buf, 0, buf.length, info, WAIT)) != BYE) {
                String text = new String(buf, 0, info.length(), UTF_8);
                out.println("server: frame type " + type + ", priority " + info.priority() + ": " + text);
                byte[] ack = ("ack " + text).getBytes(UTF_8);
                connection.send(ACK, ack, 0, ack.length, info.priority());
            }
        }
        return null;
    }
}
