package org.multios.ipc.channels.ring;

import org.multios.ipc.core.mapped.MappedRegion;

/**
 * Keeps a direction's shared high-water mark of its depth without reading a line the receivers
 * write at every send: queues and channels count messages per handle, not in a shared counter,
 * so the mark is kept from the ring's own positions ({@link #sentInto}). This process remembers a
 * lower bound of slots given back and of the mark (plain fields on lines of their own: a stale one
 * is still a lower bound); a send whose depth cannot exceed the mark by those bounds touches no
 * shared word, and only when it might does it read the depth and raise the mark (a
 * compare-and-set that only moves it up). So the mark is exact. One per direction per process.
 *
 * <p>In {@link #sentInto}, slots taken off the ring's free ring less slots put back bound the messages queued from above, and only a bound above the mark reads the depth
 * of the ring's marked priorities ({@link PriorityRing#markedSize()}; this send's priority is
 * marked) to raise it. The depth read then tightens the bound (later depths exceed it by at most
 * the slots taken since), so that slots in transit (taken by a receiver, not yet given back) do
 * not make every send read the depth. Before that, a send whose mark is small asks the entries
 * just behind the marked priorities' tails whether the depth is within the mark ({@link
 * PriorityRing#markedDepthAtMost}): in a channel whose depth stays at its mark (a round trip)
 * they lie beside the entry the send just filled, so the send reads no line the receivers wrote
 * for the mark; then the free ring's entries whether enough slots were given back ({@link
 * PriorityRing#givenBackAtLeast}); the free ring's tail is read only when the depth may have grown.
 */
public final class DepthMark {
    /** Marks below this are checked at the priorities' tails first: entries of about one cache line. */
    static final int NEAR_TAIL = 8;

    private final MappedRegion region;
    private final long markOffset;
    /** This process's bounds, on lines of their own ({@link MarkBounds}). */
    private final MarkBounds seen = new MarkBounds();

    /** @param markOffset the high-water mark (long) */
    public DepthMark(MappedRegion region, long markOffset) {
        this.region = region;
        this.markOffset = markOffset;
    }

    /**
     * Raises the mark, if need be, after a send published a message into {@code ring}: the
     * ring's free-ring head (slots ever taken, this send's included) less its free-ring tail
     * (slots ever given back) bounds its depth; a bound above the mark reads the depth.
     */
    public void sentInto(PriorityRing ring) {
        if (seen.markSeen >= ring.capacity()) {
            return;
        }
        long in = ring.slotsTaken();
        if (in - seen.outSeen <= seen.markSeen) {
            return;
        }
        // a small mark: do the entries behind the priorities' tails (beside the one this send
        // filled: a line this core holds) show the depth within it? no line of the receivers'
        // per message while the depth stays at the mark (a round trip)
        if (seen.markSeen < NEAR_TAIL && ring.markedDepthAtMost((int) seen.markSeen)) {
            return;
        }
        // enough slots given back to keep the depth within the mark? one entry of the free ring
        // instead of its tail
        if (ring.givenBackAtLeast(in - seen.markSeen)) {
            seen.outSeen = in - seen.markSeen;
            return;
        }
        long out = ring.slotsGivenBack();
        seen.outSeen = out;
        if (in - out <= seen.markSeen) {
            return;
        }
        // this send's message was queued when it was published, so the depth was at least 1 then
        long depth = Math.max(1, ring.markedSize());
        // later depths exceed this one by at most the slots taken since: a tighter bound
        seen.outSeen = Math.max(out, in - depth);
        raise(depth);
    }

    private void raise(long depth) {
        while (depth > seen.markSeen) {
            long mark = region.getLongVolatile(markOffset);
            if (depth <= mark) {
                seen.markSeen = mark;
                return;
            }
            if (region.compareAndSetLong(markOffset, mark, depth)) {
                seen.markSeen = depth;
                return;
            }
        }
    }
}
