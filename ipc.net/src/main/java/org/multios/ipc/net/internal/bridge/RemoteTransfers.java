package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.Priority;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Rights;
import org.multios.ipc.net.internal.stream.SocketCounters;
import org.multios.ipc.net.internal.stream.TransferGate;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.spi.GuardedHandle;

/**
 * The sends and receives of a {@link RemotePort} as bridge requests: checks their arguments and
 * the handle's rights before anything travels, builds SEND and RECEIVE requests, reads their
 * replies (a message the caller's buffer cannot take is kept for the next receive), fills the
 * receiver's {@link MessageInfo} with the sender as the bridge saw it, and throws the errors
 * the bridge replied. Each SEND goes out, and each message received is handed over, through
 * the direction's {@link TransferGate}: a revoked grant refuses.
 */
record RemoteTransfers(GuardedHandle handle, BridgeClient client, String displayName, int maxMessageSize,
        SocketCounters counters, TransferGate sending, TransferGate receiving) {
    /**
     * Sends what remains of {@code src} (then consumed).
     *
     * @param must whether a message that does not go now is WOULD_BLOCK rather than false
     */
    boolean send(ByteBuffer src, int priority, long wait, boolean must) {
        if (src == null) {
            throw IpcException.invalidArgument(displayName + ": the buffer to send is missing");
        }
        byte[] copy = new byte[src.remaining()];
        src.get(src.position(), copy);
        boolean sent = send(copy, 0, copy.length, priority, wait, must);
        if (sent) {
            src.position(src.limit());
        }
        return sent;
    }

    /** Sends {@code len} bytes of {@code b}, waiting as {@code wait} says. */
    boolean send(byte[] b, int off, int len, int priority, long wait, boolean must) {
        Objects.checkFromIndexSize(off, len, b == null ? -1 : b.length);
        Priority.requireValid(priority, displayName);
        handle.require(Rights.WRITE, "send to");
        if (len > maxMessageSize) {
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, displayName + ": a message of " + len
                    + " bytes passes its maximum size of " + maxMessageSize);
        }
        ByteBuffer request = client.request(len, wait).put(b, off, len);
        Frame reply = call(OP_SEND, priority, request.array(), wait, sending, new MessageInfo());
        boolean sent = reply.payload()[RESULT_OFFSET] == 1;
        if (sent) {
            counters.increment(Counter.MESSAGES_OUT);
        } else if (must) {
            throw wouldBlock("send");
        }
        return sent;
    }

    /** Receives into what remains of {@code dst}: the length, or {@link MessagePort#NO_MESSAGE}. */
    int receive(ByteBuffer dst, MessageInfo info, long wait, boolean must) {
        if (dst == null || dst.isReadOnly()) {
            throw IpcException.invalidArgument(displayName + ": the receive buffer is "
                    + (dst == null ? "missing" : "read-only"));
        }
        byte[] buf = new byte[dst.remaining()];
        MessageInfo got = info == null ? new MessageInfo() : info;
        int length = receive(buf, 0, buf.length, got, wait, must);
        if (length != MessagePort.NO_MESSAGE) {
            dst.put(buf, 0, length);
        }
        return length;
    }

    /** Receives into {@code len} bytes of {@code buf}: the length, or {@link MessagePort#NO_MESSAGE}. */
    int receive(byte[] buf, int off, int len, MessageInfo info, long wait, boolean must) {
        Objects.checkFromIndexSize(off, len, buf == null ? -1 : buf.length);
        handle.require(Rights.READ, "receive from");
        MessageInfo target = info == null ? new MessageInfo() : info;
        Frame reply = client.orphan();
        if (reply == null) {
            ByteBuffer request = client.request(4, wait).putInt(Math.min(len, client.maxMessage()));
            reply = call(OP_RECEIVE, 0, request.array(), wait, receiving, target);
        }
        ByteBuffer r = ByteBuffer.wrap(reply.payload());
        if (r.get(RESULT_OFFSET) == 0) {
            if (must) {
                throw wouldBlock("receive");
            }
            return MessagePort.NO_MESSAGE;
        }
        int length = r.limit() - RECEIVE_REPLY_HEADER;
        if (length > len) {
            client.keep(reply);
            fillInfo(r, reply.priority(), target);
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, displayName + ": the next message is " + length
                    + " bytes long; " + len + " bytes were offered");
        }
        int step;
        try {
            step = receiving.enter();
        } catch (IpcException refused) {
            client.keep(reply); // the message goes back to the bridge when the handle closes
            throw refused;
        }
        try {
            System.arraycopy(reply.payload(), RECEIVE_REPLY_HEADER, buf, off, length);
        } finally {
            receiving.exit(step);
        }
        fillInfo(r, reply.priority(), target);
        counters.increment(Counter.MESSAGES_IN);
        return length;
    }

    /** Fills the info from a RECEIVE reply: length, priority and the sender as the bridge saw it. */
    private static void fillInfo(ByteBuffer reply, int priority, MessageInfo info) {
        int kind = reply.get(RESULT_OFFSET + 1) & 0xFF;
        ProcessKind[] kinds = ProcessKind.values();
        info.set(reply.limit() - RECEIVE_REPLY_HEADER, priority, kinds[Math.min(kind, kinds.length - 1)],
                reply.getLong(RESULT_OFFSET + 2), reply.getLong(RESULT_OFFSET + 10));
    }

    /**
     * Runs a request whose frame {@code gate} lets through, throwing the error the bridge
     * replied ({@code tooLarge} told the length and priority of a message that did not fit).
     */
    Frame call(int op, int priority, byte[] payload, long wait, TransferGate gate, MessageInfo tooLarge) {
        handle.checkOpen();
        Frame reply = client.call(op, priority, payload, wait, gate);
        try {
            Replies.check(reply, displayName, (length, p) -> {
                tooLarge.set(length, p, ProcessKind.REMOTE, 0, 0);
                return 0;
            });
        } catch (IpcException e) {
            if (e.error() == IpcError.TIMEOUT) {
                counters.increment(Counter.TIMEOUTS);
            }
            throw e;
        }
        return reply;
    }

    private IpcException wouldBlock(String operation) {
        return new IpcException(IpcError.WOULD_BLOCK, operation + " on " + displayName
                + " would block (the handle is non-blocking)");
    }
}
