package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDescriptor;
import org.multios.ipc.net.internal.wire.Handshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream socket carrying frames, served by the {@link Reactor}: its {@link SocketState}
 * (one state machine), {@link SocketHandshake}, {@link Inbound} and {@link Outbound} halves,
 * the holds that stop reading, and its deadlines: handshake, idle, output stall and linger. Its
 * bytes cross a {@link SocketLink}: as they are, or in TLS ({@link TlsLink}), whose handshake
 * ({@link TlsStart}) completes before the frames' handshake begins.
 *
 * <p>Reading stops while any {@link SocketInterest hold} is on: the receive queue is full (so
 * the peer's sends wait: flow control), replies wait beyond the output budget (a
 * request/response peer that does not read its replies gets no more requests read), or the
 * peer said BYE. A peer that takes no byte
 * for the output-stall timeout while bytes wait for it is dropped with a REFUSE and a line on
 * the {@value #AUDIT} logger. Nothing here waits in the reactor thread.
 */
final class FramedSocket implements Reactor.Handler {
    /** How long a closing side keeps sending what it buffered. */
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The logger of security-relevant events. */
    static final String AUDIT = "ipc.audit";
    private static final Logger AUDIT_LOG = LoggerFactory.getLogger(AUDIT);

    private final Reactor reactor;
    private final SocketChannel channel;
    private final SocketLink link;
    private final String name;
    private final SocketCounters counters = new SocketCounters();
    private final SocketState state = new SocketState();
    private final SocketHandshake handshake;
    private final Inbound inbound;
    private final Outbound outbound;
    private final SocketInterest interest;
    private final PeerDeadlines deadlines = new PeerDeadlines();

    FramedSocket(Reactor reactor, SocketChannel channel, String name, long bufferBytes, long handshakeNanos,
            Handshaker handshaker) {
        this(reactor, channel, new PlainLink(channel), name, bufferBytes, handshakeNanos, handshaker);
    }

    /** A socket whose bytes cross {@code link} ({@link TlsLink}: TLS before the frames' handshake). */
    FramedSocket(Reactor reactor, SocketChannel channel, SocketLink link, String name, long bufferBytes,
            long handshakeNanos, Handshaker handshaker) {
        this.reactor = reactor;
        this.channel = channel;
        this.link = link;
        this.name = name;
        this.interest = new SocketInterest(reactor, this::readNow);
        this.handshake = new SocketHandshake(this, handshaker, handshakeNanos);
        this.inbound = new Inbound(this, reactor, state, interest, link, counters, bufferBytes);
        this.outbound = new Outbound(this, state, interest, link, bufferBytes);
        if (link instanceof TlsLink tls) {
            tls.callbacks(() -> reactor.execute(this::tlsResume), outbound::flush);
        }
    }

    /** Registers the socket with the reactor; runs in the reactor thread. */
    void register(int ops) throws IOException {
        interest.register(channel, ops, this);
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
        deadlines.idleTimeout(idleTimeoutNanos);
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
        deadlines.serveRequests(stallNanos, busy);
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
    boolean send(Frame frame, long wait, String operation, Runnable admit) {
        boolean sent = outbound.send(frame, wait, operation, counters, admit);
        if (sent) {
            counters.sent(frame.payload().length);
            state.touch();
        }
        return sent;
    }

    /**
     * Sends a DATA frame of the sender's bytes ({@code payload} from its position, which stays):
     * straight to the socket when nothing waits ahead of it, else copied and queued as
     * {@link #send(Frame, long, String, Runnable)} does.
     */
    boolean send(int type, int priority, ByteBuffer payload, long wait, String operation, Runnable admit) {
        int length = payload.remaining();
        if (outbound.sendDirect(type, priority, payload, admit)) {
            counters.sent(length);
            state.touch();
            return true;
        }
        byte[] copy = new byte[length];
        payload.get(payload.position(), copy);
        return send(new Frame(FrameDescriptor.KIND_DATA, type, priority, copy), wait, operation, admit);
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
        counters.sent(frame.payload().length);
        state.touch();
    }

    void sendControl(Frame frame) {
        outbound.sendControl(frame);
    }

    /**
     * Takes the next DATA frame that fits {@code room} bytes, waiting as {@code wait} says.
     *
     * {@code admit} runs under the receive lock before each wait and before a frame is taken;
     * it throws to refuse (a revoked grant), and {@link #wakeWaiters} makes waiters run it.
     *
     * @return the frame, or null if none is waiting and {@code wait} is {@link Waits#NEVER}
     * @throws IpcException MESSAGE_TOO_LARGE (with the frame left queued; {@code tooLarge}
     *         receives it) when the next frame is longer than {@code room}
     */
    Frame receive(int room, long wait, String operation, Consumer<Frame> tooLarge, Runnable admit) {
        return inbound.receive(room, wait, operation, tooLarge, admit);
    }

    /** A frame from {@link #receive} whose payload nobody reads any more (it was copied out). */
    void recycle(Frame frame) {
        inbound.recycle(frame);
    }

    /** Wakes the threads waiting in {@link #send} and {@link #receive}, which run their admission again. */
    void wakeWaiters() {
        wakeAll();
    }

    void handshakeFrame(Frame frame) {
        handshake.frame(frame);
    }

    /** The output was shut after the BYE: if the peer's input is done too, the socket closes. */
    void outputShut() {
        if (interest.isHeld(SocketInterest.PEER_DONE)) {
            closeChannelSoon();
        }
    }

    // ------------------------------------------------------------------ reactor side

    @Override
    public void ready(SelectionKey k) {
        if (k.isConnectable()) {
            handshake.finishConnect(k);
            return;
        }
        TlsLink tls = tls();
        if (tls != null && !tls.established()) {
            tlsHandshake(tls);
            return;
        }
        if (k.isValid() && k.isWritable()) {
            outbound.flush();
        }
        if (k.isValid() && k.isReadable()) {
            readNow();
        }
    }

    /** The socket is connected: TLS first if spoken, else the frames' handshake. */
    void transportConnected() {
        TlsLink tls = tls();
        if (tls == null) {
            handshake.connected();
        } else {
            tlsHandshake(tls);
        }
    }

    /** A delegated task of the TLS engine finished (reactor thread): the handshake or reading goes on. */
    private void tlsResume() {
        if (state.isEnded()) {
            return;
        }
        TlsLink tls = tls();
        if (tls.established()) {
            readNow();
        } else {
            tlsHandshake(tls);
        }
    }

    /** Drives the TLS handshake (reactor thread); once done, the frames' handshake starts. */
    private void tlsHandshake(TlsLink tls) {
        if (!state.isEnded() && TlsStart.drive(this, tls, interest)) {
            handshake.connected();
            readNow(); // records that came with the handshake's last ones
        }
    }

    /** The TLS handshake failed: the handshaker learns {@code why}, the socket closes. */
    void tlsFailed(IpcException why) {
        handshake.fail(why);
        drop(why.getMessage());
    }

    private void readNow() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            inbound.read();
        } catch (IOException e) {
            drop("the connection dropped: " + e.getMessage());
        }
    }

    @Override
    public void tick(long now) {
        if (handshake.expire(now)) {
            drop("the handshake timed out");
            return;
        }
        if (state.lingerExpired(now)) {
            closeChannel();
            return;
        }
        if (state.isEnded() || state.isHandshaking()) {
            return;
        }
        inbound.tick();
        String stalled = deadlines.stalled(now, outbound);
        if (stalled != null) {
            AUDIT_LOG.warn("DROPPED {} ({}): {}", remote(), name, stalled);
            refuse(IpcError.TIMEOUT, stalled);
            return;
        }
        String idle = deadlines.idle(now, state);
        if (idle != null) {
            end(idle);
        }
    }

    String remote() {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "a peer";
        }
    }

    @Override
    public void shutdown() {
        drop("the network mechanism stopped");
        closeChannel();
    }

    // ------------------------------------------------------------------ ending

    /** Ends the connection in good order: queued frames and a BYE go (for at most the linger time), then it closes. */
    void end(String reason) {
        if (!framesFlow()) {
            drop(reason);
        } else if (ended(reason)) {
            state.linger(System.nanoTime() + LINGER_NANOS);
            outbound.finish(null);
        }
    }

    /**
     * Refuses or breaks off with an error the peer is told of (what was queued is dropped), then
     * ends: nothing more of the peer is read, and the socket closes when the linger time is up.
     */
    void refuse(IpcError error, String reason) {
        if (!framesFlow()) {
            handshake.fail(new IpcException(error, name + ": " + reason));
            drop(reason);
        } else if (ended(reason)) {
            interest.hold(SocketInterest.BROKEN_OFF);
            state.linger(System.nanoTime() + LINGER_NANOS);
            outbound.finish(Handshake.refuse(error, reason));
            handshake.fail(new IpcException(error, name + ": " + reason));
        }
    }

    /** Whether frames can be sent: not while TLS is still being agreed. */
    private boolean framesFlow() {
        TlsLink tls = tls();
        return tls == null || tls.established();
    }

    /** This side's handle closes: everything fails with CLOSED from now on, the peer gets a BYE. */
    void close() {
        state.markClosed();
        end("closed");
        wakeAll();
    }

    /** The connection is over at once (peer's BYE or end, I/O error): nothing more is sent. */
    void drop(String reason) {
        ended(reason);
        outbound.discard(true);
        closeChannelSoon();
    }

    private boolean ended(String reason) {
        if (!state.end(reason)) {
            return false;
        }
        wakeAll();
        return true;
    }

    private void wakeAll() {
        inbound.wakeReceivers();
        outbound.wakeSenders();
    }

    /** Closes the socket in the reactor thread: at once if this is it, else soon. */
    private void closeChannelSoon() {
        if (reactor.inReactor()) {
            closeChannel();
            return;
        }
        try {
            reactor.execute(this::closeChannel);
        } catch (IpcException stopped) {
            closeChannel(); // the reactor stopped: nobody else will
        }
    }

    private void closeChannel() {
        state.lingerDone();
        interest.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        outbound.discard(true);
        if (state.release("closed")) {
            handshake.fail(new IpcException(IpcError.BROKEN_PIPE, name + ": " + state.endReason()));
        }
    }
}
