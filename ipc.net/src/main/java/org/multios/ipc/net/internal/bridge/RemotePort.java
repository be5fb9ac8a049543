package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Priority;
import org.multios.ipc.Rights;
import org.multios.ipc.net.internal.stream.FramedHandle;
import org.multios.ipc.net.internal.stream.SocketCounters;
import org.multios.ipc.net.internal.stream.TransferGate;
import org.multios.ipc.net.internal.stream.Waits;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.SessionGate;

/**
 * A {@link MessagePort} whose object lives behind a bridge: every operation is a round trip
 * ({@link BridgeDescriptor}), sends and receives through {@link RemoteTransfers}. Arguments and
 * the handle's grant are checked first ({@link FramedHandle}: the rights the bridge granted,
 * within the caller's own on the bridge's endpoint, revocable there), so a bad call never
 * travels; each SEND request goes out, and each message received is handed over, in a step of
 * the grant; errors the bridge replies are thrown as they came.
 */
abstract class RemotePort extends FramedHandle implements MessagePort {
    private final BridgeClient client;
    private final ObjectType type;
    private final String name;
    private final int maxMessageSize;
    private final Permissions permissions;
    private final CallerContext owner;
    private final long capacity;
    private final SocketCounters counters = new SocketCounters();
    private final RemoteTransfers transfers;
    private final CopiedMessages copied;

    /**
     * @param owner   the caller that opened the handle
     * @param session the caller's session: the handle closes with it
     * @param grant   the rights of the handle: those the bridge granted within the caller's own
     */
    RemotePort(BridgeClient client, ObjectType type, String name, OpenReply opened, CallerContext owner,
            SessionGate session, Grant grant) {
        super(owner, session, grant);
        this.client = client;
        this.type = type;
        this.name = name;
        this.maxMessageSize = Math.min(opened.maxMessageSize(), client.maxMessage());
        this.permissions = Permissions.of(owner.process(), opened.mode());
        this.owner = owner;
        this.capacity = opened.capacity();
        this.transfers = new RemoteTransfers(this, client, displayName(), maxMessageSize, counters,
                gate(Rights.WRITE, "send to"), gate(Rights.READ, "receive from"));
        this.copied = new CopiedMessages(this, maxMessageSize, displayName());
        grant.onRevoke(client::wakeCallers);
    }

    /** What a successful OPEN replied. */
    record OpenReply(int rights, int maxMessageSize, int capacity, int bufferSize, int mode) {
        static OpenReply of(Frame reply) {
            ByteBuffer b = ByteBuffer.wrap(reply.payload());
            if (b.limit() < RESULT_OFFSET + 18) {
                throw new IpcException(IpcError.PROTOCOL_ERROR, "the bridge sent a malformed OPEN reply");
            }
            return new OpenReply(b.get(RESULT_OFFSET) & 0xFF, b.getInt(RESULT_OFFSET + 4), b.getInt(RESULT_OFFSET + 8),
                    b.getInt(RESULT_OFFSET + 12), b.getShort(RESULT_OFFSET + 16) & 0xFFFF);
        }
    }

    /** The name shown in messages: {@code queue 'x' at tcp://host:port}. */
    String displayName() {
        return type.label() + " '" + name + "' at " + client.connection().remoteEndpoint();
    }

    BridgeClient client() {
        return client;
    }

    // ---------------------------------------------------------------- sending

    /** How a blocking form waits: queues in non-blocking mode do not. */
    long blockingWait() {
        return Waits.FOREVER;
    }

    @Override
    public void send(byte[] b, int off, int len, int priority) {
        transfers.send(b, off, len, priority, blockingWait(), true);
    }

    @Override
    public boolean trySend(byte[] b, int off, int len, int priority) {
        return transfers.send(b, off, len, priority, Waits.NEVER, false);
    }

