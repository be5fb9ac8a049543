package org.multios.ipc.bench.channel;

import java.nio.file.Path;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.bench.ChildSide;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;

/**
 * The echo side of {@link ChannelProcessRoundTrip}, run in a child JVM:
 * <ul>
 * <li>{@code channel <ipc-root> <name> <max-size>}: opens end B of the named channel, sends one
 * byte on it to say it is ready, then sends every message it receives back through the same
 * end, with its priority;</li>
 * <li>{@code aeron <aeron-dir> <idle> <max-size>}: connects to the media driver in the
 * directory, subscribes to the ping stream and publishes the pong stream over
 * {@value ChannelProcessRoundTrip#AERON_IPC}, sends one byte on pong when the parent's
 * subscription is connected, then offers back every fragment it polls; waits with the idle
 * strategy named ({@code backoff} or {@code busySpin});</li>
 * <li>{@code socket <socket-path> <max-size>}: connects to the Unix-domain socket and writes
 * back every length-prefixed message it reads ({@link ChildSide#echoFrames}), until the socket closes.</li>
 * </ul>
 * The child ends when its standard input closes (the parent closed it, or died), so it never
 * outlives the benchmark.
 */
public final class ChannelEchoChild {
    private ChannelEchoChild() {
    }

    /** Runs the echo loop; exits with 2 on bad arguments, 1 on failure. */
    public static void main(String[] args) throws Exception {
        ChildSide.endWithParent("channel-echo-child-stdin-watcher");
        if (args.length == 4 && args[0].equals("channel")) {
            channel(Path.of(args[1]), args[2], Integer.parseInt(args[3]));
        } else if (args.length == 4 && args[0].equals("aeron")) {
            aeron(args[1], ChannelProcessRoundTrip.idleStrategy(args[2]), Integer.parseInt(args[3]));
        } else if (args.length == 3 && args[0].equals("socket")) {
            ChildSide.echoFrames(Path.of(args[1]), Integer.parseInt(args[2]));
        } else {
            System.err.println("usage: ChannelEchoChild channel <ipc-root> <name> <max-size>"
                    + " | aeron <aeron-dir> <backoff|busySpin> <max-size> | socket <socket-path> <max-size>");
            System.exit(2);
        }
    }

    private static void channel(Path root, String name, int maxSize) {
        try (IpcContext ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()))) {
            ChannelEnd end = ipc.service(ChannelService.class).open(name, ChannelSide.B);
            byte[] buffer = new byte[maxSize];
            MessageInfo info = new MessageInfo();
            end.send(buffer, 0, 1, 0);
            while (true) {
                int n = end.receive(buffer, 0, buffer.length, info);
                end.send(buffer, 0, n, info.priority());
            }
        }
    }

    private static void aeron(String directory, IdleStrategy idle, int maxSize) {
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(directory));
                Subscription ping = aeron.addSubscription(ChannelProcessRoundTrip.AERON_IPC,
                        ChannelProcessRoundTrip.PING_STREAM);
                ExclusivePublication pong = aeron.addExclusivePublication(ChannelProcessRoundTrip.AERON_IPC,
                        ChannelProcessRoundTrip.PONG_STREAM)) {
            UnsafeBuffer ready = new UnsafeBuffer(new byte[maxSize]);
            while (!pong.isConnected()) {
                idle.idle();
            }
            offer(pong, ready, 0, 1, idle);
            FragmentHandler echo = (DirectBuffer buffer, int offset, int length, io.aeron.logbuffer.Header h) ->
                    offer(pong, buffer, offset, length, idle);
            idle.reset();
            while (true) {
                idle.idle(ping.poll(echo, 16));
            }
        }
    }

    private static void offer(ExclusivePublication pub, DirectBuffer buffer, int offset, int length,
            IdleStrategy idle) {
        long r;
        while ((r = pub.offer(buffer, offset, length)) < 0) {
            if (r == Publication.CLOSED || r == Publication.MAX_POSITION_EXCEEDED) {
                throw new IllegalStateException("pong publication failed: " + Publication.errorString(r));
            }
            idle.idle();
        }
        idle.reset();
    }
}
