package org.multios.ipc.net.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.multios.ipc.net.internal.wire.FrameDescriptor.*;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.net.AuthToken;

/** The stream framing: {@link FrameEncoder} writes what {@link FrameDecoder} reads, however it is cut. */
class FrameDecoderTest {
    private static final int MAX = 1024;

    private final FrameDecoder decoder = new FrameDecoder(MAX);
    private final List<Frame> received = new ArrayList<>();

    @Test
    void encodesTheDocumentedBigEndianLayout() {
        assertThat(FrameEncoder.toBytes(new Frame(KIND_REFUSE, 0x0102, 31, new byte[] { 9, 8 })))
                .containsExactly(0, 0, 0, 2, 1, 2, 31, KIND_REFUSE, 9, 8);
    }

    @Test
    void roundTripsFramesOfEveryKind() {
        List<Frame> sent = everyKind();

        assertThat(decode(decoder, encode(sent))).isEqualTo(FrameDecoder.OK);

        assertSameFrames(received, sent);
        assertThat(decoder.isMidFrame()).isFalse();
        assertThat(decoder.problem()).isNull();
    }

    @Test
    void decodesBytesFedOneAtATime() {
        List<Frame> sent = everyKind();
        for (byte b : encode(sent)) {
            assertThat(decode(decoder, new byte[] { b })).isEqualTo(FrameDecoder.OK);
        }
        assertSameFrames(received, sent);
    }

    @Test
    void decodesTwoFramesSplitAtEveryByte() {
        Frame first = new Frame(KIND_DATA, 7, 3, pattern(5));
        Frame second = new Frame(KIND_DATA, 65535, 31, pattern(3));
        byte[] both = encode(List.of(first, second));
        for (int split = 0; split <= both.length; split++) {
            FrameDecoder d = new FrameDecoder(MAX);
            List<Frame> got = new ArrayList<>();
            ByteBuffer in = ByteBuffer.wrap(both);

            assertThat(d.decode(in.slice(0, split), got::add)).isEqualTo(FrameDecoder.OK);
            assertThat(d.decode(in.slice(split, both.length - split), got::add)).isEqualTo(FrameDecoder.OK);

            assertSameFrames(got, List.of(first, second));
        }
    }

    @Test
    void isMidFrameOnlyInsideAHeaderOrAPayload() {
        Frame data = new Frame(KIND_DATA, 1, 1, pattern(4));
        byte[] stream = encode(List.of(data, Handshake.bye()));
        assertThat(decoder.isMidFrame()).isFalse();
        for (int i = 1; i <= stream.length; i++) {
            decoder.decode(ByteBuffer.wrap(stream, i - 1, 1), received::add);
            boolean betweenFrames = i == data.wireLength() || i == stream.length;
            assertThat(decoder.isMidFrame()).as("after %d bytes", i).isEqualTo(!betweenFrames);
        }
        assertThat(received).hasSize(2);
    }

    @Test
    void deliversZeroLengthFramesAsSoonAsTheirHeaderIsComplete() {
        for (int kind = KIND_DATA; kind <= KIND_BYE; kind++) {
            int before = received.size();
            decode(decoder, header(kind, kind, 0, 0));
            assertThat(received).as("kind %d", kind).hasSize(before + 1);
            assertThat(received.get(before).payload()).isEmpty();
            assertThat(received.get(before).kind()).isEqualTo(kind);
        }
        assertThat(decoder.isMidFrame()).isFalse();
    }

    @Test
    void acceptsADataPayloadOfExactlyTheLimit() {
        Frame max = new Frame(KIND_DATA, 1, 0, pattern(MAX));

        assertThat(decode(decoder, FrameEncoder.toBytes(max))).isEqualTo(FrameDecoder.OK);

        assertSameFrames(received, List.of(max));
    }

    @Test
    void refusesADataPayloadOneByteOverTheLimit() {
        assertThat(decode(decoder, header(KIND_DATA, 1, 0, MAX + 1))).isEqualTo(FrameDecoder.FAILED);

        assertThat(decoder.problem()).contains(String.valueOf(MAX + 1)).contains(String.valueOf(MAX));
        assertThat(received).isEmpty();
    }

