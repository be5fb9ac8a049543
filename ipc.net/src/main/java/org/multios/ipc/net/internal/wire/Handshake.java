package org.multios.ipc.net.internal.wire;

import static org.multios.ipc.net.internal.wire.HandshakeDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.AuthToken;

/**
 * Encodes and decodes the handshake's control frames ({@link HandshakeDescriptor}). Decoding
 * checks every length against the payload it came in, so a hostile payload yields
 * PROTOCOL_ERROR, never an exception of another kind.
 */
public final class Handshake {
    private static final int MAX_TEXT = FrameDescriptor.MAX_CONTROL_PAYLOAD - TEXT_OFFSET;

    private Handshake() {
    }

    /** The client's first frame. */
    public record Hello(int version, int maxFrameSize, long pid, Optional<AuthToken> token) {
    }

    /** The server's acceptance. */
    public record Welcome(int version, int maxFrameSize, long pid, String name) {
    }

    /** A refusal, or the reason a connection ends. */
    public record Refusal(IpcError error, String reason) {
        /** The refusal as the exception the refused side throws. */
        public IpcException toException(String where) {
            return new IpcException(error, where + " refused: " + reason);
        }
    }

    /** A HELLO frame. */
    public static Frame hello(int version, int maxFrameSize, long pid, Optional<AuthToken> token) {
        byte[] secret = token.map(AuthToken::bytes).orElse(new byte[0]);
        ByteBuffer b = ByteBuffer.allocate(TEXT_OFFSET + secret.length);
        b.putInt(MAGIC).putShort((short) version).putShort((short) 0).putInt(maxFrameSize).putLong(pid)
                .putShort((short) secret.length).put(secret);
        return new Frame(FrameDescriptor.KIND_HELLO, 0, 0, b.array());
    }

    /** A WELCOME frame; the name is cut to fit a control frame. */
    public static Frame welcome(int maxFrameSize, long pid, String name) {
        byte[] text = utf8(name, MAX_TEXT);
        ByteBuffer b = ByteBuffer.allocate(TEXT_OFFSET + text.length);
        b.putInt(MAGIC).putShort((short) VERSION).putShort((short) 0).putInt(maxFrameSize).putLong(pid)
                .putShort((short) text.length).put(text);
        return new Frame(FrameDescriptor.KIND_WELCOME, 0, 0, b.array());
    }

    /** A REFUSE frame; the reason is cut to fit a control frame. */
    public static Frame refuse(IpcError error, String reason) {
        byte[] text = utf8(reason, FrameDescriptor.MAX_CONTROL_PAYLOAD - REASON_OFFSET);
        ByteBuffer b = ByteBuffer.allocate(REASON_OFFSET + text.length);
        b.putShort((short) error.code()).putShort((short) text.length).put(text);
        return new Frame(FrameDescriptor.KIND_REFUSE, 0, 0, b.array());
    }

    /** A BYE frame. */
    public static Frame bye() {
        return new Frame(FrameDescriptor.KIND_BYE, 0, 0, new byte[0]);
    }

    /**
     * Reads a HELLO. The version is returned as sent, for the caller to check.
     *
     * @throws IpcException PROTOCOL_ERROR if the payload is not a HELLO of this protocol
     */
    public static Hello readHello(Frame frame) {
        ByteBuffer b = expect(frame, FrameDescriptor.KIND_HELLO, "HELLO");
        int length = b.getShort(TEXT_LENGTH_OFFSET) & 0xFFFF;
        if (length > AuthToken.MAX_BYTES || TEXT_OFFSET + length != b.limit()) {
            throw protocol("HELLO token length " + length + " does not match its frame of " + b.limit() + " bytes");
        }
        Optional<AuthToken> token = Optional.empty();
        if (length > 0) {
            byte[] secret = new byte[length];
            b.get(TEXT_OFFSET, secret);
            token = Optional.of(AuthToken.of(secret));
        }
        return new Hello(b.getShort(VERSION_OFFSET) & 0xFFFF, b.getInt(MAX_FRAME_OFFSET), b.getLong(PID_OFFSET), token);
    }

    /**
     * Reads a WELCOME.
     *
     * @throws IpcException PROTOCOL_ERROR if the payload is not a WELCOME of this version
     */
    public static Welcome readWelcome(Frame frame) {
        ByteBuffer b = expect(frame, FrameDescriptor.KIND_WELCOME, "WELCOME");
        int version = b.getShort(VERSION_OFFSET) & 0xFFFF;
        if (version != VERSION) {
            throw protocol("the server speaks protocol version " + version + "; this side speaks " + VERSION);
        }
        int length = b.getShort(TEXT_LENGTH_OFFSET) & 0xFFFF;
        if (TEXT_OFFSET + length != b.limit()) {
            throw protocol("WELCOME name length " + length + " does not match its frame of " + b.limit() + " bytes");
        }
        return new Welcome(version, b.getInt(MAX_FRAME_OFFSET), b.getLong(PID_OFFSET),
                new String(frame.payload(), TEXT_OFFSET, length, StandardCharsets.UTF_8));
    }

    /**
     * Reads a REFUSE; an unknown error code reads as PROTOCOL_ERROR.
     *
     * @throws IpcException PROTOCOL_ERROR if the payload is malformed
     */
    public static Refusal readRefusal(Frame frame) {
        if (frame.kind() != FrameDescriptor.KIND_REFUSE || frame.payload().length < REASON_OFFSET) {
            throw protocol("expected a REFUSE frame");
        }
        ByteBuffer b = ByteBuffer.wrap(frame.payload());
        int length = b.getShort(REASON_LENGTH_OFFSET) & 0xFFFF;
        if (REASON_OFFSET + length != b.limit()) {
            throw protocol("REFUSE reason length " + length + " does not match its frame of " + b.limit() + " bytes");
        }
        IpcError error;
        try {
            error = IpcError.ofCode(b.getShort(ERROR_OFFSET) & 0xFFFF);
        } catch (IpcException unknown) {
            error = IpcError.PROTOCOL_ERROR;
        }
        return new Refusal(error, new String(frame.payload(), REASON_OFFSET, length, StandardCharsets.UTF_8));
    }

    private static ByteBuffer expect(Frame frame, int kind, String what) {
        if (frame.kind() != kind) {
            throw protocol("expected a " + what + " frame, got kind " + frame.kind());
        }
        if (frame.payload().length < TEXT_OFFSET) {
            throw protocol(what + " of " + frame.payload().length + " bytes is shorter than its " + TEXT_OFFSET
                    + "-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(frame.payload());
        if (b.getInt(MAGIC_OFFSET) != MAGIC) {
            throw protocol("the peer does not speak the MultiOS IPC protocol (bad magic)");
        }
        return b;
    }

    private static byte[] utf8(String text, int max) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= max) {
            return bytes;
        }
        int end = max;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return java.util.Arrays.copyOf(bytes, end);
    }

    private static IpcException protocol(String message) {
        return new IpcException(IpcError.PROTOCOL_ERROR, message);
    }
}
