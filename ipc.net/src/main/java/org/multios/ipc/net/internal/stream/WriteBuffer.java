package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDescriptor;
import org.multios.ipc.net.internal.wire.FrameEncoder;
import org.multios.ipc.net.internal.wire.Handshake;

/**
 * The encoded bytes of an {@link Outbound} on their way to the socket: whole frames, and which
 * DATA frames they hold, so that the {@link FrameDelivery} tracker learns when each one's last
 * byte was taken. Guarded by its outbound's write lock, but for {@link #unwritten()}.
 */
final class WriteBuffer {
    private ByteBuffer bytes;
    /** DATA frames in {@link #bytes} and where they end, as counts of bytes ever filled. */
    private final ArrayDeque<Buffered> tracked = new ArrayDeque<>();
    private long filled;
    private long written;
    private volatile long unwritten;
    private volatile FrameDelivery delivery;

    WriteBuffer(int capacity) {
        this.bytes = ByteBuffer.allocateDirect(capacity);
    }

    /** Grows to hold {@code capacity} bytes (never shrinks). */
    void grow(int capacity) {
        if (bytes.capacity() < capacity) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(capacity);
            bytes.flip();
            bigger.put(bytes);
            bytes = bigger;
        }
    }

    void trackDelivery(FrameDelivery tracker) {
        this.delivery = tracker;
    }

    FrameDelivery delivery() {
        return delivery;
    }

    boolean fits(Frame frame) {
        return frame.wireLength() <= bytes.remaining();
    }

    void put(Frame frame) {
        FrameEncoder.put(bytes, frame);
        filled += frame.wireLength();
        if (delivery != null && frame.kind() == FrameDescriptor.KIND_DATA) {
            tracked.add(new Buffered(frame, filled));
        }
        unwritten = filled - written;
    }

    /** Whether a DATA frame of {@code length} payload bytes fits. */
    boolean fits(int length) {
        return FrameDescriptor.HEADER_LENGTH + length <= bytes.remaining();
    }

    /**
     * Encodes a DATA frame from the sender's bytes ({@code payload} from its position, which
     * stays), with no copy of its own; it must {@linkplain #fits(int) fit} and no tracker may
     * be set (the frame has no object to report).
     */
    void putData(int type, int priority, ByteBuffer payload) {
        int length = payload.remaining();
        FrameEncoder.putHeader(bytes, FrameDescriptor.KIND_DATA, type, priority, length);
        bytes.put(bytes.position(), payload, payload.position(), length);
        bytes.position(bytes.position() + length);
        filled += FrameDescriptor.HEADER_LENGTH + length;
        unwritten = filled - written;
    }

    /** Puts a BYE if it fits; false if not. */
    boolean putBye() {
        if (bytes.remaining() < FrameDescriptor.HEADER_LENGTH) {
            return false;
        }
        put(Handshake.bye());
        return true;
    }

    boolean isEmpty() {
        return bytes.position() == 0;
    }

    /** Bytes filled and not written yet (any thread). */
    long unwritten() {
        return unwritten;
    }

    /**
     * Writes as much as the socket takes; tells the tracker of the frames it took whole.
     *
     * @return the bytes written
     */
    int writeTo(SocketLink link) throws IOException {
        bytes.flip();
        int n;
        try {
            n = link.write(bytes);
        } finally {
            bytes.compact();
        }
        written += n;
        unwritten = filled - written;
        FrameDelivery d = delivery;
        Buffered b;
        while ((b = tracked.peek()) != null && b.end() <= written) {
            tracked.poll();
            if (d != null) {
                d.written(b.frame());
            }
        }
        return n;
    }

    /** Empties the buffer unwritten; returns the DATA frames it held. */
    List<Frame> discard() {
        List<Frame> lost = new ArrayList<>();
        for (Buffered b : tracked) {
            lost.add(b.frame());
        }
        tracked.clear();
        bytes.clear();
        written = filled;
        unwritten = 0;
        return lost;
    }

    /** A DATA frame in the buffer and the count of bytes filled when its last byte was. */
    private record Buffered(Frame frame, long end) {
    }
}
