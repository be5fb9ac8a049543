package org.multios.ipc.bench.channel;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.channel.Channel;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;

/**
 * An anonymous channel of the project for one benchmark trial, in its own IPC root: 64 KiB per
 * direction, messages of up to {@value #MESSAGE_SIZE} bytes (so each direction has
 * {@value #CAPACITY} slots, the peers' queue capacity).
 */
final class ChannelFixture implements AutoCloseable {
    /** Bytes of each benchmark message. */
    static final int MESSAGE_SIZE = 64;
    /** Messages each direction (and each peer queue) holds. */
    static final int CAPACITY = 1024;

    private final BenchRoot root = new BenchRoot();
    private final IpcContext ipc = Ipc.open(new IpcEnvironment(root.path(), IpcLimits.defaults()));
    private final Channel channel;

    /** The benchmarks' {@code ring} parameter: directions with priorities, or lanes ({@link ChannelOptions#lane()}). */
    static final String PRIORITIES = "priorities";

    /** A channel with priorities whose waits follow {@code wait} ({@link WaitStrategy#parse}). */
    ChannelFixture(String wait) {
        this(wait, PRIORITIES);
    }

    /** A channel whose waits follow {@code wait}, of lanes if {@code ring} is {@code lane}. */
    ChannelFixture(String wait, String ring) {
        channel = ipc.service(ChannelService.class).create(options(WaitStrategy.parse(wait), ring));
    }

    /** The options of the benchmarks' channels: {@link #CAPACITY} messages of {@link #MESSAGE_SIZE} bytes. */
    static ChannelOptions options(WaitStrategy wait, String ring) {
        return ChannelOptions.ofBufferSize(CAPACITY * MESSAGE_SIZE).withMaxMessageSize(MESSAGE_SIZE)
                .withMaxMessages(CAPACITY).withWaitStrategy(wait).withLane(isLane(ring));
    }

    private static boolean isLane(String ring) {
        if (!ring.equals("lane") && !ring.equals(PRIORITIES)) {
            throw new IllegalArgumentException("ring " + ring + ": expected lane or " + PRIORITIES);
        }
        return ring.equals("lane");
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void close() {
        try {
            channel.close();
            ipc.close();
        } finally {
            root.close();
        }
    }
}
