package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;

import org.multios.ipc.ObjectType;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.internal.stream.Waits;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.SessionGate;

/** One side of a channel exported by a remote bridge. */
final class RemoteChannelEnd extends RemotePort implements ChannelEnd {
    private final ChannelSide side;
    private final ChannelOptions options;

    RemoteChannelEnd(BridgeClient client, String name, ChannelSide side, OpenReply opened, CallerContext owner,
            SessionGate session, Grant grant) {
        super(client, ObjectType.CHANNEL, name, opened, owner, session, grant);
        this.side = side;
        this.options = new ChannelOptions(opened.bufferSize(), opened.capacity(), opened.maxMessageSize(),
                opened.mode());
    }

    @Override
    public ChannelSide side() {
        return side;
    }

    @Override
    public ChannelOptions options() {
        return options;
    }

    @Override
    public int pendingMessages() {
        return status().getInt(RESULT_OFFSET);
    }

    @Override
    public boolean isPeerClosed() {
        return status().get(RESULT_OFFSET + 4) == 1;
    }

    private ByteBuffer status() {
        Frame reply = call(OP_STATUS, 0, client().request(0, Waits.NEVER).array(), Waits.NEVER);
        return ByteBuffer.wrap(reply.payload());
    }
}
