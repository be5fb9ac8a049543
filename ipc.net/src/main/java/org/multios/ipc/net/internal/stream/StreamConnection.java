package org.multios.ipc.net.internal.stream;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.IntConsumer;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.Statistics;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDescriptor;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.SessionGate;

/**
 * A {@link Connection} handle over a {@link FramedSocket} whose handshake succeeded; its sends
 * and receives check arguments and copy frames in and out ({@link ConnectionTransfers}), each
 * frame queued or taken in a step of the handle's grant ({@link FramedHandle}). The bridges use
 * its request/response side: frames handed to a handler, replies queued without waiting, sends
 * of payloads they hand over (their own handles test their grants).
 */
public final class StreamConnection extends EndpointHandle implements Connection {
    private final FramedSocket socket;
    private final Endpoint local;
    private final Endpoint remote;
    private final IpcProcess peer;
    private final boolean authenticated;
    private final int maxFrameSize;
    private final long bufferBytes;
    private final ConnectionTransfers transfers;

    StreamConnection(long id, FramedSocket socket, Endpoint local, Endpoint remote, IpcProcess peer,
            boolean authenticated, int maxFrameSize, long bufferBytes, CallerContext owner, SessionGate session,
            Grant grant) {
        super(id, remote.toString(), owner, Permissions.of(owner.process(), 0600),
                "a connection has no permissions to change", session, grant);
        this.socket = socket;
        this.local = local;
        this.remote = remote;
        this.peer = peer;
        this.authenticated = authenticated;
        this.maxFrameSize = maxFrameSize;
        this.bufferBytes = bufferBytes;
        this.transfers = new ConnectionTransfers(this, socket, peer, maxFrameSize,
                gate(Rights.WRITE, "send on"), gate(Rights.READ, "receive on"));
        grant.onRevoke(socket::wakeWaiters);
    }

    /**
     * Sets a hook called with {@link #STEP_GRANTED} inside each step of a send or receive, once
     * its grant passed (tests only: they hold a transfer there to revoke under it); null for none.
     */
    public void hook(IntConsumer hook) {
        stepHook(hook);
    }

    /**
     * Hands every arriving frame to {@code handler} in the reactor thread instead of queueing
     * it (bridges: request/response protocols whose handler never blocks).
     */
    public void deliverTo(java.util.function.Consumer<Frame> handler) {
        socket.deliverTo(handler);
    }

    /** Runs {@code action} once the connection has ended, for whatever reason. */
    public void onEnd(Runnable action) {
        socket.onEnd(action);
    }

    /**
     * Treats the peer's BYE as a half-close: nothing more is read and {@code action} runs in the
     * reactor thread; this side still sends until it closes. Without it a BYE ends the
     * connection at once.
     */
    public void onPeerBye(Runnable action) {
        socket.onPeerBye(action);
    }

    /** Reports what becomes of every DATA frame sent from now on. */
    public void trackDelivery(FrameDelivery tracker) {
        socket.trackDelivery(tracker);
    }

    /**
     * Serves a request/response peer: a peer that takes no byte of its replies for
     * {@code stallNanos} (0: never) is dropped, replies ({@link #reply}) may queue up to
     * {@code replyLimitBytes}, and while {@code busy} says so the connection is not idle.
     */
    public void serveRequests(long stallNanos, long replyLimitBytes, java.util.function.BooleanSupplier busy) {
        socket.serveRequests(stallNanos, replyLimitBytes, busy);
    }

    /**
     * Queues a reply whose payload the caller hands over, never waiting: past the buffer if need
     * be (then the peer's requests are read no more until its replies drain). A peer whose
     * replies pass the limit of {@link #serveRequests} is refused.
     *
     * @throws IpcException BROKEN_PIPE or CLOSED if the connection ended
     */
    public void reply(int type, int priority, byte[] payload) {
        socket.offer(new Frame(FrameDescriptor.KIND_DATA, type, priority, payload));
    }

    /**
     * Breaks the connection off with an error the peer is told of (what was queued is dropped):
     * the peer's calls fail naming {@code reason}.
     */
    public void refuse(IpcError error, String reason) {
        socket.refuse(error, reason);
    }

