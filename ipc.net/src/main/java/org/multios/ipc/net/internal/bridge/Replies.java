package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Frame;

/** Builds and reads the bridge's replies ({@link BridgeDescriptor}). */
final class Replies {
    private static final int MAX_REASON = 1024;

    private Replies() {
    }

    /** An OK reply's payload with {@code resultBytes} of room after the id. */
    static ByteBuffer ok(int id, int resultBytes) {
        return ByteBuffer.allocate(RESULT_OFFSET + resultBytes).putInt(id);
    }

    /** An ERROR reply's payload. */
    static byte[] error(int id, IpcError error, String reason, int length, int priority) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, MAX_REASON);
        return ByteBuffer.allocate(RESULT_OFFSET + 2 + 4 + 1 + 2 + n).putInt(id).putShort((short) error.code())
                .putInt(length).put((byte) priority).putShort((short) n).put(text, 0, n).array();
    }

    /** The request id of a reply or request. */
    static int id(Frame frame) {
        return frame.payload().length >= 4 ? ByteBuffer.wrap(frame.payload()).getInt(ID_OFFSET) : -1;
    }

    /**
     * The reply, if it is an ERROR (read by {@link #check}) or an OK holding the whole result of
     * operation {@code op} (a RECEIVE's message header when it says it got one).
     *
     * @throws IpcException PROTOCOL_ERROR naming the object, the operation and the lengths
     */
    static Frame wellFormed(int op, Frame reply, String object) {
        if (reply.type() != REPLY_OK) {
            return reply;
        }
        byte[] p = reply.payload();
        int result = switch (op) {
            case OP_OPEN -> OPEN_RESULT;
            case OP_OPEN_SESSION -> OPEN_RESULT + 8;
            case OP_SEND, OP_ACK -> 1;
            case OP_RECEIVE -> p.length > RESULT_OFFSET && p[RESULT_OFFSET] != 0 ? RECEIVE_REPLY_HEADER - RESULT_OFFSET : 1;
            case OP_STATUS -> 5;
            case OP_END -> 4;
            default -> 0;
        };
        if (p.length < RESULT_OFFSET + result) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, object + ": the bridge answered operation " + op
                    + " with an OK reply of " + p.length + " bytes; its result needs " + (RESULT_OFFSET + result));
        }
        return reply;
    }

    /** Whether a reply is an OK RECEIVE reply that carries a message. */
    static boolean isMessage(Frame reply) {
        return reply.type() == REPLY_OK && reply.payload().length >= RECEIVE_REPLY_HEADER
                && reply.payload()[RESULT_OFFSET] == 1;
    }

    /**
     * Throws the error an ERROR reply carries; an OK reply passes.
     *
     * @param tooLarge told the length and priority of a message that did not fit
     */
    static void check(Frame reply, String object, java.util.function.IntBinaryOperator tooLarge) {
        if (reply.type() == REPLY_OK) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(reply.payload());
        if (reply.type() != REPLY_ERROR || b.limit() < RESULT_OFFSET + 9) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, object + ": the bridge sent a malformed reply");
        }
        IpcError error;
        try {
            error = IpcError.ofCode(b.getShort(RESULT_OFFSET) & 0xFFFF);
        } catch (IpcException unknown) {
            error = IpcError.PROTOCOL_ERROR;
        }
        int length = b.getInt(RESULT_OFFSET + 2);
        int priority = b.get(RESULT_OFFSET + 6) & 0xFF;
        int n = Math.min(b.getShort(RESULT_OFFSET + 7) & 0xFFFF, b.limit() - RESULT_OFFSET - 9);
        String reason = new String(reply.payload(), RESULT_OFFSET + 9, n, StandardCharsets.UTF_8);
        if (error == IpcError.MESSAGE_TOO_LARGE) {
            tooLarge.applyAsInt(length, priority);
        }
        throw new IpcException(error, object + " (remote): " + reason);
    }
}
