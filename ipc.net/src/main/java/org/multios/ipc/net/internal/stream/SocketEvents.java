package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/**
 * What the {@link Reactor} tells a {@link FramedSocket}, in its thread: a ready key finishes the
 * connect, drives the TLS handshake ({@link TlsStart}) until frames flow, then writes and reads;
 * ticks check the {@link SocketLifecycle deadlines}; shutdown ends the socket.
 */
final class SocketEvents implements Reactor.Handler {
    private final FramedSocket socket;
    private final SocketHandshake handshake;
    private final Inbound inbound;
    private final Outbound outbound;
    private final SocketLifecycle lifecycle;
    private final TlsStart tlsStart;

    SocketEvents(FramedSocket socket, Reactor reactor, SocketLink link, SocketState state, SocketInterest interest,
            SocketHandshake handshake, Inbound inbound, Outbound outbound, SocketLifecycle lifecycle) {
        this.socket = socket;
        this.handshake = handshake;
        this.inbound = inbound;
        this.outbound = outbound;
        this.lifecycle = lifecycle;
        if (link instanceof TlsLink tls) {
            this.tlsStart = new TlsStart(socket, tls, state, interest, handshake, this::readNow);
            tls.callbacks(() -> reactor.execute(tlsStart::resume), outbound::flush);
        } else {
            this.tlsStart = null;
        }
    }

    @Override
    public void ready(SelectionKey k) {
        if (k.isConnectable()) {
            handshake.finishConnect(k);
            return;
        }
        if (tlsStart != null && !tlsStart.established()) {
            tlsStart.drive();
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
        if (tlsStart == null) {
            handshake.connected();
        } else {
            tlsStart.drive();
        }
    }

    /** Reads what the socket holds. */
    void readNow() {
        if (!socket.channel().isOpen()) {
            return;
        }
        try {
            inbound.read();
        } catch (IOException e) {
            lifecycle.drop("the connection dropped: " + e.getMessage());
        }
    }

    @Override
    public void tick(long now) {
        lifecycle.tick(now);
    }

    @Override
    public void shutdown() {
        lifecycle.shutdown();
    }
}
