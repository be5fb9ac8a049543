package org.multios.ipc.net.internal.wire;

import java.nio.ByteBuffer;

/** Writes frames in the layout of {@link FrameDescriptor}. */
public final class FrameEncoder {
    private FrameEncoder() {
    }

    /** Puts the header of a frame with {@code length} payload bytes at the buffer's position. */
    public static void putHeader(ByteBuffer out, int kind, int type, int priority, int length) {
        out.putInt(length);
        out.putShort((short) type);
        out.put((byte) priority);
        out.put((byte) kind);
    }

    /** Puts a whole frame (header and payload) at the buffer's position; it must fit. */
    public static void put(ByteBuffer out, Frame frame) {
        putHeader(out, frame.kind(), frame.type(), frame.priority(), frame.payload().length);
        out.put(frame.payload());
    }

    /** A frame's bytes as one array. */
    public static byte[] toBytes(Frame frame) {
        ByteBuffer b = ByteBuffer.allocate(frame.wireLength());
        put(b, frame);
        return b.array();
    }
}
