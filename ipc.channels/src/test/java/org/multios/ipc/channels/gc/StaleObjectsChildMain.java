package org.multios.ipc.channels.gc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.ChildMain;

/**
 * The other process of {@link CollectStaleMessagingTest}: a plain JVM (its IPC root from the
 * system property {@code org.multios.ipc.root}) that does what each argument
 * {@code <action>:<kind>:<name>} says, kind {@code queue}, {@code channel} or {@code pipe} (named),
 * then exits:
 * <ul>
 * <li>{@code create}: creates the object (a channel through its end A) and closes it;</li>
 * <li>{@code fill}: creates it and sends one 3-byte message (a channel's goes to end B);</li>
 * <li>{@code drain}: opens it and receives one message (at end B of a channel);</li>
 * <li>{@code hold}: opens it (a pipe's reading end) and keeps it open: after the last argument
 * the process prints {@code holding} and waits until it is killed.</li>
 * </ul>
 */
public final class StaleObjectsChildMain {
    private StaleObjectsChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.run(args, StaleObjectsChildMain::run);
    }

    private static void run(String[] args) throws IOException {
        try (IpcContext ipc = Ipc.open()) {
            List<AutoCloseable> held = new ArrayList<>();
            for (String arg : args) {
                String[] a = arg.split(":", 3);
                if (a[1].equals("pipe")) {
                    PipeService pipes = ipc.service(PipeService.class);
                    if (a[0].equals("hold")) {
                        held.add(pipes.openReader(a[2]));
                    } else {
                        pipes.createNamed(a[2], 0600);
                    }
                    continue;
                }
                MessagePort port = port(ipc, a[0], a[1], a[2]);
                switch (a[0]) {
                    case "fill" -> port.send(new byte[] { 1, 2, 3 }, 0, 3, 0);
                    case "drain" -> {
                        if (port.tryReceive(new byte[64], 0, 64, new MessageInfo()) != 3) {
                            throw new IllegalStateException("no message in " + arg);
                        }
                    }
                    default -> { }
                }
                if (a[0].equals("hold")) {
                    held.add(port);
                } else {
                    port.close();
                }
            }
            if (!held.isEmpty()) {
                System.out.println("holding");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // until the test kills this process (or ends its standard input)
                }
            }
        }
    }

    private static MessagePort port(IpcContext ipc, String action, String kind, String name) throws IOException {
        boolean create = action.equals("create") || action.equals("fill");
        return switch (kind) {
            case "queue" -> create
                    ? ipc.service(MessageQueueService.class).create(name, QueueOptions.of(64, 4).withMode(0600))
                    : ipc.service(MessageQueueService.class).open(name);
            case "lanequeue" -> create
                    ? ipc.service(MessageQueueService.class).create(name,
                            QueueOptions.of(64, 4).withMode(0600).withLane(true))
                    : ipc.service(MessageQueueService.class).open(name);
            case "channel" -> create
                    ? ipc.service(ChannelService.class).create(name, ChannelOptions.ofBufferSize(4096))
                    : ipc.service(ChannelService.class).open(name, action.equals("drain") ? ChannelSide.B : ChannelSide.A);
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
    }
}
