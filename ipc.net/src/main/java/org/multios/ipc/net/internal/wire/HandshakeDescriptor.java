package org.multios.ipc.net.internal.wire;

/**
 * Payloads of the handshake's control frames (see {@link FrameDescriptor}), big-endian.
 *
 * <pre>
 * HELLO (client to server)                 WELCOME (server to client)
 *  0  magic "MIPC"            u32           0  magic "MIPC"            u32
 *  4  version                 u16           4  version                 u16
 *  6  reserved (0)            u16           6  reserved (0)            u16
 *  8  max frame size          u32           8  agreed max frame size   u32
 * 12  process id              u64          12  process id              u64
 * 20  token length            u16          20  name length             u16
 * 22  token bytes ...                      22  name (UTF-8) ...
 *
 * REFUSE (either side)
 *  0  error code (IpcError)   u16
 *  2  reason length           u16
 *  4  reason (UTF-8) ...
 * </pre>
 *
 * <p>The server answers a HELLO whose magic is wrong, or whose version it does not speak,
 * with REFUSE (PROTOCOL_ERROR, naming both versions) and closes. The agreed frame size is the
 * smaller of both sides' maxima. A client's process id is shown, never trusted: on Unix sockets
 * the kernel identifies the peer, on TCP its token does.
 */
public final class HandshakeDescriptor {
    /** "MIPC". */
    public static final int MAGIC = 0x4D495043;
    /** The protocol version this side speaks. */
    public static final int VERSION = 1;

    /** Offset of the magic (HELLO, WELCOME). */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the version (HELLO, WELCOME). */
    public static final int VERSION_OFFSET = 4;
    /** Offset of the maximum frame size (HELLO, WELCOME). */
    public static final int MAX_FRAME_OFFSET = 8;
    /** Offset of the process id (HELLO, WELCOME). */
    public static final int PID_OFFSET = 12;
    /** Offset of the token length (HELLO) or name length (WELCOME). */
    public static final int TEXT_LENGTH_OFFSET = 20;
    /** Offset of the token (HELLO) or name (WELCOME). */
    public static final int TEXT_OFFSET = 22;

    /** Offset of the error code (REFUSE). */
    public static final int ERROR_OFFSET = 0;
    /** Offset of the reason's length (REFUSE). */
    public static final int REASON_LENGTH_OFFSET = 2;
    /** Offset of the reason (REFUSE). */
    public static final int REASON_OFFSET = 4;

    private HandshakeDescriptor() {
    }
}
