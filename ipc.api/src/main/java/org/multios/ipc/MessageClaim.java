package org.multios.ipc;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A message being written in place: the slot {@link MessagePort#tryClaim} reserved, as a
 * writable view of exactly the claimed length (Aeron's {@code tryClaim} shape). Write the
 * message, then {@link #commit()} to send it or {@link #abort()} to give the slot back; until
 * then no receiver sees anything of it. Its bytes start as zeros: a claim never shows what its
 * slot held before (messages of other senders, which the claimer may have no right to read).
 *
 * <p>A claim is a flyweight the port reuses: each thread has one per port, so a thread holds at
 * most one open claim on a port at a time, and the object is reset by the next claim. Once
 * committed or aborted the view refuses every access. A claim left open holds its slot (and a
 * queued message of the caller's quota) until it is committed or aborted, or its process exits;
 * a process killed with a claim open is recovered like one killed during a send: the slot goes
 * back, nothing is delivered. Not thread-safe: use a claim in the thread that claimed it.
 */
@ProviderType
public interface MessageClaim extends MutableMessageBuffer {
    /** The priority the message will be sent with. */
    int priority();

    /** Whether the claim is open: neither committed nor aborted yet. */
    boolean isOpen();

    /**
     * Sends the message: receivers see it whole, in the port's order, as if sent by
     * {@code send} now.
     *
     * @throws IpcException INVALID_ARGUMENT if the claim is not open; PERMISSION_DENIED if the
     *                      port's rights were revoked since the claim; CLOSED if the port closed
     *                      (or, for an anonymous channel, its other end). After a failure the
     *                      claim is aborted: nothing is sent and the slot is free again.
     */
    void commit();

    /** Gives the slot back unsent; nothing of the message is seen. Does nothing if not open. */
    void abort();
}
