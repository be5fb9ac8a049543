package org.multios.ipc.net;

import org.multios.ipc.IpcException;

/**
 * Frame types of a {@link Connection}: an application-defined number
 * {@value #MIN} to {@value #MAX} sent with each frame, for example to tell requests from
 * replies. The transport's own control frames (handshake, close) are separate and never seen
 * by the application.
 */
public final class FrameType {
    /** The smallest frame type. */
    public static final int MIN = 0;
    /** The largest frame type. */
    public static final int MAX = 0xFFFF;
    /** The type of frames sent without one. */
    public static final int DEFAULT = 0;

    private FrameType() {
    }

    /**
     * Returns the type if it is in range.
     *
     * @param object the connection or endpoint, named in the message
     * @throws IpcException INVALID_ARGUMENT naming the object and the range
     */
    public static int requireValid(int type, String object) {
        if (type < MIN || type > MAX) {
            throw IpcException.invalidArgument(object + ": frame type " + type + " is outside " + MIN + ".." + MAX);
        }
        return type;
    }
}
