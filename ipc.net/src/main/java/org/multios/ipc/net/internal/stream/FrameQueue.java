package org.multios.ipc.net.internal.stream;

import java.util.ArrayDeque;

import org.multios.ipc.Priority;
import org.multios.ipc.net.internal.wire.Frame;

/**
 * Frames waiting in one direction of a connection: one FIFO per priority, taken highest
 * priority first, with the payload bytes they hold. Not thread-safe: its connection guards it.
 */
final class FrameQueue {
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Frame>[] byPriority = new ArrayDeque[Priority.LEVELS];
    private long highestNonEmpty = 0L;
    private long bytes;
    private int count;

    FrameQueue() {
        for (int i = 0; i < byPriority.length; i++) {
            byPriority[i] = new ArrayDeque<>();
        }
    }

    void add(Frame frame) {
        byPriority[frame.priority()].addLast(frame);
        highestNonEmpty |= 1L << frame.priority();
        bytes += frame.payload().length;
        count++;
    }

    /** The next frame, highest priority first, or null. */
    Frame peek() {
        if (count == 0) {
            return null;
        }
        return byPriority[63 - Long.numberOfLeadingZeros(highestNonEmpty)].peekFirst();
    }

    /** Removes and returns the next frame, or null. */
    Frame poll() {
        if (count == 0) {
            return null;
        }
        int p = 63 - Long.numberOfLeadingZeros(highestNonEmpty);
        Frame f = byPriority[p].pollFirst();
        if (byPriority[p].isEmpty()) {
            highestNonEmpty &= ~(1L << p);
        }
        bytes -= f.payload().length;
        count--;
        return f;
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    void clear() {
        for (ArrayDeque<Frame> d : byPriority) {
            d.clear();
        }
        highestNonEmpty = 0;
        bytes = 0;
        count = 0;
    }
}
