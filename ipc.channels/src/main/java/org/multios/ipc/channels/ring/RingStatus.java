package org.multios.ipc.channels.ring;

/**
 * The status codes of {@link PriorityRing}'s operations, in one place: an operation that sends
 * returns {@link #SENT} or {@link #SENT_TO_EMPTY} (or a slot, for a claim), one that receives
 * returns a length (or a slot, for a take); every other outcome is one of the negative codes
 * below, so the hot paths neither allocate nor throw for an outcome that is not a failure.
 */
public final class RingStatus {
    /** Sent. */
    public static final int SENT = 0;
    /** Sent, and no priority was marked non-empty before. */
    public static final int SENT_TO_EMPTY = 1;
    /** A send: no free slot, or no room in the byte budget. */
    public static final int FULL = -1;
    /** A receive: no message. */
    public static final int EMPTY = -1;
    /** A send or receive: the message does not fit (a message too large to receive stays queued). */
    public static final int TOO_LARGE = -2;
    /**
     * Internal to a take: a live owner held the head slot longer than
     * {@link SlotRecovery#GIVE_UP_NANOS}; callers see {@link #EMPTY} or {@link #FULL}.
     */
    static final int BUSY = -3;
    /**
     * A lane's side is held by this very thread across its own code (a claim it left open, a
     * handler of its own reading in place): waiting could never end ({@link LaneRing}).
     */
    public static final int HELD_BY_THIS_THREAD = -4;

    private RingStatus() {
    }
}
