package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The bytes of a {@link FramedSocket} in TLS records, through a JDK {@link SSLEngine}
 * ({@link TlsEngine}). The handshake runs first, driven by the reactor ({@link TlsHandshake});
 * only then do frames flow: the client's HELLO, with its token, goes after the server proved
 * itself. Wrap (writers) and unwrap (readers) run at once in different threads, as the
 * engine allows.
 */
final class TlsLink implements SocketLink {
    private final TlsEngine tls;
    private final TlsHandshake handshake;
    private final ByteBuffer appIn;
    private volatile Runnable wrapNeeded = () -> {
    };
    private boolean inputEnded;

    TlsLink(SSLEngine engine, SocketChannel channel, Executor tasks) {
        this.tls = new TlsEngine(engine, channel, tasks);
        this.handshake = new TlsHandshake(tls);
        this.appIn = tls.appIn;
    }

    /**
     * @param resume     runs (in any thread) when a delegated task finished: drive the
     *                   handshake or read on in the reactor
     * @param wrapNeeded runs when the engine has a record of its own to send (key update)
     */
    void callbacks(Runnable resume, Runnable wrapNeeded) {
        tls.onTaskDone(resume);
        this.wrapNeeded = wrapNeeded;
    }

    boolean isClient() {
        return handshake.isClient();
    }

    boolean established() {
        return handshake.established();
    }

    /** The subject of the peer's certificate (RFC 2253), if it presented one. */
    Optional<String> peerSubject() {
        return handshake.peerSubject();
    }

    /**
     * Advances the handshake as far as the socket allows, in the reactor thread.
     *
     * @throws SSLException the handshake failed ({@link PlaintextPeer}: the peer speaks no TLS)
     * @throws IOException  the connection dropped
     */
    TlsHandshake.Step handshake() throws IOException {
        return handshake.advance();
    }

    /** After a failed handshake: sends the alert the engine has for the peer, if the socket takes it now. */
    void sendAlert() {
        handshake.sendAlert();
    }

    // ------------------------------------------------------------------ frames

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (appIn.position() == 0 && !inputEnded) {
            int n = tls.readNet();
            if (n < 0) {
                inputEnded = true;
            }
            unwrapRecords();
        }
        appIn.flip();
        int moved = Math.min(appIn.remaining(), dst.remaining());
        dst.put(dst.position(), appIn, appIn.position(), moved);
        dst.position(dst.position() + moved);
        appIn.position(appIn.position() + moved);
        appIn.compact();
        return moved == 0 && inputEnded && appIn.position() == 0 ? -1 : moved;
    }

    private void unwrapRecords() throws IOException {
        while (!inputEnded && tls.netIn.position() > 0) {
            SSLEngineResult r = tls.unwrap();
            switch (r.getHandshakeStatus()) {
                case NEED_WRAP -> wrapNeeded.run();
                case NEED_TASK -> tls.runTasks();
                default -> {
                    // nothing to do
                }
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                inputEnded = true;
            }
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                return;
            }
        }
    }

    @Override
    public boolean hasBufferedInput() {
        return appIn.position() > 0 || tls.netIn.position() > 0 && !inputEnded;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!handshake.established() || !tls.flushNet()) {
            return 0;
        }
        if (tls.engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            tls.wrap(TlsEngine.EMPTY);
            if (!tls.flushNet()) {
                return 0;
            }
        }
        int taken = 0;
        while (src.hasRemaining()) {
            int consumed = tls.wrap(src).bytesConsumed();
            taken += consumed;
            if (!tls.flushNet() || consumed == 0) {
                break;
            }
        }
        return taken;
    }

    @Override
    public boolean wantsWrite() {
        return tls.hasRecordsToWrite()
                || handshake.established() && tls.engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
    }

    @Override
    public void shutdownOutput() throws IOException {
        tls.engine.closeOutbound();
        if (tls.flushNet()) {
            tls.wrap(TlsEngine.EMPTY);
            tls.flushNet();
        }
        tls.channel.shutdownOutput();
    }
}
