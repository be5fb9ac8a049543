package org.multios.ipc.net.internal.stream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The bytes of a {@link FramedSocket} in TLS records, through a JDK {@link SSLEngine}. The
 * handshake runs first, driven by the reactor ({@link #handshake}); the engine's delegated
 * tasks (certificate checks, key exchange) run on an executor, never in the reactor thread.
 * Only then do frames flow: the client's HELLO, with its token, goes after the server proved
 * itself. Wrap (writers) and unwrap (readers) run at once in different threads, as the
 * engine allows.
 */
final class TlsLink implements SocketLink {
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

    /** The first bytes from the peer were not a TLS record: it speaks plaintext. */
    static final class PlaintextPeer extends SSLException {
        private static final long serialVersionUID = 1L;
        private final transient ByteBuffer received;

        PlaintextPeer(ByteBuffer received) {
            super("the peer does not speak TLS");
            this.received = received;
        }

        /** What it sent (a REFUSE frame from a plaintext listener, a HELLO from a plaintext client). */
        ByteBuffer received() {
            return received.asReadOnlyBuffer();
        }
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** TLS record content types: change_cipher_spec, alert, handshake, application_data. */
    private static final int FIRST_RECORD_TYPE = 20;
    private static final int LAST_RECORD_TYPE = 23;

    private final SSLEngine engine;
    private final SocketChannel channel;
    private final Executor tasks;
    private final ByteBuffer netIn;
    private final ByteBuffer appIn;
    private final ByteBuffer netOut;
    private volatile Runnable resume = () -> {
    };
    private volatile Runnable wrapNeeded = () -> {
    };
    private volatile boolean taskRunning;
    private volatile boolean established;
    private boolean begun;
    private boolean firstBytesChecked;
    private boolean inputEnded;

    TlsLink(SSLEngine engine, SocketChannel channel, Executor tasks) {
        this.engine = engine;
        this.channel = channel;
        this.tasks = tasks;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocateDirect(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocateDirect(packet).flip();
    }

    /**
     * @param resume     runs (in any thread) when a delegated task finished: drive the
     *                   handshake or read on in the reactor
     * @param wrapNeeded runs when the engine has a record of its own to send (key update)
     */
    void callbacks(Runnable resume, Runnable wrapNeeded) {
        this.resume = resume;
        this.wrapNeeded = wrapNeeded;
    }

    boolean isClient() {
        return engine.getUseClientMode();
    }

    boolean established() {
        return established;
    }

    String protocol() {
        return engine.getSession().getProtocol();
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
    Step handshake() throws IOException {
        if (taskRunning) {
            return Step.TASK;
        }
        if (!begun) {
            begun = true;
            engine.beginHandshake();
        }
        while (true) {
            if (!flushNet()) {
                return Step.WRITE;
            }
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP -> wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    int n = channel.read(netIn);
                    if (n < 0) {
                        throw new EOFException("the peer closed the connection during the TLS handshake");
                    }
                    checkFirstBytes();
                    SSLEngineResult r = unwrap();
                    if (n == 0 && (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                            || r.bytesConsumed() == 0)) {
                        return Step.READ;
                    }
                }
                case NEED_TASK -> {
                    runTasks();
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
            for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && flushNet(); i++) {
                wrap(EMPTY);
            }
            flushNet();
        } catch (IOException | RuntimeException ignored) {
            // the connection closes anyway
        }
    }

    private void checkFirstBytes() throws PlaintextPeer {
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

    private void runTasks() {
        taskRunning = true;
        try {
            tasks.execute(() -> {
                try {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                } finally {
                    taskRunning = false;
                    resume.run();
                }
            });
        } catch (RejectedExecutionException stopped) {
            taskRunning = false; // the mechanism stops: the handshake times out
        }
    }

    // ------------------------------------------------------------------ frames

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (appIn.position() == 0 && !inputEnded) {
            int n = channel.read(netIn);
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
        while (!inputEnded && netIn.position() > 0) {
            SSLEngineResult r = unwrap();
            switch (r.getHandshakeStatus()) {
                case NEED_WRAP -> wrapNeeded.run();
                case NEED_TASK -> runTasks();
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

    private SSLEngineResult unwrap() throws SSLException {
        netIn.flip();
        try {
            return engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
    }

    @Override
    public boolean hasBufferedInput() {
        return appIn.position() > 0 || netIn.position() > 0 && !inputEnded;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!established || !flushNet()) {
            return 0;
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            wrap(EMPTY);
            if (!flushNet()) {
                return 0;
            }
        }
        int taken = 0;
        while (src.hasRemaining()) {
            int consumed = wrap(src).bytesConsumed();
            taken += consumed;
            if (!flushNet() || consumed == 0) {
                break;
            }
        }
        return taken;
    }

    private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
        netOut.compact();
        try {
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED && src.hasRemaining()) {
                throw new SSLException("the TLS session is closed");
            }
            return r;
        } finally {
            netOut.flip();
        }
    }

    /** Writes the pending records; true if none is left. */
    private boolean flushNet() throws IOException {
        if (netOut.hasRemaining()) {
            channel.write(netOut);
        }
        return !netOut.hasRemaining();
    }

    @Override
    public boolean wantsWrite() {
        return netOut.hasRemaining() || established && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
    }

    @Override
    public void shutdownOutput() throws IOException {
        engine.closeOutbound();
        if (flushNet()) {
            wrap(EMPTY);
            flushNet();
        }
        channel.shutdownOutput();
    }
}
