package org.multios.ipc.channels.ring;

import java.nio.ByteBuffer;

import org.multios.ipc.MessageInfo;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * The operations a {@link RingPort} performs on the ring it sends into and the ring it receives
 * from: a {@link PriorityRing} (any number of senders and receivers, priorities ordered) or a
 * {@link LaneRing} (one sender and one receiver at a time, first in first out). Outcomes are
 * {@link RingStatus} codes; an in-place claim or take is a {@code long} of the ring's own
 * meaning (a slot, a record's offset), at least 0, handed back to the same ring.
 */
public interface MessageRing {
    /** Sends {@code len} bytes of {@code src} from {@code off}: SENT, SENT_TO_EMPTY, FULL or TOO_LARGE. */
    int offer(byte[] src, int off, int len, int priority, long sender, long senderPid);

    /** Sends the remaining bytes of {@code src}, whose position advances only if it was sent. */
    int offer(ByteBuffer src, int priority, long sender, long senderPid);

    /** Receives the next message into {@code dst}: its length, EMPTY or TOO_LARGE (it stays). */
    int poll(byte[] dst, int off, int len, MessageInfo info);

    /** Receives the next message into {@code dst} at its position, which advances by the length. */
    int poll(ByteBuffer dst, MessageInfo info);

    /** Claims room for a message of {@code len} bytes, cleared: the claim, FULL or TOO_LARGE. */
    long claimInPlace(int len, int priority, long sender, long senderPid);

    /** Where the bytes of a claimed or taken message start in {@link #region()}. */
    long payloadOf(long claimOrTaken);

    /** Publishes a claim of this thread. */
    void commitInPlace(long claim, int priority);

    /** Gives a claim of this thread up unsent, with the {@code len} bytes it claimed. */
    void abortInPlace(long claim, int len);

    /** Takes the next message to be read in place ({@code info} describes it): the taken message, or EMPTY. */
    long takeInPlace(MessageInfo info);

    /** Frees a message {@link #takeInPlace} returned, once its {@code length} bytes were read. */
    void consumedInPlace(long taken, int length);

    /** Messages queued now (for statistics). */
    int size();

    /** Whether no message is queued (a look: it moves nothing). */
    boolean isEmpty();

    /** Wakes one more sleeping receiver if a message is queued (a receiver leaving without one). */
    void passOnMessage();

    /** Looks for what dead processes left, if it is due. */
    void sweepIfDue();

    /** Looks for what dead processes left, for threads asleep on the ring: whether it found some. */
    boolean sweepForSleepers();

    /**
     * Called by a waiter counted in as a sleeper ({@link RingSignals}) whose try found nothing,
     * before it sleeps: makes sure that what a sender or receiver of any process made visible
     * without a fence of its own is seen by the next try, or that its maker sees this sleeper.
     *
     * @return whether the caller must try once more before it sleeps
     */
    boolean settleBeforeSleep();

    /** The futex sequences and sleeper counts of the ring. */
    RingSignals signals();

    /**
     * This process's owner word as the ring writes it ({@code ProcessLiveness.ownerWord}, in the
     * ring's home namespaces): other records of the file that name a process (a queue's
     * listener) use it too.
     */
    long ownerWord();

    /** Whether the process of an owner word {@link #ownerWord()} wrote (in any process) is dead for certain. */
    boolean isOwnerDead(long owner);

    /** The region the ring lies in. */
    MappedRegion region();

    /** Largest message in bytes. */
    int maxMessageSize();

    /**
     * Whether each message queued counts against its sender's quota of queued messages
     * ({@code Quota.QUEUED_MESSAGES}); false where the ring's bytes, charged when its file was
     * made, bound what it holds (a lane).
     */
    boolean countsQueued();
}