    @Override
    public void send(byte[] b, int off, int len, int priority, Duration timeout) {
        transfers.send(b, off, len, priority, Waits.timeout(timeout, displayName()), true);
    }

    @Override
    public void send(ByteBuffer src, int priority) {
        transfers.send(src, priority, blockingWait(), true);
    }

    @Override
    public boolean trySend(ByteBuffer src, int priority) {
        return transfers.send(src, priority, Waits.NEVER, false);
    }

    @Override
    public void send(ByteBuffer src, int priority, Duration timeout) {
        transfers.send(src, priority, Waits.timeout(timeout, displayName()), true);
    }

    // ---------------------------------------------------------------- in place (copied here)

    @Override
    public MessageClaim tryClaim(int length, int priority) {
        Priority.requireValid(priority, displayName());
        require(Rights.WRITE, "send to");
        if (length < 0 || length > maxMessageSize) {
            throw new IpcException(length < 0 ? IpcError.INVALID_ARGUMENT : IpcError.MESSAGE_TOO_LARGE,
                    displayName() + ": a message of " + length + " bytes passes its maximum size of " + maxMessageSize);
        }
        return copied.claim(length, priority);
    }

    @Override
    public int trySend(ByteBuffer[] messages, int offset, int count, int priority) {
        return copied.trySend(messages, offset, count, priority);
    }

    @Override
    public boolean tryReceive(MessageHandler handler) {
        return copied.drain(handler, 1) == 1;
    }

    @Override
    public int drain(MessageHandler handler, int max) {
        return copied.drain(handler, max);
    }

    @Override
    public void receive(MessageHandler handler) {
        copied.receive(handler, false, null);
    }

    @Override
    public void receive(MessageHandler handler, Duration timeout) {
        copied.receive(handler, true, timeout);
    }

    // ---------------------------------------------------------------- receiving

    @Override
    public int receive(byte[] buf, int off, int len, MessageInfo info) {
        return transfers.receive(buf, off, len, info, blockingWait(), true);
    }

    @Override
    public int tryReceive(byte[] buf, int off, int len, MessageInfo info) {
        return transfers.receive(buf, off, len, info, Waits.NEVER, false);
    }

    @Override
    public int receive(byte[] buf, int off, int len, MessageInfo info, Duration timeout) {
        return transfers.receive(buf, off, len, info, Waits.timeout(timeout, displayName()), true);
    }

    @Override
    public int receive(ByteBuffer dst, MessageInfo info) {
        return transfers.receive(dst, info, blockingWait(), true);
    }

    @Override
    public int tryReceive(ByteBuffer dst, MessageInfo info) {
        return transfers.receive(dst, info, Waits.NEVER, false);
    }

    @Override
    public int receive(ByteBuffer dst, MessageInfo info, Duration timeout) {
        return transfers.receive(dst, info, Waits.timeout(timeout, displayName()), true);
    }

    // ---------------------------------------------------------------- common

    /** Runs a request, throwing the error the bridge replied. */
    Frame call(int op, int priority, byte[] payload, long wait) {
        return transfers.call(op, priority, payload, wait, TransferGate.OPEN, new MessageInfo());
    }

    @Override
    public ObjectType type() {
        return type;
    }

    @Override
    public long id() {
        return client.connection().id();
    }

    @Override
    public Optional<String> name() {
        return Optional.of(name);
    }

    @Override
    public ObjectInfo info() {
        return new ObjectInfo(type, id(), name(), owner.process(), permissions, capacity, true,
                counters.snapshot());
    }

    @Override
    public void setPermissions(Permissions changed) {
        throw new IpcException(IpcError.UNSUPPORTED, displayName() + ": permissions of a remote object are changed "
                + "on its own machine");
    }

    @Override
    public void close() {
        closeOnce(client::close);
    }

    @Override
    public String describe() {
        return displayName();
    }

    @Override
    protected void countDenial(int right) {
        counters.increment(Counter.DENIALS);
    }
}
