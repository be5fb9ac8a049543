package org.multios.ipc.queue;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The registration of a {@link QueueListener} on a queue. Closing it removes the listener and
 * frees the queue's notification slot for another process; it ends by itself when the handle
 * it was made through closes. Closing is idempotent; after {@link #close()} returns the listener
 * is not called again, except a call already running.
 */
@ProviderType
public interface QueueRegistration extends AutoCloseable {
    /** The queue handle the listener was registered through. */
    MessageQueue queue();

    /** Whether the listener is still registered. */
    boolean isActive();

    /** Removes the listener. */
    @Override
    void close();
}
