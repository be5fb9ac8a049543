package org.multios.ipc.channels.ring;

/**
 * Who watches a {@link LaneRing} for messages sent while it held none (a queue's listener): told,
 * in the sending thread, when a send made the lane go from no message to some. A lane without
 * one (a channel's) never looks at its head for it.
 */
public interface LaneWatcher {
    /**
     * Whether anyone watches now: asked after every send, so a plain read of a word seldom
     * written; only then does the sender look whether the lane held no message before its own.
     */
    boolean watching();

    /** The lane went from no message to some: {@code lane}'s sender published the only message in it. */
    void becameNonEmpty(LaneRing lane);
}
