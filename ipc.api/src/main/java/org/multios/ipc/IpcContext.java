package org.multios.ipc;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The IPC platform as seen by one OS process outside OSGi (see {@link Ipc#open}). It gives the
 * same service interfaces that bundles get from the service registry, bound to this process.
 * Closing it closes every handle the process opened through it, releases its locks and wakes
 * its waiters with {@link IpcError#CLOSED}; named objects stay.
 */
@ProviderType
public interface IpcContext extends AutoCloseable {
    /** This OS process as an IPC process. */
    IpcProcess process();

    /** The runtime view: objects, processes, connection count, limits. */
    IpcRuntime runtime();

    /**
     * The service of the given API type, for example
     * {@code org.multios.ipc.queue.MessageQueueService}.
     *
     * @throws IpcException UNAVAILABLE if no mechanism on the class path provides it
     */
    <S> S service(Class<S> type);

    /** Closes every handle of this process and the mechanisms it started. */
    @Override
    void close();
}
