package org.multios.ipc.net.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.multios.ipc.net.internal.wire.FrameDescriptor.*;
import static org.multios.ipc.net.internal.wire.HandshakeDescriptor.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/**
 * Properties of the wire format, checked on random cases: valid streams decode to what was sent
 * however they are cut; arbitrary bytes never break the decoder; hostile handshake payloads only
 * ever yield PROTOCOL_ERROR.
 *
 * <p>The properties run on a small seeded harness ({@link #forAll}) under plain JUnit. Each runs a
 * bounded number of tries (the class takes a few seconds) from a random seed; a falsified
 * property names the seed of the failing case, to replay it alone. System properties, passed
 * through Maven to the test JVM:
 * <ul>
 * <li>{@code wire.fuzz.tries}: tries of every property, to fuzz longer (50,000 take about two
 * minutes), e.g.
 * <pre>mvn -o -pl ipc.api,ipc.net -am verify -Dtest=FrameDecoderFuzzTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dwire.fuzz.tries=50000</pre></li>
 * <li>{@code wire.fuzz.seed}: the first try's seed (try i uses seed + i); with
 * {@code -Dwire.fuzz.tries=1} it replays the case a failure named.</li>
 * </ul>
 */
class FrameDecoderFuzzTest {
    private static final int MAX_DATA = 8192;

    /** (a) Any sequence of valid frames, encoded and fed in any chunks, decodes to the same frames in order. */
    @Test
    void validFramesDecodeToTheSameFramesHoweverTheStreamIsCut() {
        forAll(1000, r -> {
            List<Frame> sent = new ArrayList<>();
            for (int n = size(r, 20); n > 0; n--) {
                int kind = r.nextInt(KIND_BYE + 1);
                int max = kind == KIND_DATA ? MAX_DATA : MAX_CONTROL_PAYLOAD;
                sent.add(new Frame(kind, r.nextInt(65536), r.nextInt(32), bytes(r, max)));
            }
            FrameDecoder decoder = new FrameDecoder(MAX_DATA);
            List<Frame> received = new ArrayList<>();

            feed(r, decoder, FrameDecoderTest.encode(sent), received);

            assertThat(decoder.problem()).isNull();
            assertThat(decoder.isMidFrame()).isFalse();
            FrameDecoderTest.assertSameFrames(received, sent);
        });
    }

    /**
     * (b) Arbitrary bytes (often near-valid frames, so that the checks behind the first header
     * are reached) never make the decoder throw nor deliver a frame beyond the limits, FAILED is
     * final, and the outcome does not depend on how the bytes are cut.
     */
    @Test
    void arbitraryBytesNeverBreakTheDecoder() {
        forAll(500, r -> {
            byte[] stream = r.nextInt(4) == 0 ? bytes(r, 64 * 1024) : nearlyValidFrames(r);
            int limit = size(r, MAX_DATA);
            FrameDecoder whole = new FrameDecoder(limit);
            List<Frame> expected = new ArrayList<>();
            int wholeStatus = whole.decode(ByteBuffer.wrap(stream), expected::add);

            FrameDecoder decoder = new FrameDecoder(limit);
            List<Frame> received = new ArrayList<>();
            boolean failed = feed(r, decoder, stream, received);

            for (Frame f : received) {
                assertThat(f.payload().length).isLessThanOrEqualTo(f.kind() == KIND_DATA ? limit : MAX_CONTROL_PAYLOAD);
                assertThat(FrameDescriptor.isKnownKind(f.kind())).isTrue();
                assertThat(f.priority()).isBetween(0, 31);
                assertThat(f.type()).isBetween(0, 65535);
            }
            assertThat(failed).isEqualTo(wholeStatus == FrameDecoder.FAILED).isEqualTo(decoder.problem() != null);
            FrameDecoderTest.assertSameFrames(received, expected);
            if (failed) {
                int before = received.size();
                assertThat(decoder.decode(ByteBuffer.allocate(0), received::add)).isEqualTo(FrameDecoder.FAILED);
                assertThat(decoder.decode(ByteBuffer.wrap(FrameEncoder.toBytes(Handshake.bye())), received::add))
                        .isEqualTo(FrameDecoder.FAILED);
                assertThat(received).hasSize(before);
            }
        });
    }

