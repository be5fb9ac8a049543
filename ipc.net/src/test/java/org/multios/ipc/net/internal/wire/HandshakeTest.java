package org.multios.ipc.net.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.net.internal.wire.HandshakeDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.IntStream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.AuthToken;

/** The handshake's control frames: what is written reads back, and a malformed one is a PROTOCOL_ERROR. */
class HandshakeTest {
    private static final int MAX_NAME = FrameDescriptor.MAX_CONTROL_PAYLOAD - TEXT_OFFSET;
    private static final int MAX_REASON = FrameDescriptor.MAX_CONTROL_PAYLOAD - REASON_OFFSET;

    @ParameterizedTest
    @ValueSource(ints = { 0, 1, 37, AuthToken.MAX_BYTES })
    void helloRoundTrips(int tokenLength) {
        Optional<AuthToken> token = tokenLength == 0 ? Optional.empty() : Optional.of(AuthToken.of(bytes(tokenLength)));

        Frame frame = Handshake.hello(65535, 1 << 20, Long.MIN_VALUE + 5, token);
        Handshake.Hello hello = Handshake.readHello(frame);

        assertThat(frame.kind()).isEqualTo(FrameDescriptor.KIND_HELLO);
        assertThat(frame.payload()).hasSize(TEXT_OFFSET + tokenLength);
        assertThat(hello).isEqualTo(new Handshake.Hello(65535, 1 << 20, Long.MIN_VALUE + 5, token));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "server-1", "Größe €5 😀" })
    void welcomeRoundTrips(String name) {
        Frame frame = Handshake.welcome(65536, 1234567890123L, name);

        assertThat(frame.kind()).isEqualTo(FrameDescriptor.KIND_WELCOME);
        assertThat(Handshake.readWelcome(frame)).isEqualTo(new Handshake.Welcome(VERSION, 65536, 1234567890123L, name));
    }

    @ParameterizedTest
    @EnumSource(IpcError.class)
    void refusalRoundTripsEveryError(IpcError error) {
        Frame frame = Handshake.refuse(error, "because ✓");
        Handshake.Refusal refusal = Handshake.readRefusal(frame);

        assertThat(frame.kind()).isEqualTo(FrameDescriptor.KIND_REFUSE);
        assertThat(refusal).isEqualTo(new Handshake.Refusal(error, "because ✓"));
        assertThat(refusal.toException("server").error()).isEqualTo(error);
        assertThat(refusal.toException("server")).hasMessageContaining("server refused: because ✓");
    }

    @Test
    void byeIsAnEmptyControlFrame() {
        assertThat(Handshake.bye().kind()).isEqualTo(FrameDescriptor.KIND_BYE);
        assertThat(Handshake.bye().payload()).isEmpty();
    }

    @Test
    void helloWithWrongMagicIsAProtocolError() {
        byte[] p = Handshake.hello(VERSION, 100, 1, Optional.empty()).payload();
        p[MAGIC_OFFSET + 3] ^= 1;
        assertProtocolError(() -> Handshake.readHello(hello(p)));
    }

    @Test
    void helloShorterThanItsHeaderIsAProtocolError() {
        byte[] p = Handshake.hello(VERSION, 100, 1, Optional.empty()).payload();
        for (int length = 0; length < TEXT_OFFSET; length++) {
            byte[] cut = Arrays.copyOf(p, length);
            assertProtocolError(() -> Handshake.readHello(hello(cut)));
        }
    }

    @ParameterizedTest
    @CsvSource({ "4, 5", "5, 4", "0, 1", "1, 0" })
    void helloWhoseTokenLengthDoesNotMatchItsFrameIsAProtocolError(int declared, int actual) {
        assertProtocolError(() -> Handshake.readHello(helloWithToken(declared, actual)));
    }

    @Test
    void helloWithATokenOverMaxBytesIsAProtocolError() {
        int length = AuthToken.MAX_BYTES + 1;
        assertProtocolError(() -> Handshake.readHello(helloWithToken(length, length)));
    }

    @Test
    void readersRefuseAFrameOfAnotherKind() {
        assertProtocolError(() -> Handshake.readHello(Handshake.welcome(1, 1, "x")));
        assertProtocolError(() -> Handshake.readWelcome(Handshake.hello(VERSION, 1, 1, Optional.empty())));
        assertProtocolError(() -> Handshake.readRefusal(Handshake.bye()));
    }

    @Test
    void welcomeOfAnotherVersionIsAProtocolErrorNamingBothVersions() {
        byte[] p = withShort(Handshake.welcome(1, 1, "srv").payload(), VERSION_OFFSET, 300);

        assertThatThrownBy(() -> Handshake.readWelcome(welcome(p)))
                .isInstanceOfSatisfying(IpcException.class, HandshakeTest::isProtocolError)
                .message().containsPattern("\\b300\\b").containsPattern("\\b" + VERSION + "\\b");
    }

    @Test
    void malformedWelcomeIsAProtocolError() {
        byte[] p = Handshake.welcome(1, 1, "srv").payload();
        assertProtocolError(() -> Handshake.readWelcome(welcome(Arrays.copyOf(p, p.length - 1))));
        assertProtocolError(() -> Handshake.readWelcome(welcome(Arrays.copyOf(p, p.length + 1))));
        assertProtocolError(() -> Handshake.readWelcome(welcome(Arrays.copyOf(p, TEXT_OFFSET - 1))));
        p[MAGIC_OFFSET] = 0;
        assertProtocolError(() -> Handshake.readWelcome(welcome(p)));
    }

    /** Codes no IpcError has: 0, the first after the highest, and far ones. */
    static IntStream unknownErrorCodes() {
        return IntStream.of(0, Arrays.stream(IpcError.values()).mapToInt(IpcError::code).max().getAsInt() + 1, 999,
                65535);
    }

    @ParameterizedTest
    @MethodSource("unknownErrorCodes")
    void refusalWithAnUnknownErrorCodeReadsAsProtocolError(int code) {
        byte[] p = withShort(Handshake.refuse(IpcError.TIMEOUT, "why").payload(), ERROR_OFFSET, code);

        assertThat(Handshake.readRefusal(refusal(p))).isEqualTo(new Handshake.Refusal(IpcError.PROTOCOL_ERROR, "why"));
    }

    @Test
    void malformedRefusalIsAProtocolError() {
        byte[] p = Handshake.refuse(IpcError.TIMEOUT, "why").payload();
        assertProtocolError(() -> Handshake.readRefusal(refusal(Arrays.copyOf(p, REASON_OFFSET - 1))));
        assertProtocolError(() -> Handshake.readRefusal(refusal(Arrays.copyOf(p, p.length - 1))));
        assertProtocolError(() -> Handshake.readRefusal(refusal(Arrays.copyOf(p, p.length + 1))));
    }

    @Test
    void textThatFitsIsKeptWhole() {
        String name = "n".repeat(MAX_NAME);
        String reason = "r".repeat(MAX_REASON);
        assertThat(Handshake.readWelcome(Handshake.welcome(1, 1, name)).name()).isEqualTo(name);
        assertThat(Handshake.readRefusal(Handshake.refuse(IpcError.BUSY, reason)).reason()).isEqualTo(reason);
    }

    /**
     * Over-long names and reasons are cut to the longest prefix that fits a control frame and
     * ends on a character boundary, whatever the alignment of 1- to 4-byte UTF-8 characters.
     */
    @ParameterizedTest
    @ValueSource(strings = { "a", "é", "€", "😀" })
    void longTextIsCutOnACharacterBoundary(String character) throws CharacterCodingException {
        for (int ascii = 0; ascii < 4; ascii++) {
            String text = "x".repeat(ascii) + character.repeat(5000);

            Frame w = Handshake.welcome(1, 1, text);
            assertCutOnBoundary(w, TEXT_OFFSET, Handshake.readWelcome(w).name(), text, MAX_NAME, character);
            Frame r = Handshake.refuse(IpcError.BUSY, text);
            assertCutOnBoundary(r, REASON_OFFSET, Handshake.readRefusal(r).reason(), text, MAX_REASON, character);
        }
    }

    private static void assertCutOnBoundary(Frame frame, int textOffset, String read, String text, int max, String next)
            throws CharacterCodingException {
        byte[] payload = frame.payload();
        assertThat(payload.length).isLessThanOrEqualTo(FrameDescriptor.MAX_CONTROL_PAYLOAD);
        // strict decoding: a cut inside a character would throw here instead of showing U+FFFD
        String strict = StandardCharsets.UTF_8.newDecoder()
                .decode(ByteBuffer.wrap(payload, textOffset, payload.length - textOffset)).toString();
        assertThat(read).isEqualTo(strict);
        assertThat(text).startsWith(read);
        int length = utf8Length(read);
        assertThat(length).isLessThanOrEqualTo(max).isGreaterThan(max - utf8Length(next));
    }

    private static void assertProtocolError(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpcException.class, HandshakeTest::isProtocolError);
    }

    private static void isProtocolError(IpcException e) {
        assertThat(e.error()).isEqualTo(IpcError.PROTOCOL_ERROR);
    }

    private static Frame hello(byte[] payload) {
        return new Frame(FrameDescriptor.KIND_HELLO, 0, 0, payload);
    }

    private static Frame welcome(byte[] payload) {
        return new Frame(FrameDescriptor.KIND_WELCOME, 0, 0, payload);
    }

    private static Frame refusal(byte[] payload) {
        return new Frame(FrameDescriptor.KIND_REFUSE, 0, 0, payload);
    }

    /** A HELLO whose token length field says {@code declared} and that carries {@code actual} bytes. */
    private static Frame helloWithToken(int declared, int actual) {
        byte[] header = Handshake.hello(VERSION, 1, 1, Optional.empty()).payload();
        return hello(withShort(Arrays.copyOf(header, TEXT_OFFSET + actual), TEXT_LENGTH_OFFSET, declared));
    }

    private static byte[] withShort(byte[] payload, int offset, int value) {
        ByteBuffer.wrap(payload).putShort(offset, (short) value);
        return payload;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static byte[] bytes(int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) 0xA5);
        b[length - 1] = 1;
        return b;
    }
}
