package org.multios.ipc.net.internal.stream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The TLS handshake of a {@link TlsLink}, advanced by the reactor as far as the socket allows
 * ({@link #advance}), and the peer's certificate it agreed to. A peer whose
 * first bytes are no TLS record speaks plaintext ({@link PlaintextPeer}).
 */
final class TlsHandshake {
    /** What the handshake waits for. */
    enum Step {
        /** Bytes from the peer. */
        READ,
        /** The socket to take the bytes of this side. */
        WRITE,
        /** A delegated task running off the reactor: it resumes the handshake when done. */
        TASK,
        /** Nothing: the handshake is over. */
        DONE
    }

    /** TLS record content types: change_cipher_spec, alert, handshake, application_data. */
    private static final int FIRST_RECORD_TYPE = 20;
    private static final int LAST_RECORD_TYPE = 23;

    private final TlsEngine tls;
    private final SSLEngine engine;
    private volatile boolean established;
    private boolean begun;
    private boolean firstBytesChecked;

    TlsHandshake(TlsEngine tls) {
        this.tls = tls;
        this.engine = tls.engine;
    }

    boolean isClient() {
        return engine.getUseClientMode();
    }

    boolean established() {
        return established;
    }

    /** The subject of the peer's certificate (RFC 2253), if it presented one. */
    Optional<String> peerSubject() {
        try {
            Certificate[] chain = engine.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x
                    ? Optional.of(x.getSubjectX500Principal().getName()) : Optional.empty();
        } catch (SSLPeerUnverifiedException none) {
            return Optional.empty();
        }
    }

    /**
     * Advances the handshake as far as the socket allows, in the reactor thread.
     *
     * @throws SSLException the handshake failed ({@link PlaintextPeer}: the peer speaks no TLS)
     * @throws IOException  the connection dropped
     */
    Step advance() throws IOException {
        if (tls.taskRunning()) {
            return Step.TASK;
        }
        if (!begun) {
            begun = true;
            engine.beginHandshake();
        }
        while (true) {
            if (!tls.flushNet()) {
                return Step.WRITE;
            }
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP -> tls.wrap(TlsEngine.EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    int n = tls.readNet();
                    if (n < 0) {
                        throw new EOFException("the peer closed the connection during the TLS handshake");
                    }
                    checkFirstBytes();
                    SSLEngineResult r = tls.unwrap();
                    if (n == 0 && (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                            || r.bytesConsumed() == 0)) {
                        return Step.READ;
                    }
                }
                case NEED_TASK -> {
                    tls.runTasks();
                    return Step.TASK;
                }
                default -> {
                    established = true;
                    return Step.DONE;
                }
            }
        }
    }

    /** After a failed handshake: sends the alert the engine has for the peer, if the socket takes it now. */
    void sendAlert() {
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && tls.flushNet(); i++) {
                tls.wrap(TlsEngine.EMPTY);
            }
            tls.flushNet();
        } catch (IOException | RuntimeException ignored) {
            // the connection closes anyway
        }
    }

    private void checkFirstBytes() throws PlaintextPeer {
        ByteBuffer netIn = tls.netIn;
        if (firstBytesChecked || netIn.position() == 0) {
            return;
        }
        firstBytesChecked = true;
        int type = netIn.get(0) & 0xFF;
        if (type < FIRST_RECORD_TYPE || type > LAST_RECORD_TYPE) {
            ByteBuffer copy = ByteBuffer.allocate(netIn.position());
            copy.put(netIn.duplicate().flip()).flip();
            throw new PlaintextPeer(copy);
        }
    }
}
