package org.multios.ipc.net.internal.wire;

/**
 * One frame as buffered between the socket and the application: the payload is owned by the
 * frame (copied in when sent, handed over when received).
 *
 * @param kind     {@link FrameDescriptor#KIND_DATA} or a control kind
 * @param type     the application's frame type
 * @param priority 0 to 31
 * @param payload  the bytes, never shared
 */
public record Frame(int kind, int type, int priority, byte[] payload) {
    /** Bytes the frame takes on the wire. */
    public int wireLength() {
        return FrameDescriptor.HEADER_LENGTH + payload.length;
    }
}