    @Test
    void limitsControlFramesTo4096WhateverTheDataLimit() {
        for (int kind = KIND_HELLO; kind <= KIND_BYE; kind++) {
            FrameDecoder large = new FrameDecoder(1 << 20);
            Frame max = new Frame(kind, 0, 0, pattern(MAX_CONTROL_PAYLOAD));
            assertThat(decode(large, FrameEncoder.toBytes(max))).isEqualTo(FrameDecoder.OK);

            assertThat(decode(large, header(kind, 0, 0, MAX_CONTROL_PAYLOAD + 1)))
                    .as("kind %d", kind).isEqualTo(FrameDecoder.FAILED);
            assertThat(large.problem()).contains("4097").contains("4096");
        }
        assertThat(received).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(ints = { KIND_BYE + 1, 0x80, 0xFF })
    void refusesAnUnknownKind(int kind) {
        assertThat(decode(decoder, header(kind, 0, 0, 0))).isEqualTo(FrameDecoder.FAILED);
        assertThat(decoder.problem()).contains("kind " + kind);
        assertThat(received).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = { 32, 0xFF })
    void refusesAPriorityOver31(int priority) {
        assertThat(decode(decoder, header(KIND_DATA, 0, priority, 0))).isEqualTo(FrameDecoder.FAILED);
        assertThat(decoder.problem()).contains("priority " + priority);
        assertThat(received).isEmpty();
    }

    @Test
    void staysFailedForGood() {
        assertThat(decode(decoder, header(KIND_DATA, 0, 32, 0))).isEqualTo(FrameDecoder.FAILED);
        String problem = decoder.problem();
        byte[] valid = FrameEncoder.toBytes(new Frame(KIND_DATA, 1, 1, pattern(3)));

        assertThat(decode(decoder, valid)).isEqualTo(FrameDecoder.FAILED);
        assertThat(decode(decoder, new byte[0])).isEqualTo(FrameDecoder.FAILED);
        assertThat(decoder.problem()).isSameAs(problem);
        assertThat(received).isEmpty();
    }

    /**
     * A length beyond the limit fails as soon as the 8th header byte arrives, and nothing near its
     * size is allocated (0xFFFFFFFF also checks that the u32 is not read as a signed -1).
     */
    @ParameterizedTest
    @CsvSource({ "1024, 4294967295", "1024, 2147483647", "2147483647, 4294967295" })
    void refusesAHugeLengthRightAfterTheHeaderWithoutAllocating(int limit, long length) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        byte[] h = header(KIND_DATA, 0, 0, (int) length);
        new FrameDecoder(limit).decode(ByteBuffer.wrap(h), received::add); // warms up the failure path
        FrameDecoder d = new FrameDecoder(limit);

        assertThat(d.decode(ByteBuffer.wrap(h, 0, 7), received::add)).isEqualTo(FrameDecoder.OK);
        long allocated = threads.getCurrentThreadAllocatedBytes();
        int status = d.decode(ByteBuffer.wrap(h, 7, 1), received::add);
        allocated = threads.getCurrentThreadAllocatedBytes() - allocated;

        assertThat(status).isEqualTo(FrameDecoder.FAILED);
        assertThat(d.problem()).contains(Long.toString(length));
        assertThat(allocated).as("bytes allocated while refusing").isLessThan(1 << 20);
    }

    private int decode(FrameDecoder d, byte[] bytes) {
        return d.decode(ByteBuffer.wrap(bytes), received::add);
    }

    /** One frame of each kind, with edge values of type, priority and length. */
    private static List<Frame> everyKind() {
        return List.of(
                new Frame(KIND_DATA, 0, 0, new byte[0]),
                new Frame(KIND_DATA, 65535, 31, pattern(MAX)),
                new Frame(KIND_DATA, 0x8001, 16, pattern(300)),
                Handshake.hello(HandshakeDescriptor.VERSION, MAX, 42, Optional.of(AuthToken.of("secret"))),
                Handshake.welcome(MAX, 43, "server"),
                Handshake.refuse(IpcError.PERMISSION_DENIED, "no"),
                Handshake.bye(),
                new Frame(KIND_HELLO, 0, 0, pattern(MAX_CONTROL_PAYLOAD)));
    }

    static byte[] encode(List<Frame> frames) {
        ByteBuffer b = ByteBuffer.allocate(frames.stream().mapToInt(Frame::wireLength).sum());
        frames.forEach(f -> FrameEncoder.put(b, f));
        return b.array();
    }

    private static byte[] header(int kind, int type, int priority, int length) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH);
        FrameEncoder.putHeader(b, kind, type, priority, length);
        return b.array();
    }

    /** Bytes that differ from one offset to the next, so that a shifted payload shows. */
    private static byte[] pattern(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** Frames compare by content (a record's equals compares arrays by identity). */
    static void assertSameFrames(List<Frame> actual, List<Frame> expected) {
        assertThat(actual).map(Content::of).containsExactlyElementsOf(expected.stream().map(Content::of).toList());
    }

    /** A frame's fields; a ByteBuffer's equals compares the bytes. */
    private record Content(int kind, int type, int priority, ByteBuffer payload) {
        static Content of(Frame f) {
            return new Content(f.kind(), f.type(), f.priority(), ByteBuffer.wrap(f.payload()));
        }
    }
}