    /** (c) The handshake readers, given any payload, return a value or throw PROTOCOL_ERROR: never anything else. */
    @Test
    void handshakeReadersThrowNothingButProtocolError() {
        forAll(10000, r -> {
            byte[] payload = bytes(r, r.nextBoolean() ? 64 : MAX_CONTROL_PAYLOAD);
            ByteBuffer b = ByteBuffer.wrap(payload);
            // plant plausible fields, so that the checks past the first ones are reached too
            if (payload.length >= REASON_OFFSET && r.nextInt(4) != 0) {
                b.putInt(MAGIC_OFFSET, MAGIC);
            }
            if (payload.length >= TEXT_OFFSET && r.nextBoolean()) {
                b.putShort(VERSION_OFFSET, (short) VERSION);
            }
            if (payload.length >= TEXT_OFFSET && r.nextBoolean()) {
                b.putShort(TEXT_LENGTH_OFFSET, (short) (payload.length - TEXT_OFFSET + r.nextInt(3) - 1));
            } else if (payload.length >= REASON_OFFSET && r.nextBoolean()) {
                b.putShort(REASON_LENGTH_OFFSET, (short) (payload.length - REASON_OFFSET + r.nextInt(3) - 1));
            }
            int kind = r.nextInt(4) == 0 ? r.nextInt(256) : KIND_HELLO + r.nextInt(3);
            Frame frame = new Frame(kind, 0, 0, payload);

            returnsOrThrowsProtocolError(() -> Handshake.readHello(frame));
            returnsOrThrowsProtocolError(() -> Handshake.readWelcome(frame));
            returnsOrThrowsProtocolError(() -> Handshake.readRefusal(frame));
        });
    }

    private static void returnsOrThrowsProtocolError(Runnable read) {
        try {
            read.run();
        } catch (IpcException e) {
            assertThat(e.error()).as("error of %s", e).isEqualTo(IpcError.PROTOCOL_ERROR);
        }
    }

    /**
     * Feeds the stream in random chunks of random kinds of buffer, checking that each call
     * consumes its chunk or fails, and that nothing is decoded after a failure.
     *
     * @return whether the decoder failed
     */
    private static boolean feed(SplittableRandom r, FrameDecoder decoder, byte[] stream, List<Frame> received) {
        boolean failed = false;
        int largest = 1 + size(r, stream.length); // from byte by byte to all at once
        for (int at = 0; at < stream.length;) {
            int n = 1 + r.nextInt(Math.min(stream.length - at, largest));
            ByteBuffer chunk = ByteBuffer.wrap(stream, at, n);
            switch (r.nextInt(3)) {
                case 0 -> chunk = ByteBuffer.allocateDirect(n).put(chunk).flip();
                case 1 -> chunk = chunk.asReadOnlyBuffer();
                default -> { }
            }
            int before = received.size();
            int status = decoder.decode(chunk, received::add);
            if (failed) {
                assertThat(status).as("decode after FAILED").isEqualTo(FrameDecoder.FAILED);
                assertThat(received).as("frames after FAILED").hasSize(before);
            } else if (status == FrameDecoder.OK) {
                assertThat(chunk.hasRemaining()).as("bytes left unconsumed by OK").isFalse();
            } else {
                assertThat(status).isEqualTo(FrameDecoder.FAILED);
                assertThat(decoder.problem()).isNotNull();
                failed = true;
            }
            at += n;
        }
        return failed;
    }

    /** Valid frames of random lengths (some over the limits), with a few bytes changed at random. */
    private static byte[] nearlyValidFrames(SplittableRandom r) {
        List<Frame> frames = new ArrayList<>();
        for (int n = size(r, 12); n > 0; n--) {
            int kind = r.nextInt(8) == 0 ? r.nextInt(256) : r.nextInt(KIND_BYE + 1);
            int priority = r.nextInt(8) == 0 ? r.nextInt(256) : r.nextInt(32);
            frames.add(new Frame(kind, r.nextInt(65536), priority, bytes(r, MAX_DATA + 1)));
        }
        byte[] stream = FrameDecoderTest.encode(frames);
        for (int flips = size(r, 3); flips > 0 && stream.length > 0; flips--) {
            stream[r.nextInt(stream.length)] = (byte) r.nextInt(256);
        }
        return stream;
    }

    private static byte[] bytes(SplittableRandom r, int max) {
        byte[] b = new byte[size(r, max)];
        r.nextBytes(b);
        return b;
    }

    /** A size from 0 to max, biased towards the edges and small values as they find most bugs. */
    private static int size(SplittableRandom r, int max) {
        return switch (r.nextInt(8)) {
            case 0 -> 0;
            case 1 -> max;
            case 2 -> Math.max(0, max - r.nextInt(3));
            case 3, 4 -> r.nextInt(Math.min(max, 16) + 1);
            default -> r.nextInt(max + 1);
        };
    }

    /**
     * Runs a property on {@code tries} cases (or {@code -Dwire.fuzz.tries}), try i drawing from
     * {@code new SplittableRandom(seed + i)}; a failure names the seed that replays it.
     */
    private static void forAll(int tries, Consumer<SplittableRandom> property) {
        int n = Integer.getInteger("wire.fuzz.tries", tries);
        long first = Long.getLong("wire.fuzz.seed", new SplittableRandom().nextLong());
        for (int i = 0; i < n; i++) {
            long seed = first + i;
            try {
                property.accept(new SplittableRandom(seed));
            } catch (Throwable t) {
                fail("falsified on try " + (i + 1) + " of " + n + "; replay with -Dwire.fuzz.seed=" + seed
                        + " -Dwire.fuzz.tries=1", t);
            }
        }
    }
}
