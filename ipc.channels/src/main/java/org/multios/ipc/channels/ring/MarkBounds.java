package org.multios.ipc.channels.ring;

/** Padding before the bounds (superclass fields are laid out first). */
abstract class MarkBoundsPadBefore {
    long p01, p02, p03, p04, p05, p06, p07, p08;
}

/** The bounds. */
abstract class MarkBoundsValues extends MarkBoundsPadBefore {
    /** A lower bound of the messages out (or slots given back). */
    long outSeen;
    /** A lower bound of the shared mark. */
    long markSeen;
}

/**
 * The bounds one {@link DepthMark} keeps, alone on their cache lines: a sender writes them at
 * every send whose depth sits at the mark (a round trip), and the marks of a channel's two
 * directions, made one after the other, would otherwise share a line (with each other and with
 * the words of the channel that both ends read at every message), which the senders of the two
 * directions would then trade at every message. Padded as {@link QueuedCount} is.
 */
final class MarkBounds extends MarkBoundsValues {
    long q01, q02, q03, q04, q05, q06, q07, q08;
}
