package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

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
import org.multios.ipc.net.internal.stream.Reach;
import org.multios.ipc.net.internal.stream.StreamConnector;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.SessionGate;

/**
 * Opens queues and channels exported by remote bridges: one connection per handle. A handle's
 * grant is the caller's grant on the bridge's endpoint narrowed to the rights the bridge
 * granted, registered under the endpoint, and revoked with the caller's grant.
 */
public final class RemoteObjects {
    private final StreamConnector connector;

    /** Connects through the given connector. */
    public RemoteObjects(StreamConnector connector) {
        this.connector = connector;
    }

    /**
     * Opens a remote queue.
     *
     * @param session the caller's session: the handle closes with it
     * @param grant   the caller's grant on the bridge's endpoint
     * @throws IpcException as {@link org.multios.ipc.net.NetService#openRemoteQueue}
     */
    public MessageQueue openQueue(Reach target, String name, ConnectOptions options,
            CallerContext caller, SessionGate session, Grant grant) {
        IpcNames.requireValid(ObjectType.QUEUE, name);
        Endpoint bridge = target.endpoint();
        return open(target, name, options, caller, session, KIND_QUEUE, 0,
                (client, reply) -> new RemoteQueue(client, name, reply, caller, session,
                        handleGrant(caller, bridge, grant, reply)));
    }

    /**
     * Opens one side of a remote channel.
     *
     * @param session the caller's session: the handle closes with it
     * @param grant   the caller's grant on the bridge's endpoint
     * @throws IpcException as {@link org.multios.ipc.net.NetService#openRemoteChannel}
     */
    public ChannelEnd openChannel(Reach target, String name, ChannelSide side,
            ConnectOptions options, CallerContext caller, SessionGate session, Grant grant) {
        IpcNames.requireValid(ObjectType.CHANNEL, name);
        Endpoint bridge = target.endpoint();
        if (side == null) {
            throw IpcException.invalidArgument("channel '" + name + "' at " + bridge + ": the side is missing");
        }
        return open(target, name, options, caller, session, KIND_CHANNEL, side == ChannelSide.A ? 0 : 1,
                (client, reply) -> new RemoteChannelEnd(client, name, side, reply, caller, session,
                        handleGrant(caller, bridge, grant, reply)));
    }

    /**
     * The grant of a handle: the rights the bridge granted within {@code callers}, registered under
     * the bridge's endpoint and revoked with {@code callers} (at once if it already is).
     */
    private static Grant handleGrant(CallerContext caller, Endpoint bridge, Grant callers, RemotePort.OpenReply reply) {
        Grant grant = caller.register(ObjectType.ENDPOINT, bridge.toString(),
                new Grant(callers.rights() & reply.rights()));
        callers.onRevoke(grant::revoke);
        return grant;
    }

    private <T extends RemotePort> T open(Reach target, String name,
            ConnectOptions options, CallerContext caller, SessionGate callers, int kind, int side,
            BiFunction<BridgeClient, RemotePort.OpenReply, T> make) {
        Endpoint bridge = target.endpoint();
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
                () -> connector.connect(target, framed, caller, callers, new Grant(Rights.READ_WRITE)));
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
