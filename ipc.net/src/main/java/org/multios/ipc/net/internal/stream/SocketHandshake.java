package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.concurrent.atomic.AtomicReference;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDescriptor;

/**
 * The handshake of a {@link FramedSocket}: its {@link Handshaker} (taken exactly once: by
 * success, failure or timeout), its deadline, and the client's finished connect. Reactor thread.
 */
final class SocketHandshake {
    private final FramedSocket socket;
    private final AtomicReference<Handshaker> handshaker;
    private final long deadline;

    SocketHandshake(FramedSocket socket, Handshaker handshaker, long timeoutNanos) {
        this.socket = socket;
        this.handshaker = new AtomicReference<>(handshaker);
        this.deadline = System.nanoTime() + timeoutNanos;
    }

    /** The handshake is over: nobody is told of it any more. */
    Handshaker take() {
        return handshaker.getAndSet(null);
    }

    /** A frame came before the handshake succeeded. */
    void frame(Frame frame) {
        Handshaker h = handshaker.get();
        if (frame.kind() == FrameDescriptor.KIND_DATA) {
            socket.refuse(IpcError.PROTOCOL_ERROR, "a data frame came before the handshake");
        } else if (h != null) {
            h.frame(socket, frame);
        }
    }

    /** The client's connect finished (or failed). */
    void finishConnect(SelectionKey key) {
        try {
            socket.channel().finishConnect();
        } catch (IOException e) {
            Handshaker h = take();
            socket.drop("connecting failed: " + e.getMessage());
            if (h != null) {
                h.failed(socket, new IpcException(IpcError.IO_ERROR, socket.name() + ": " + e.getMessage(), e));
            }
            return;
        }
        key.interestOps(SelectionKey.OP_READ);
        socket.transportConnected();
    }

    /** The connection carries frames now (after TLS, if spoken): the client says HELLO. */
    void connected() {
        Handshaker h = handshaker.get();
        if (h != null) {
            h.connected(socket);
        }
    }

    /** Fails the handshake if its deadline passed; true if it did. */
    boolean expire(long now) {
        if (now - deadline <= 0 || handshaker.get() == null) {
            return false;
        }
        Handshaker h = take();
        if (h != null) {
            h.failed(socket, IpcException.timeout("complete the handshake", socket.name()));
        }
        return true;
    }

    /** The handshake ended with {@code why}: its handshaker (if still waiting) is told. */
    void fail(IpcException why) {
        Handshaker h = take();
        if (h != null) {
            h.failed(socket, why);
        }
    }
}
