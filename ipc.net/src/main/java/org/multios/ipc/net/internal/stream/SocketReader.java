package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDecoder;
import org.multios.ipc.net.internal.wire.FrameDescriptor;
import org.multios.ipc.net.internal.wire.FrameSink;
import org.multios.ipc.net.internal.wire.Handshake;

/**
 * Reads and decodes a {@link FramedSocket}'s bytes, in the reactor or in a receiver that finds
 * nothing queued (one at a time), and dispatches the frames: DATA to its {@link Inbound}, the
 * handshake's to the {@link SocketHandshake}, BYE and REFUSE to the socket's end. Decoding stops
 * at once when the socket holds reading; the bytes read and not decoded yet wait for the hold
 * to end.
 */
final class SocketReader implements FrameSink {
    private static final int IO_CHUNK = 64 * 1024;

    private final FramedSocket socket;
    private final Inbound inbound;
    private final ReadingLease lease;
    private final SocketState state;
    private final SocketInterest interest;
    private final SocketLink link;
    private final SocketCounters counters;
    private final PayloadPool payloads = new PayloadPool(2 * IO_CHUNK);
    private final FrameDecoder decoder = new FrameDecoder(0, payloads);
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(IO_CHUNK);
    private final ReentrantLock readLock = new ReentrantLock();
    private boolean decodedAny;
    private volatile long bytesRead;
    private volatile Runnable peerBye;

    SocketReader(FramedSocket socket, Inbound inbound, ReadingLease lease, SocketState state, SocketInterest interest,
            SocketLink link, SocketCounters counters) {
        this.socket = socket;
        this.inbound = inbound;
        this.lease = lease;
        this.state = state;
        this.interest = interest;
        this.link = link;
        this.counters = counters;
    }

    /** The handshake agreed DATA frames of at most {@code bytes} of payload. */
    void maxDataPayload(int bytes) {
        decoder.maxDataPayload(bytes);
    }

    void onPeerBye(Runnable action) {
        this.peerBye = action;
    }

    /** Reads what the socket holds and decodes it, unless a receiver reads it itself (reactor thread). */
    void read() throws IOException {
        if (!inbound.deliversToHandler() && lease.leftToReceiver()) {
            return;
        }
        readLock.lock();
        try {
            readLocked();
        } finally {
            readLock.unlock();
        }
    }

    /** Reads and decodes while the link holds bytes the socket will not signal again (TLS). */
    private void readLocked() throws IOException {
        int n;
        do {
            if (interest.blocksReading()) {
                return;
            }
            n = readBuffer.hasRemaining() ? link.read(readBuffer) : 0;
            if (n > 0) {
                bytesRead += n; // one reader at a time (the read lock)
            }
            if (n < 0 && readBuffer.position() == 0) {
                peerClosed();
                return;
            }
            readBuffer.flip();
            if (!decodedAny && TlsRecords.startsTlsHandshake(readBuffer)) {
                counters.increment(Counter.ERRORS);
                socket.refuse(IpcError.PROTOCOL_ERROR, "a TLS handshake came to " + socket.name()
                        + ", which speaks plaintext; connect without TLS");
                return;
            }
            decodedAny |= readBuffer.hasRemaining();
            int status = decoder.decode(readBuffer, this);
            readBuffer.compact();
            if (status == FrameDecoder.FAILED) {
                counters.increment(Counter.ERRORS);
                socket.refuse(IpcError.PROTOCOL_ERROR, decoder.problem());
                return;
            } else if (n < 0 && readBuffer.position() == 0) {
                peerClosed();
                return;
            }
        } while (n > 0 && link.hasBufferedInput());
    }

    /** The peer closed its side and every byte it sent was decoded. */
    private void peerClosed() {
        if (decoder.isMidFrame()) {
            counters.increment(Counter.ERRORS);
            socket.drop("the peer disconnected in the middle of a frame");
        } else {
            socket.drop(state.isClosed() ? "closed" : "the peer closed the connection");
        }
    }

    @Override
    public boolean accepting() {
        return !interest.blocksReading();
    }

    @Override
    public void frame(Frame frame) {
        state.touch();
        if (state.isHandshaking()) {
            socket.handshakeFrame(frame);
            return;
        }
        switch (frame.kind()) {
            case FrameDescriptor.KIND_DATA -> inbound.data(frame);
            case FrameDescriptor.KIND_BYE -> {
                Runnable halfClose = peerBye;
                if (halfClose == null) {
                    socket.drop("the peer closed the connection");
                } else {
                    interest.hold(SocketInterest.PEER_DONE);
                    halfClose.run();
                }
            }
            case FrameDescriptor.KIND_REFUSE -> {
                Handshake.Refusal r = Handshake.readRefusal(frame);
                socket.drop("the peer ended the connection: " + r.error() + ": " + r.reason());
            }
            default -> socket.refuse(IpcError.PROTOCOL_ERROR, "unexpected control frame of kind " + frame.kind());
        }
    }

    /**
     * Reads the socket in the calling thread for at most {@code spinNanos} (once if zero) while
     * no frame is queued: the reactor thread need not wake this receiver for a frame that comes
     * meanwhile.
     */
    void readUntilFrame(long spinNanos) {
        long until = System.nanoTime() + spinNanos;
        do {
            if (state.isHandshaking() || inbound.deliversToHandler() || state.isEnded() || !readLock.tryLock()) {
                return;
            }
            try {
                if (socket.channel().isOpen()) {
                    readLocked();
                }
            } catch (IOException e) {
                socket.drop("the connection dropped: " + e.getMessage());
                return;
            } finally {
                readLock.unlock();
            }
            if (inbound.hasFrames()) {
                return;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - until < 0);
    }

    /**
     * The bytes read so far and those read and not decoded yet, for diagnostics (read without
     * the read lock: a glimpse).
     */
    String describe() {
        return bytesRead + " bytes read, " + readBuffer.position() + " undecoded" + (decoder.isMidFrame()
                ? ", mid-frame" : "");
    }

    /** The payload pool empties if it went unused (reactor thread). */
    void trim() {
        payloads.trim();
    }

    /** A frame whose payload was copied out: its array serves again. */
    void recycle(Frame frame) {
        payloads.recycle(frame.payload());
    }
}
