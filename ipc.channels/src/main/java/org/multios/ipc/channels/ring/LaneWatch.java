package org.multios.ipc.channels.ring;

import java.lang.invoke.VarHandle;

/**
 * What a lane's senders and receivers do for its {@link LaneWatcher} (a queue's listener), and
 * only while it watches, so that a lane nobody watches (a channel's) pays one null check. A send
 * tells the watcher when, after a full fence, the head is still at the start of the record it
 * published: no message was queued before it, and no receiver took it yet. A look that found the
 * lane empty fences and looks again, so that of a send and a receive that cross, one sees the
 * other: the receive finds the record, or the sender reads the head this receiver moved and tells.
 */
final class LaneWatch {
    private final LaneWatcher watcher;
    private final RingWords words;
    private final long headOffset;

    /** @param watcher told of sends into the empty lane, or null */
    LaneWatch(LaneWatcher watcher, RingWords words, long headOffset) {
        this.watcher = watcher;
        this.words = words;
        this.headOffset = headOffset;
    }

    /** After a send published the record at position {@code start} of {@code lane}. */
    void published(LaneRing lane, long start) {
        if (watched()) {
            VarHandle.fullFence();
            if (words.getLongVolatile(headOffset) == start) {
                watcher.becameNonEmpty(lane);
            }
        }
    }

    /** Whether a look that found the lane empty must look again: while watched, after a fence. */
    boolean looksAgain() {
        if (!watched()) {
            return false;
        }
        VarHandle.fullFence();
        return true;
    }

    private boolean watched() {
        return watcher != null && watcher.watching();
    }
}
