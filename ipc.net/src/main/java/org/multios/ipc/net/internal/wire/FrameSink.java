package org.multios.ipc.net.internal.wire;

/** Receives the frames a {@link FrameDecoder} completes. */
@FunctionalInterface
public interface FrameSink {
    /** A whole frame arrived. */
    void frame(Frame frame);

    /** Whether the decoder should go on: false stops it before the next frame (the rest stays in the buffer). */
    default boolean accepting() {
        return true;
    }
}