    /** What this connection may queue for sending, and the most it did. */
    public OutputBudget outputBudget() {
        return socket.outputBudget();
    }

    /**
     * The socket's state as far as reading and writing go, for diagnostics: its reading holds,
     * interest and ready operations, bytes read and undecoded, bytes waiting to be written.
     */
    public String describeState() {
        return socket.describe();
    }

    /** Why the connection ended. */
    public String endReason() {
        return socket.endReason();
    }

    /**
     * Sends a frame whose payload the caller hands over (no copy): the bridges' path, whose
     * handles test their own grants.
     *
     * @param wait {@link Waits#FOREVER}, {@link Waits#NEVER} or nanoseconds
     * @return false if there was no room and {@code wait} was {@link Waits#NEVER}
     */
    public boolean sendOwned(int type, int priority, byte[] payload, long wait) {
        return sendOwned(type, priority, payload, wait, TransferGate.OPEN);
    }

    /**
     * As {@link #sendOwned(int, int, byte[], long)}, the frame let through by {@code gate} (the
     * grant of the caller's own handle) before each wait and as it is queued.
     */
    public boolean sendOwned(int type, int priority, byte[] payload, long wait, TransferGate gate) {
        return socket.send(new Frame(FrameDescriptor.KIND_DATA, type, priority, payload), wait, "send", gate);
    }

    @Override
    protected long capacity() {
        return bufferBytes;
    }

    @Override
    protected Statistics currentStatistics() {
        return socket.counters().snapshot();
    }

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return remote;
    }

    @Override
    public IpcProcess peer() {
        return peer;
    }

    @Override
    public boolean isAuthenticated() {
        return authenticated;
    }

    @Override
    public int maxFrameSize() {
        return maxFrameSize;
    }

    @Override
    public boolean isConnected() {
        return !socket.isEnded();
    }

    // ---------------------------------------------------------------- sending

    @Override
    public void send(int type, byte[] b, int off, int len, int priority) {
        transfers.send(type, b, off, len, priority, Waits.FOREVER);
    }

    @Override
    public boolean trySend(int type, byte[] b, int off, int len, int priority) {
        return transfers.send(type, b, off, len, priority, Waits.NEVER);
    }

    @Override
    public void send(int type, byte[] b, int off, int len, int priority, Duration timeout) {
        transfers.send(type, b, off, len, priority, Waits.timeout(timeout, socket.name()));
    }

    @Override
    public void send(int type, ByteBuffer src, int priority) {
        transfers.send(type, src, priority, Waits.FOREVER);
    }

    @Override
    public boolean trySend(int type, ByteBuffer src, int priority) {
        return transfers.send(type, src, priority, Waits.NEVER);
    }

    @Override
    public void send(int type, ByteBuffer src, int priority, Duration timeout) {
        transfers.send(type, src, priority, Waits.timeout(timeout, socket.name()));
    }

    // ---------------------------------------------------------------- receiving

    @Override
    public int receive(byte[] buf, int off, int len, MessageInfo info) {
        return transfers.receive(buf, off, len, info, Waits.FOREVER);
    }

    @Override
    public int tryReceive(byte[] buf, int off, int len, MessageInfo info) {
        return transfers.receive(buf, off, len, info, Waits.NEVER);
    }

    @Override
    public int receive(byte[] buf, int off, int len, MessageInfo info, Duration timeout) {
        return transfers.receive(buf, off, len, info, Waits.timeout(timeout, socket.name()));
    }

    @Override
    public int receive(ByteBuffer dst, MessageInfo info) {
        return transfers.receive(dst, info, Waits.FOREVER);
    }

    @Override
    public int tryReceive(ByteBuffer dst, MessageInfo info) {
        return transfers.receive(dst, info, Waits.NEVER);
    }

    @Override
    public int receive(ByteBuffer dst, MessageInfo info, Duration timeout) {
        return transfers.receive(dst, info, Waits.timeout(timeout, socket.name()));
    }

    @Override
    public void close() {
        closeOnce(socket::close);
    }

    @Override
    public String describe() {
        return socket.name();
    }

    @Override
    protected void countDenial(int right) {
        socket.counters().increment(Counter.DENIALS);
    }
}
