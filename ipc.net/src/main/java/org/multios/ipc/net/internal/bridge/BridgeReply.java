package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.REPLY_ERROR;
import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.REPLY_OK;

import java.nio.ByteBuffer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDescriptor;

/**
 * A reply to a bridge request: its frame type, priority and payload, whether it hands over a
 * message, and the session whose custody has room reserved for that message (null without a
 * session).
 */
record BridgeReply(int type, int priority, byte[] payload, boolean carriesMessage, BridgeSession custody) {
    static BridgeReply ok(ByteBuffer payload) {
        return new BridgeReply(REPLY_OK, 0, payload.array(), false, null);
    }

    static BridgeReply cancelled(int id) {
        return error(id, new IpcException(IpcError.INTERRUPTED, "the request was cancelled; it did nothing"), 0, 0);
    }

    static BridgeReply error(int id, IpcException e, int length, int priority) {
        return new BridgeReply(REPLY_ERROR, 0, Replies.error(id, e.error(), e.getMessage(), length, priority), false,
                null);
    }

    Frame frame() {
        return new Frame(FrameDescriptor.KIND_DATA, type, priority, payload);
    }
}
