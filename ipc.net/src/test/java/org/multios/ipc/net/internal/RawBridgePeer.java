package org.multios.ipc.net.internal;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.multios.ipc.net.internal.bridge.BridgeDescriptor;

/**
 * A bridge peer over a plain {@link Socket}, writing the bytes of FrameDescriptor,
 * HandshakeDescriptor and BridgeDescriptor by hand as a client in any language would: no code
 * of the mechanism on its side. It reads only when told to.
 */
final class RawBridgePeer implements AutoCloseable {
    private final Socket socket;
    private final Closeable connection;
    private final OutputStream out;
    private final DataInputStream in;

    /** A frame as read: its type, kind and payload. */
    record RawFrame(int type, int kind, byte[] payload) {
        int requestId() {
            return ByteBuffer.wrap(payload).getInt(BridgeDescriptor.ID_OFFSET);
        }

        int errorCode() {
            return ByteBuffer.wrap(payload).getShort(BridgeDescriptor.RESULT_OFFSET) & 0xFFFF;
        }

        String errorText() {
            ByteBuffer b = ByteBuffer.wrap(payload);
            int n = b.getShort(BridgeDescriptor.RESULT_OFFSET + 7) & 0xFFFF;
            return new String(payload, BridgeDescriptor.RESULT_OFFSET + 9, n, StandardCharsets.UTF_8);
        }
    }

    /**
     * Connects and completes the handshake (no token).
     *
     * @param receiveBuffer the socket's receive buffer in bytes (set before connecting), or 0 for the default
     */
    RawBridgePeer(int port, int receiveBuffer) throws IOException {
        this(tcp(port, receiveBuffer));
    }

    private RawBridgePeer(Socket socket) throws IOException {
        this(socket, socket, socket.getOutputStream(), socket.getInputStream());
    }

    private RawBridgePeer(Socket socket, Closeable connection, OutputStream output, InputStream input)
            throws IOException {
        this.socket = socket;
        this.connection = connection;
        out = new BufferedOutputStream(output, 64 * 1024);
        in = new DataInputStream(input);
        ByteBuffer hello = ByteBuffer.allocate(22).putInt(0x4D495043).putShort((short) 1).putShort((short) 0)
                .putInt(65536).putLong(ProcessHandle.current().pid()).putShort((short) 0);
        frame(1, 0, 0, hello.array());
        out.flush();
        RawFrame welcome = read();
        if (welcome.kind() != 2) {
            throw new IOException("expected WELCOME, got a frame of kind " + welcome.kind());
        }
    }

    private static Socket tcp(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /**
     * A peer of the Unix socket {@code file}, connected and through the handshake; its reads wait
     * without a timeout ({@link #socket()} is null).
     */
    static RawBridgePeer unix(Path file) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(file));
            return new RawBridgePeer(null, channel, new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
            }, new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
                }
            });
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** What the peer reads, as it comes (the frames undecoded). */
    InputStream input() {
        return in;
    }

    Socket socket() {
        return socket;
    }

    /** Writes (buffered) an OPEN of queue {@code name} for reading. */
    void open(int id, String name) throws IOException {
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(12 + 6 + text.length).putInt(id).putLong(0)
                .put((byte) BridgeDescriptor.KIND_QUEUE).put((byte) 0).put((byte) 1).put((byte) 0)
                .putShort((short) text.length).put(text);
        frame(0, BridgeDescriptor.OP_OPEN, 0, b.array());
    }

    /** Writes (buffered) an OPEN of queue {@code name} whose name length field says {@code declared}. */
    void openDeclaring(int id, String name, int declared) throws IOException {
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(12 + 6 + text.length).putInt(id).putLong(0)
                .put((byte) BridgeDescriptor.KIND_QUEUE).put((byte) 0).put((byte) 1).put((byte) 0)
                .putShort((short) declared).put(text);
        frame(0, BridgeDescriptor.OP_OPEN, 0, b.array());
    }

    /** Writes (buffered) an OPEN_SESSION of queue {@code name} for reading, listing no received ids. */
    void openSession(int id, String name, long session) throws IOException {
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(12 + 6 + text.length + 10).putInt(id).putLong(0)
                .put((byte) BridgeDescriptor.KIND_QUEUE).put((byte) 0).put((byte) 1).put((byte) 0)
                .putShort((short) text.length).put(text).putLong(session).putShort((short) 0);
        frame(0, BridgeDescriptor.OP_OPEN_SESSION, 0, b.array());
    }

    /** Writes (buffered) the ACK of RECEIVE {@code receive}. */
    void ack(int id, int receive) throws IOException {
        frame(0, BridgeDescriptor.OP_ACK, 0, ByteBuffer.allocate(16).putInt(id).putLong(0).putInt(receive).array());
    }

    /** Writes (buffered) a STATUS request. */
    void status(int id) throws IOException {
        frame(0, BridgeDescriptor.OP_STATUS, 0, ByteBuffer.allocate(12).putInt(id).putLong(0).array());
    }

    /** Writes (buffered) a RECEIVE of at most {@code room} bytes waiting {@code wait} ns (-1: forever). */
    void receive(int id, int room, long wait) throws IOException {
        frame(0, BridgeDescriptor.OP_RECEIVE, 0, ByteBuffer.allocate(16).putInt(id).putLong(wait).putInt(room).array());
    }

    void flush() throws IOException {
        out.flush();
    }

    private void frame(int kind, int type, int priority, byte[] payload) throws IOException {
        writeFrame(out, kind, type, priority, payload);
    }

    /** Writes (buffered) a frame to {@code out}: its header, then its payload. */
    static void writeFrame(OutputStream out, int kind, int type, int priority, byte[] payload) throws IOException {
        out.write(ByteBuffer.allocate(8).putInt(payload.length).putShort((short) type).put((byte) priority)
                .put((byte) kind).array());
        out.write(payload);
    }

    /** Reads the next frame (waits at most the socket's timeout). */
    RawFrame read() throws IOException {
        return readFrame(in);
    }

    /** Reads a frame from {@code in}: its header (length, type, priority, kind), then its payload. */
    static RawFrame readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        int type = in.readUnsignedShort();
        in.readUnsignedByte();
        int kind = in.readUnsignedByte();
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new RawFrame(type, kind, payload);
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
