package org.multios.ipc.net.internal.stream;

import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.wire.Frame;

/** Told of the frames and the end of a {@link FramedSocket}'s handshake; called in the reactor thread. */
interface Handshaker {
    /** A control frame arrived while handshaking. */
    void frame(FramedSocket socket, Frame frame);

    /** The socket is connected (clients: after the connect finished). */
    void connected(FramedSocket socket);

    /** The handshake ended without success: timeout, drop or protocol error. */
    void failed(FramedSocket socket, IpcException why);
}
