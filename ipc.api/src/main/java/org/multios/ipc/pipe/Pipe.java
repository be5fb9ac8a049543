package org.multios.ipc.pipe;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An unnamed pipe as created: the handles on its two ends. Keep one and give the other to the
 * peer (another thread or bundle). Each end closes on its own: closing the writer lets the
 * reader drain and then see end of stream; closing the reader makes later writes fail with
 * BROKEN_PIPE. The pipe goes when both are closed or their owner releases the pipe service.
 */
@ProviderType
public interface Pipe extends AutoCloseable {
    /** The pipe's id, the {@link PipeReader#id()} and {@link PipeWriter#id()} of its ends. */
    long id();

    /** The reading end. */
    PipeReader reader();

    /** The writing end. */
    PipeWriter writer();

    /** Closes both ends (those still open). Idempotent. */
    @Override
    void close();
}
