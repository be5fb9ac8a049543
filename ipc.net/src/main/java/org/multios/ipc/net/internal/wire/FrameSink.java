package org.multios.ipc.net.internal.wire;

/** Receives the frames a {@link FrameDecoder} completes. */
@FunctionalInterface
public interface FrameSink {
    /** A whole frame arrived. */
    void frame(Frame frame);
}
