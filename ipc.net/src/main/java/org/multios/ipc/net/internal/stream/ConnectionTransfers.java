package org.multios.ipc.net.internal.stream;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Priority;
import org.multios.ipc.Rights;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.FrameType;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.spi.GuardedHandle;

/**
 * The sends and receives of a {@link StreamConnection}: checks their arguments and the handle's
 * rights (again before each wait, and each frame goes or is taken through the direction's
 * {@link TransferGate}: a revoked grant refuses), copies frames in and out, and fills the
 * receiver's {@link MessageInfo} with the peer's identity.
 */
record ConnectionTransfers(GuardedHandle handle, FramedSocket socket, IpcProcess peer, int maxFrameSize,
        TransferGate sending, TransferGate receiving) {
    /** Sends {@code len} bytes of {@code b}, waiting as {@code wait} says ({@link Waits}). */
    boolean send(int type, byte[] b, int off, int len, int priority, long wait) {
        Objects.checkFromIndexSize(off, len, b == null ? -1 : b.length);
        checkSend(type, len, priority);
        return socket.send(type, priority, ByteBuffer.wrap(b, off, len), wait, "send", sending);
    }

    /** Sends what remains of {@code src} (then consumed), waiting as {@code wait} says. */
    boolean send(int type, ByteBuffer src, int priority, long wait) {
        if (src == null) {
            throw IpcException.invalidArgument(socket.name() + ": the buffer to send is missing");
        }
        checkSend(type, src.remaining(), priority);
        boolean sent = socket.send(type, priority, src, wait, "send", sending);
        if (sent) {
            src.position(src.limit());
        }
        return sent;
    }

    private void checkSend(int type, int len, int priority) {
        FrameType.requireValid(type, socket.name());
        Priority.requireValid(priority, socket.name());
        handle.require(Rights.WRITE, "send on");
        if (len > maxFrameSize) {
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, socket.name() + ": a frame of " + len
                    + " bytes passes the connection's maximum frame size of " + maxFrameSize);
        }
    }

    /** Receives a frame into {@code buf}: its type, or {@link Connection#NO_FRAME}. */
    int receive(byte[] buf, int off, int len, MessageInfo info, long wait) {
        Objects.checkFromIndexSize(off, len, buf == null ? -1 : buf.length);
        checkReceive(info);
        Frame f = socket.receive(len, wait, "receive", big -> describe(big, info), receiving);
        if (f == null) {
            return Connection.NO_FRAME;
        }
        System.arraycopy(f.payload(), 0, buf, off, f.payload().length);
        describe(f, info);
        socket.recycle(f);
        return f.type();
    }

    /** Receives a frame into {@code dst}: its type, or {@link Connection#NO_FRAME}. */
    int receive(ByteBuffer dst, MessageInfo info, long wait) {
        if (dst == null || dst.isReadOnly()) {
            throw IpcException.invalidArgument(socket.name() + ": the receive buffer is " + (dst == null ? "missing"
                    : "read-only"));
        }
        checkReceive(info);
        Frame f = socket.receive(dst.remaining(), wait, "receive", big -> describe(big, info), receiving);
        if (f == null) {
            return Connection.NO_FRAME;
        }
        dst.put(f.payload());
        describe(f, info);
        socket.recycle(f);
        return f.type();
    }

    private void checkReceive(MessageInfo info) {
        if (info == null) {
            throw IpcException.invalidArgument(socket.name() + ": a MessageInfo to fill is required");
        }
        handle.require(Rights.READ, "receive on");
    }

    private void describe(Frame f, MessageInfo info) {
        info.set(f.payload().length, f.priority(), peer.kind(), peer.id(), peer.pid());
    }
}
