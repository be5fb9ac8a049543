package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Handshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link FramedSocket} ends: by its deadlines (handshake, output stall, idle, linger),
 * checked at each reactor tick, or by a call: in good order (queued frames and a BYE go),
 * refused (the peer is told why), or dropped at once. The socket itself closes in the reactor
 * thread; the {@link SocketState} transitions decide which caller does each step once.
 */
final class SocketLifecycle {
    /** How long a closing side keeps sending what it buffered. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Logger AUDIT_LOG = LoggerFactory.getLogger(FramedSocket.AUDIT);

    private final FramedSocket socket;
    private final Reactor reactor;
    private final SocketChannel channel;
    private final SocketState state;
    private final SocketHandshake handshake;
    private final Inbound inbound;
    private final Outbound outbound;
    private final SocketInterest interest;
    private final PeerDeadlines deadlines = new PeerDeadlines();

    SocketLifecycle(FramedSocket socket, Reactor reactor, SocketState state, SocketHandshake handshake,
            Inbound inbound, Outbound outbound, SocketInterest interest) {
        this.socket = socket;
        this.reactor = reactor;
        this.channel = socket.channel();
        this.state = state;
        this.handshake = handshake;
        this.inbound = inbound;
        this.outbound = outbound;
        this.interest = interest;
    }

    PeerDeadlines deadlines() {
        return deadlines;
    }

    /** Checks the deadlines (reactor thread). */
    void tick(long now) {
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
            AUDIT_LOG.warn("DROPPED {} ({}): {}", socket.remote(), socket.name(), stalled);
            refuse(IpcError.TIMEOUT, stalled);
            return;
        }
        String idle = deadlines.idle(now, state);
        if (idle != null) {
            end(idle);
        }
    }

    /** The reactor stops: the connection is over and the socket closes. */
    void shutdown() {
        drop("the network mechanism stopped");
        closeChannel();
    }

    /** See {@link FramedSocket#end}. */
    void end(String reason) {
        if (!framesFlow()) {
            drop(reason);
        } else if (ended(reason)) {
            state.linger(System.nanoTime() + LINGER_NANOS);
            outbound.finish(null);
        }
    }

    /** See {@link FramedSocket#refuse}. */
    void refuse(IpcError error, String reason) {
        if (!framesFlow()) {
            handshake.fail(new IpcException(error, socket.name() + ": " + reason));
            drop(reason);
        } else if (ended(reason)) {
            interest.hold(SocketInterest.BROKEN_OFF);
            state.linger(System.nanoTime() + LINGER_NANOS);
            outbound.finish(Handshake.refuse(error, reason));
            handshake.fail(new IpcException(error, socket.name() + ": " + reason));
        }
    }

    /** Whether frames can be sent: not while TLS is still being agreed. */
    private boolean framesFlow() {
        TlsLink tls = socket.tls();
        return tls == null || tls.established();
    }

    /** See {@link FramedSocket#close}. */
    void close() {
        state.markClosed();
        end("closed");
        wakeAll();
    }

    /** See {@link FramedSocket#drop}. */
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

    void wakeAll() {
        inbound.wakeReceivers();
        outbound.wakeSenders();
    }

    /** Closes the socket in the reactor thread: at once if this is it, else soon. */
    void closeChannelSoon() {
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
            handshake.fail(new IpcException(IpcError.BROKEN_PIPE, socket.name() + ": " + state.endReason()));
        }
    }
}
