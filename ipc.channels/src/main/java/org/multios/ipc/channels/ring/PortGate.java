package org.multios.ipc.channels.ring;

import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;

/**
 * What a handle lends to its {@link InPlacePort}: the checks its own sends and receives make,
 * its step guard, its caller's quota of queued messages and its statistics, so that the
 * in-place operations keep every rule of the copying ones.
 */
public interface PortGate {
    /**
     * Checks a send of {@code length} bytes at {@code priority} as the handle's send does: open,
     * {@link org.multios.ipc.Rights#WRITE}, priority, size, and for a channel its other end.
     *
     * @throws IpcException as the handle's send would
     */
    void checkSend(int length, int priority);

    /** Checks that the handle is open and may receive. @throws IpcException CLOSED or PERMISSION_DENIED */
    void checkReceive();

    /**
     * Begins a transfer step for {@code right} of the handle's step guard.
     *
     * @return the step's token, for {@link #endTransfer}
     * @throws IpcException CLOSED or PERMISSION_DENIED, with no step left to end
     */
    int beginTransfer(int right);

    /** Ends the step begun, with its token. */
    void endTransfer(int token);

    /** Reserves one queued message against the caller's quota. @throws IpcException LIMIT_EXCEEDED */
    void reserveQueued();

    /** Gives one queued message back. */
    void releaseQueued();

    /**
     * Counts a message of {@code length} bytes sent ({@code sent}) or taken, inside the step with
     * {@code token} that moved it, before that step ends (a handle's own counter cells are the
     * step's alone).
     */
    void transferred(boolean sent, int length, int token);

    /** A message of {@code length} bytes was published: the handle's one place after a send. */
    void published(int length);

    /** A message was taken (counted, and its sender's quota given back). */
    void received(MessageInfo info);

    /**
     * Read before a receive looks for messages: whether no more can come (the other end of an
     * anonymous channel closed for good), so that an empty receive then fails with CLOSED.
     */
    boolean peerClosed();

    /** The CLOSED to throw for {@code operation} once {@link #peerClosed()} and nothing was waiting. */
    IpcException peerGone(String operation);

    /** The error of a thread that holds its own lane side across its code ({@link RingStatus#HELD_BY_THIS_THREAD}). */
    IpcException heldByThisThread(boolean sending);
}
