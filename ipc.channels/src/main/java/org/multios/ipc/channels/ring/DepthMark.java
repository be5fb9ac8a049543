package org.multios.ipc.channels.ring;

import org.multios.ipc.core.mapped.MappedRegion;

/**
 * Keeps a shared high-water mark of a message counter pair (depth = messages in - messages out)
 * without reading the receivers' counter at every send: this process remembers a lower bound of
 * messages out and of the mark, and a send whose depth cannot exceed the mark by those bounds
 * touches no shared word. Only when it might does it read the counter and raise the mark (a
 * compare-and-set that only moves it up). So the mark is exact, and a sender reads a line the
 * receivers write about once per mark's worth of messages instead of at every one. One per
 * direction per process; the bounds are plain fields (a stale one is still a lower bound).
 */
public final class DepthMark {
    private final MappedRegion region;
    private final long outOffset;
    private final long markOffset;
    private long outSeen;
    private long markSeen;

    /**
     * @param outOffset  the messages-out counter (long)
     * @param markOffset the high-water mark (long)
     */
    public DepthMark(MappedRegion region, long outOffset, long markOffset) {
        this.region = region;
        this.outOffset = outOffset;
        this.markOffset = markOffset;
    }

    /** Raises the mark, if need be, after a send that brought messages in to {@code in}. */
    public void sent(long in) {
        if (in - outSeen <= markSeen) {
            return;
        }
        long out = region.getLongVolatile(outOffset);
        outSeen = out;
        long depth = in - out;
        while (depth > markSeen) {
            long mark = region.getLongVolatile(markOffset);
            if (depth <= mark) {
                markSeen = mark;
                return;
            }
            if (region.compareAndSetLong(markOffset, mark, depth)) {
                markSeen = depth;
                return;
            }
        }
    }
}
