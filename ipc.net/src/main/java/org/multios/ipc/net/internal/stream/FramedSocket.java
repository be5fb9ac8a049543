package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Frame;

/**
 * One stream socket carrying frames, served by the {@link Reactor} ({@link SocketEvents}): its
 * {@link SocketState} (one state machine), {@link SocketHandshake}, {@link Inbound} and
 * {@link Outbound} halves, the holds that stop reading, and its {@link SocketLifecycle}: the
 * deadlines (handshake, idle, output stall and linger) and the ways it ends. Its bytes cross a
 * {@link SocketLink}: as they are, or in TLS ({@link TlsLink}), whose handshake
 * ({@link TlsStart}) completes before the frames' handshake begins.
 *
 * <p>Reading stops while any {@link SocketInterest hold} is on: the receive queue is full (so
 * the peer's sends wait: flow control), replies wait beyond the output budget (a
 * request/response peer that does not read its replies gets no more requests read), or the
 * peer said BYE. A peer that does not take, within the output-stall timeout, what waits for it
 * ({@link DrainClock}) is dropped with a REFUSE and a line on the {@value #AUDIT} logger. Nothing here waits in the reactor thread.
 */
final class FramedSocket {
    /** The logger of security-relevant events. */
    static final String AUDIT = "ipc.audit";

    private final SocketChannel channel;
    private final SocketLink link;
    private final String name;
    private final SocketCounters counters = new SocketCounters();
    private final SocketState state = new SocketState();
    private final SocketHandshake handshake;
    private final Inbound inbound;
    private final Outbound outbound;
    private final SocketInterest interest;
    private final SocketLifecycle lifecycle;
    private final SocketEvents events;

    FramedSocket(Reactor reactor, SocketChannel channel, String name, long bufferBytes, long handshakeNanos,
            Handshaker handshaker) {
        this(reactor, channel, new PlainLink(channel), name, bufferBytes, handshakeNanos, handshaker);
    }

    /** A socket whose bytes cross {@code link} ({@link TlsLink}: TLS before the frames' handshake). */
    FramedSocket(Reactor reactor, SocketChannel channel, SocketLink link, String name, long bufferBytes,
            long handshakeNanos, Handshaker handshaker) {
        this.channel = channel;
        this.link = link;
        this.name = name;
        this.interest = new SocketInterest(reactor, this::readNow);
        this.handshake = new SocketHandshake(this, handshaker, handshakeNanos);
        this.inbound = new Inbound(this, reactor, state, interest, link, counters, bufferBytes);
        this.outbound = new Outbound(this, state, counters, interest, link, bufferBytes);
        this.lifecycle = new SocketLifecycle(this, reactor, state, handshake, inbound, outbound, interest);
        this.events = new SocketEvents(this, reactor, link, state, interest, handshake, inbound, outbound, lifecycle);
    }

    /** Registers the socket with the reactor; runs in the reactor thread. */
    void register(int ops) throws IOException {
        interest.register(channel, ops, events);
    }

    String name() {
        return name;
    }

    SocketChannel channel() {
        return channel;
    }

    SocketCounters counters() {
        return counters;
    }

    /** The TLS link, if the socket speaks TLS. */
    TlsLink tls() {
        return link instanceof TlsLink t ? t : null;
    }

    /** The handshake succeeded: DATA frames of at most {@code maxFrameSize} flow from now on. */
    void open(int maxFrameSize, long buffer, long idleTimeoutNanos) {
        outbound.open(maxFrameSize, buffer);
        inbound.open(maxFrameSize, buffer);
        lifecycle.deadlines().idleTimeout(idleTimeoutNanos);
        handshake.take();
        state.open();
        state.touch();
        interest.followHolds();
    }

    void onEnd(Runnable action) {
        state.onEnd(action);
    }

    /** Hands every DATA frame to {@code handler} in the reactor thread (request/response protocols). */
    void deliverTo(Consumer<Frame> handler) {
        inbound.deliverTo(handler);
    }

    /** Treats the peer's BYE as a half-close: nothing more is read and {@code action} runs (reactor thread). */
    void onPeerBye(Runnable action) {
        inbound.onPeerBye(action);
    }

    void trackDelivery(FrameDelivery tracker) {
        outbound.trackDelivery(tracker);
    }

    /**
     * Serves a request/response peer: dropped when it takes no byte for {@code stallNanos}
     * while bytes wait for it (0: never), replies queue up to {@code replyLimit} bytes, and the
     * connection is not idle while {@code busy} says so.
     */
    void serveRequests(long stallNanos, long replyLimit, BooleanSupplier busy) {
        lifecycle.deadlines().serveRequests(stallNanos, busy);
        outbound.hardLimit(replyLimit);
    }

