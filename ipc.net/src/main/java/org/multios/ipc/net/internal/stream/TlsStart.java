package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDecoder;
import org.multios.ipc.net.internal.wire.FrameDescriptor;
import org.multios.ipc.net.internal.wire.FrameEncoder;
import org.multios.ipc.net.internal.wire.Handshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS handshake of a {@link FramedSocket}, driven by the reactor, and what its failure
 * becomes: an {@link IpcException} for the side that waits for the connection, an audit line on
 * a listener. A listener answers a plaintext client with a
 * plaintext REFUSE (its client then says why); a client that gets plaintext back reports the
 * plaintext listener's REFUSE if it sent one. A certificate that is not trusted, expired or
 * names another host is PERMISSION_DENIED; a peer without TLS is PROTOCOL_ERROR.
 */
record TlsStart(FramedSocket socket, TlsLink tls, SocketState state, SocketInterest interest,
        SocketHandshake handshake, Runnable read) {
    private static final Logger AUDIT_LOG = LoggerFactory.getLogger(FramedSocket.AUDIT);

    boolean established() {
        return tls.established();
    }

    /** A delegated task of the TLS engine finished (reactor thread): the handshake or reading goes on. */
    void resume() {
        if (state.isEnded()) {
            return;
        }
        if (tls.established()) {
            read.run();
        } else {
            drive();
        }
    }

    /** Drives the TLS handshake (reactor thread); once done, the frames' handshake starts. */
    void drive() {
        if (!state.isEnded() && step()) {
            handshake.connected();
            read.run(); // records that came with the handshake's last ones
        }
    }

    /**
     * Advances the handshake and sets the socket's interest to what it waits for; a failure is
     * reported ({@link #failed}).
     *
     * @return whether the handshake is over and frames may flow
     */
    private boolean step() {
        TlsHandshake.Step step;
        try {
            step = tls.handshake();
        } catch (IOException e) {
            failed(e);
            return false;
        }
        interest.set(SelectionKey.OP_READ, step == TlsHandshake.Step.READ || step == TlsHandshake.Step.DONE);
        interest.set(SelectionKey.OP_WRITE, step == TlsHandshake.Step.WRITE);
        return step == TlsHandshake.Step.DONE;
    }

    /** The TLS handshake failed: the handshaker learns why, the socket closes. */
    private void failed(IOException e) {
        IpcException why;
        if (e instanceof PlaintextPeer plain) {
            why = tls.isClient() ? plaintextListener(socket, plain.received()) : plaintextClient(socket);
        } else {
            tls.sendAlert();
            why = new IpcException(e instanceof SSLHandshakeException ? IpcError.PERMISSION_DENIED
                    : e instanceof SSLException ? IpcError.PROTOCOL_ERROR : IpcError.BROKEN_PIPE,
                    socket.name() + ": the TLS handshake failed: " + e.getMessage());
        }
        if (!tls.isClient()) {
            AUDIT_LOG.warn("TLS REFUSED {}: {}", socket.remote(), why.getMessage());
        }
        handshake.fail(why);
        socket.drop(why.getMessage());
    }

    /** A listener's answer to a client that speaks no TLS: a plaintext REFUSE it can read. */
    private static IpcException plaintextClient(FramedSocket socket) {
        String reason = socket.name() + " speaks TLS: connect with TLS (ConnectOptions.withTls)";
        try {
            socket.channel().write(ByteBuffer.wrap(FrameEncoder.toBytes(Handshake.refuse(IpcError.PROTOCOL_ERROR,
                    reason))));
        } catch (IOException gone) {
            // the client left already
        }
        return new IpcException(IpcError.PROTOCOL_ERROR, "a client without TLS came to " + reason);
    }

    /** A client's report of a listener that answered its TLS hello in plaintext. */
    private static IpcException plaintextListener(FramedSocket socket, ByteBuffer received) {
        Frame[] refusal = new Frame[1];
        new FrameDecoder(0).decode(received, f -> {
            if (f.kind() == FrameDescriptor.KIND_REFUSE) {
                refusal[0] = f;
            }
        });
        if (refusal[0] != null) {
            return Handshake.readRefusal(refusal[0]).toException(socket.name() + ": TLS");
        }
        return new IpcException(IpcError.PROTOCOL_ERROR, socket.name()
                + ": the listener answered without TLS: it speaks plaintext");
    }
}
