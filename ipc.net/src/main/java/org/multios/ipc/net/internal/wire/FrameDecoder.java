package org.multios.ipc.net.internal.wire;

import java.nio.ByteBuffer;

/**
 * Cuts a byte stream into frames ({@link FrameDescriptor}), however the bytes arrive: a header
 * or payload may be split over any number of reads. It checks every header before it takes the
 * payload, so a peer can never make it allocate more than the largest allowed frame: a length
 * beyond the limit, an unknown kind or a priority beyond 31 stop the decoder for good
 * ({@link #FAILED}, {@link #problem()} says why). Not thread-safe: one per connection, used by
 * the thread that reads it.
 */
public final class FrameDecoder {
    /** Status: the bytes offered were consumed as far as the sink accepted (frames may have been delivered). */
    public static final int OK = 0;
    /** Status: the stream broke the protocol; the connection must be closed. */
    public static final int FAILED = -1;

    private static final int MAX_PRIORITY = 31;

    private final ByteBuffer header = ByteBuffer.allocate(FrameDescriptor.HEADER_LENGTH);
    private final PayloadAllocator payloads;
    private volatile int maxDataPayload;
    private int kind;
    private int type;
    private int priority;
    private byte[] payload;
    private int filled;
    private String problem;

    /**
     * A decoder accepting DATA frames of at most {@code maxDataPayload} bytes and control frames
     * of at most {@link FrameDescriptor#MAX_CONTROL_PAYLOAD}.
     */
    public FrameDecoder(int maxDataPayload) {
        this(maxDataPayload, PayloadAllocator.NEW);
    }

    /** The same, taking the arrays of DATA frames from {@code payloads}. */
    public FrameDecoder(int maxDataPayload, PayloadAllocator payloads) {
        this.maxDataPayload = maxDataPayload;
        this.payloads = payloads;
    }

    /** Changes the DATA frame limit (after the handshake agreed one). */
    public void maxDataPayload(int value) {
        this.maxDataPayload = value;
    }

    /**
     * Consumes the remaining bytes of {@code in}, delivering each completed frame to
     * {@code sink} in order, until they run out or the sink stops {@linkplain FrameSink#accepting
     * accepting} (the bytes after the last frame delivered then stay in {@code in}).
     *
     * @return {@link #OK}, or {@link #FAILED} once the stream broke the protocol
     */
    public int decode(ByteBuffer in, FrameSink sink) {
        if (problem != null) {
            return FAILED;
        }
        while (in.hasRemaining() && sink.accepting()) {
            if (payload == null) {
                copy(in, header);
                if (header.hasRemaining()) {
                    return OK;
                }
                if (!startFrame()) {
                    return FAILED;
                }
            }
            int n = Math.min(in.remaining(), payload.length - filled);
            in.get(payload, filled, n);
            filled += n;
            if (filled == payload.length) {
                Frame frame = new Frame(kind, type, priority, payload);
                payload = null;
                header.clear();
                sink.frame(frame);
            }
        }
        return OK;
    }

    /** Whether the decoder holds part of a frame (a peer that stops now stopped mid-frame). */
    public boolean isMidFrame() {
        return payload != null || header.position() > 0;
    }

    /** Why decoding failed, or null. */
    public String problem() {
        return problem;
    }

    private boolean startFrame() {
        long length = header.getInt(FrameDescriptor.LENGTH_OFFSET) & 0xFFFF_FFFFL;
        type = header.getShort(FrameDescriptor.TYPE_OFFSET) & 0xFFFF;
        priority = header.get(FrameDescriptor.PRIORITY_OFFSET) & 0xFF;
        kind = header.get(FrameDescriptor.KIND_OFFSET) & 0xFF;
        if (!FrameDescriptor.isKnownKind(kind)) {
            return fail("unknown frame kind " + kind);
        }
        if (priority > MAX_PRIORITY) {
            return fail("frame priority " + priority + " is outside 0.." + MAX_PRIORITY);
        }
        long limit = kind == FrameDescriptor.KIND_DATA ? maxDataPayload : FrameDescriptor.MAX_CONTROL_PAYLOAD;
        if (length > limit) {
            return fail((kind == FrameDescriptor.KIND_DATA ? "data" : "control") + " frame of " + length
                    + " bytes passes the limit of " + limit);
        }
        payload = kind == FrameDescriptor.KIND_DATA ? payloads.allocate((int) length) : new byte[(int) length];
        filled = 0;
        return true;
    }

    private boolean fail(String why) {
        problem = why;
        return false;
    }

    private static void copy(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        to.put(to.position(), from, from.position(), n);
        to.position(to.position() + n);
        from.position(from.position() + n);
    }
}
