package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcNames;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.internal.stream.StreamConnector;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;

/** Opens queues and channels exported by remote bridges: one connection per handle. */
public final class RemoteObjects {
    private final StreamConnector connector;

    /** Connects through the given connector. */
    public RemoteObjects(StreamConnector connector) {
        this.connector = connector;
    }

    /**
     * Opens a remote queue.
     *
     * @throws IpcException as {@link org.multios.ipc.net.NetService#openRemoteQueue}
     */
    public MessageQueue openQueue(Endpoint bridge, SocketAddress address, String name, ConnectOptions options,
            CallerContext caller) {
        IpcNames.requireValid(ObjectType.QUEUE, name);
        return open(bridge, address, name, options, caller, KIND_QUEUE, 0,
                (client, reply) -> new RemoteQueue(client, name, reply, caller.process()));
    }

    /**
     * Opens one side of a remote channel.
     *
     * @throws IpcException as {@link org.multios.ipc.net.NetService#openRemoteChannel}
     */
    public ChannelEnd openChannel(Endpoint bridge, SocketAddress address, String name, ChannelSide side,
            ConnectOptions options, CallerContext caller) {
        IpcNames.requireValid(ObjectType.CHANNEL, name);
        if (side == null) {
            throw IpcException.invalidArgument("channel '" + name + "' at " + bridge + ": the side is missing");
        }
        return open(bridge, address, name, options, caller, KIND_CHANNEL, side == ChannelSide.A ? 0 : 1,
                (client, reply) -> new RemoteChannelEnd(client, name, side, reply, caller.process()));
    }

    private <T extends RemotePort> T open(Endpoint bridge, SocketAddress address, String name,
            ConnectOptions options, CallerContext caller, int kind, int side,
            BiFunction<BridgeClient, RemotePort.OpenReply, T> make) {
        if (options == null) {
            throw IpcException.invalidArgument("remote '" + name + "' at " + bridge + ": options must not be null");
        }
        String object = (kind == KIND_QUEUE ? "queue" : "channel") + " '" + name + "' at " + bridge;
        ConnectOptions framed = options.withMaxFrameSize(options.maxFrameSize() + BridgeServer.FRAME_OVERHEAD)
                .withBufferBytes(options.bufferBytes() + 4 * BridgeServer.FRAME_OVERHEAD);
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        byte[] openArgs = ByteBuffer.allocate(6 + text.length).put((byte) kind).put((byte) side)
                .put((byte) Rights.READ_WRITE).put((byte) 0).putShort((short) text.length).put(text).array();
        ClientSession session = new ClientSession(openArgs,
                () -> connector.connect(bridge, address, framed, caller, new Grant(Rights.READ_WRITE)));
        BridgeClient client = new BridgeClient(session.reconnect(), object, session);
        try {
            Frame reply = client.openSession(options.handshakeTimeout().toNanos());
            return make.apply(client, RemotePort.OpenReply.of(reply));
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }
}
