package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.net.internal.stream.Waits;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueAttributes;
import org.multios.ipc.queue.QueueFlag;
import org.multios.ipc.queue.QueueListener;
import org.multios.ipc.queue.QueueRegistration;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.SessionGate;

/** A {@link MessageQueue} exported by a remote bridge. Listeners are not supported. */
final class RemoteQueue extends RemotePort implements MessageQueue {
    private final int maxMessageSize;
    private final int maxMessages;
    private volatile boolean nonBlocking;

    RemoteQueue(BridgeClient client, String name, OpenReply opened, CallerContext owner, SessionGate session,
            Grant grant) {
        super(client, ObjectType.QUEUE, name, opened, owner, session, grant);
        this.maxMessageSize = opened.maxMessageSize();
        this.maxMessages = opened.capacity();
    }

    @Override
    long blockingWait() {
        return nonBlocking ? Waits.NEVER : Waits.FOREVER;
    }

    @Override
    public QueueAttributes attributes() {
        Frame status = call(OP_STATUS, 0, client().request(0, Waits.NEVER).array(), Waits.NEVER);
        int current = ByteBuffer.wrap(status.payload()).getInt(RESULT_OFFSET);
        return new QueueAttributes(maxMessageSize, maxMessages, Math.min(current, maxMessages),
                nonBlocking ? Set.of(QueueFlag.NON_BLOCKING) : Set.of());
    }

    @Override
    public boolean isNonBlocking() {
        return nonBlocking;
    }

    @Override
    public void setNonBlocking(boolean value) {
        this.nonBlocking = value;
    }

    @Override
    public QueueRegistration register(QueueListener listener) {
        throw new IpcException(IpcError.UNSUPPORTED, displayName() + ": listeners cannot be registered on a remote "
                + "queue; receive instead");
    }
}
