package org.multios.ipc.channels;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueOptions;

/**
 * Makes the files of {@code src/test/resources/org/multios/ipc/channels/earlier} through the public
 * API only, so that the build it runs with lays them out: run with the classes of the build whose
 * layout the files are to have (for {@code queue-layout5} and {@code channel-layout6}: the build at
 * commit 151030f, ring magic PRN3), as {@code java -cp <that build's jars> ...EarlierLayoutFiles
 * <work folder> <output folder>} (a work folder that exists and is empty). The queue and channel
 * tests of the layout before ({@code queue.EarlierQueueLayoutTest}, {@code channel.EarlierChannelLayoutTest})
 * read what it leaves, in the order this sends it. Not a test.
 */
public final class EarlierLayoutFiles {
    /** The durable queue's name, size and slots. */
    public static final String QUEUE = "store";
    public static final int QUEUE_MESSAGE = 64;
    public static final int QUEUE_SLOTS = 16;
    /** Messages sent and received before the ones left, so that the free ring has gone round. */
    public static final int QUEUE_WARM_UP = 40;
    /** Messages sent after the warm-up: {@code m-k} at priority {@code (k % 3) * 10}. */
    public static final int QUEUE_SENT = 12;
    /** Of those, received before the file is kept: the two of priority 20 sent first. */
    public static final int QUEUE_RECEIVED = 2;

    /** The named channel's name, size and slots per direction. */
    public static final String CHANNEL = "link";
    public static final int CHANNEL_MESSAGE = 64;
    public static final int CHANNEL_SLOTS = 8;
    public static final int CHANNEL_WARM_UP = 20;
    /** Messages left toward B: {@code b-k} at priority {@code k % 2}; one toward A: {@code a-0}. */
    public static final int CHANNEL_SENT = 5;

    private EarlierLayoutFiles() {
    }

    public static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Makes the files in {@code args[0]} and copies them to {@code args[1]}. */
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path root = work.resolve("root");
        Path durable = work.resolve("durable");
        System.setProperty("org.multios.ipc.durable.root", durable.toString());
        try (IpcContext c = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()))) {
            MessageQueueService queues = c.service(MessageQueueService.class);
            try (MessageQueue q = queues.create(QUEUE, QueueOptions.of(QUEUE_MESSAGE, QUEUE_SLOTS)
                    .withDurability(QueueDurability.SYNC))) {
                byte[] buf = new byte[QUEUE_MESSAGE];
                for (int i = 0; i < QUEUE_WARM_UP; i++) {
                    byte[] b = text("warm-" + i);
                    q.send(b, 0, b.length, 0);
                    q.receive(buf, 0, buf.length, null, Duration.ofSeconds(5));
                }
                for (int k = 0; k < QUEUE_SENT; k++) {
                    byte[] b = text("m-" + k);
                    q.send(b, 0, b.length, (k % 3) * 10);
                }
                for (int k = 0; k < QUEUE_RECEIVED; k++) {
                    q.receive(buf, 0, buf.length, null, Duration.ofSeconds(5));
                }
            }
            ChannelService channels = c.service(ChannelService.class);
            ChannelOptions options = ChannelOptions.ofBufferSize(4096).withMaxMessages(CHANNEL_SLOTS)
                    .withMaxMessageSize(CHANNEL_MESSAGE);
            try (ChannelEnd a = channels.create(CHANNEL, options); ChannelEnd b = channels.open(CHANNEL, ChannelSide.B)) {
                byte[] buf = new byte[CHANNEL_MESSAGE];
                for (int i = 0; i < CHANNEL_WARM_UP; i++) {
                    roundTrip(a, b, buf, i);
                }
                for (int k = 0; k < CHANNEL_SENT; k++) {
                    byte[] m = text("b-" + k);
                    a.send(m, 0, m.length, k % 2);
                }
                byte[] m = text("a-0");
                b.send(m, 0, m.length, 0);
            }
            Files.createDirectories(out);
            Files.copy(durable.resolve("queue").resolve(QUEUE), out.resolve("queue-layout5"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.copy(root.resolve("channel").resolve(CHANNEL), out.resolve("channel-layout6"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void roundTrip(MessagePort a, MessagePort b, byte[] buf, int i) {
        byte[] m = text("warm-" + i);
        a.send(m, 0, m.length, 0);
        b.receive(buf, 0, buf.length, null, Duration.ofSeconds(5));
        b.send(m, 0, m.length, 0);
        a.receive(buf, 0, buf.length, null, Duration.ofSeconds(5));
    }
}
