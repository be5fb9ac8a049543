package org.multios.ipc.net.internal.wire;

/**
 * The frame layout of stream connections (TCP and Unix sockets). Every field is big-endian
 * (network order), so that programs in any language can speak it with a few lines of code.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     payload length (u32)                      |  0
 *  +-------------------------------+---------------+---------------+
 *  |          type (u16)           | priority (u8) |   kind (u8)   |  4
 *  +-------------------------------+---------------+---------------+
 *  |                  payload: 0 to max-frame-size bytes ...       |  8
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <ul>
 * <li><b>payload length</b>: bytes following the header; a DATA frame carries at most the
 * maximum frame size agreed in the handshake, a control frame at most
 * {@value #MAX_CONTROL_PAYLOAD}. A longer length ends the connection (it is never allocated).</li>
 * <li><b>type</b>: the application's frame type (0 to 65535) on DATA frames, 0 otherwise.</li>
 * <li><b>priority</b>: 0 to 31, higher first; 0 on control frames.</li>
 * <li><b>kind</b>: {@link #KIND_DATA} or a control frame: {@link #KIND_HELLO},
 * {@link #KIND_WELCOME}, {@link #KIND_REFUSE}, {@link #KIND_BYE}.</li>
 * </ul>
 *
 * <p>A connection starts with the client's HELLO, answered by WELCOME or REFUSE (see
 * {@link HandshakeDescriptor}); only then are DATA frames exchanged. BYE (empty payload) says
 * that the sender will send nothing more; the receiver still takes the frames before it.
 */
public final class FrameDescriptor {
    /** Offset of the payload length. */
    public static final int LENGTH_OFFSET = 0;
    /** Offset of the frame type. */
    public static final int TYPE_OFFSET = 4;
    /** Offset of the priority. */
    public static final int PRIORITY_OFFSET = 6;
    /** Offset of the kind. */
    public static final int KIND_OFFSET = 7;
    /** Bytes of the header; the payload follows. */
    public static final int HEADER_LENGTH = 8;

    /** An application frame. */
    public static final int KIND_DATA = 0;
    /** Client to server, first frame: protocol, version, limits, identification. */
    public static final int KIND_HELLO = 1;
    /** Server to client: the handshake succeeded. */
    public static final int KIND_WELCOME = 2;
    /** Either side: the connection is refused or ended for an error, with its code and reason. */
    public static final int KIND_REFUSE = 3;
    /** Either side: nothing more follows from the sender. */
    public static final int KIND_BYE = 4;

    /** The largest payload of a control frame. */
    public static final int MAX_CONTROL_PAYLOAD = 4096;

    private FrameDescriptor() {
    }

    /** Whether a kind is known. */
    public static boolean isKnownKind(int kind) {
        return kind >= KIND_DATA && kind <= KIND_BYE;
    }
}