    OutputBudget outputBudget() {
        return outbound.usage();
    }

    boolean isEnded() {
        return state.isEnded();
    }

    boolean isClosed() {
        return state.isClosed();
    }

    String endReason() {
        return state.endReason();
    }

    // ------------------------------------------------------------------ the halves

    /** See {@link OutputQueue#send}. */
    boolean send(Frame frame, long wait, String operation, TransferGate gate) {
        return outbound.send(frame, wait, operation, gate);
    }

    /**
     * Sends a DATA frame of the sender's bytes ({@code payload} from its position, which stays):
     * straight to the socket when nothing waits ahead of it, else copied and queued as
     * {@link #send(Frame, long, String, TransferGate)} does.
     */
    boolean send(int type, int priority, ByteBuffer payload, long wait, String operation, TransferGate gate) {
        return outbound.send(type, priority, payload, wait, operation, gate);
    }

    /**
     * Queues a frame without waiting (replies).
     *
     * @throws IpcException BROKEN_PIPE or CLOSED if the connection ended; BROKEN_PIPE after
     *         refusing a peer whose replies would pass the hard limit (the frame was not queued)
     */
    void offer(Frame frame) {
        if (!outbound.offer(frame)) {
            String reason = "the peer does not read its replies: " + outbound.waitingBytes() + " bytes wait for it";
            refuse(IpcError.LIMIT_EXCEEDED, reason);
            throw new IpcException(IpcError.BROKEN_PIPE, name + ": " + reason);
        }
    }

    void sendControl(Frame frame) {
        outbound.sendControl(frame);
    }

    /**
     * Takes the next DATA frame that fits {@code room} bytes, waiting as {@code wait} says.
     *
     * {@code gate} is checked under the receive lock before each wait, and the frame is taken
     * inside its step; it throws to refuse (a revoked grant), and {@link #wakeWaiters} makes
     * waiters check it again.
     *
     * @return the frame, or null if none is waiting and {@code wait} is {@link Waits#NEVER}
     * @throws IpcException MESSAGE_TOO_LARGE (with the frame left queued; {@code tooLarge}
     *         receives it) when the next frame is longer than {@code room}
     */
    Frame receive(int room, long wait, String operation, Consumer<Frame> tooLarge, TransferGate gate) {
        return inbound.receive(room, wait, operation, tooLarge, gate);
    }

    /** A frame from {@link #receive} whose payload nobody reads any more (it was copied out). */
    void recycle(Frame frame) {
        inbound.recycle(frame);
    }

    /** Wakes the threads waiting in {@link #send} and {@link #receive}, which check their gates again. */
    void wakeWaiters() {
        lifecycle.wakeAll();
    }

    void handshakeFrame(Frame frame) {
        handshake.frame(frame);
    }

    /** The output was shut after the BYE: if the peer's input is done too, the socket closes. */
    void outputShut() {
        if (interest.isHeld(SocketInterest.PEER_DONE)) {
            lifecycle.closeChannelSoon();
        }
    }

    /** The socket is connected: TLS first if spoken, else the frames' handshake. */
    void transportConnected() {
        events.transportConnected();
    }

    private void readNow() {
        events.readNow();
    }

    /**
     * The connection's state as far as reading and writing go (its holds, interest operations,
     * bytes read and undecoded, bytes waiting to be written), for diagnostics.
     */
    String describe() {
        return name + " (" + state.endReason() + "): " + interest.describe() + "; " + inbound.describe() + "; "
                + outbound.waitingBytes() + " bytes wait to be written";
    }

    String remote() {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "a peer";
        }
    }

    // ------------------------------------------------------------------ ending ({@link SocketLifecycle})

    /** Ends the connection in good order: queued frames and a BYE go (for at most the linger time), then it closes. */
    void end(String reason) {
        lifecycle.end(reason);
    }

    /**
     * Refuses or breaks off with an error the peer is told of (what was queued is dropped), then
     * ends: nothing more of the peer is read, and the socket closes when the linger time is up.
     */
    void refuse(IpcError error, String reason) {
        lifecycle.refuse(error, reason);
    }

    /** This side's handle closes: everything fails with CLOSED from now on, the peer gets a BYE. */
    void close() {
        lifecycle.close();
    }

    /** The connection is over at once (peer's BYE or end, I/O error): nothing more is sent. */
    void drop(String reason) {
        lifecycle.drop(reason);
    }
}
