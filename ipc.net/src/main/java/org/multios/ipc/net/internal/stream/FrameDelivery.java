package org.multios.ipc.net.internal.stream;

import org.multios.ipc.net.internal.wire.Frame;

/**
 * Told what became of each DATA frame a connection sent: handed whole to the socket, or never
 * (the connection ended first). Called in the writing thread; must not block.
 */
public interface FrameDelivery {
    /** The frame's last byte went to the socket. */
    void written(Frame frame);

    /** The frame will never be written. */
    void undelivered(Frame frame);
}
