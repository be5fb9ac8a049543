package org.multios.ipc.spi;

import org.multios.ipc.IpcProcess;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One operator logged in at a console (see {@link OperatorAuthority}): the IPC process it acts as
 * and the API services bound to it. Closing it logs the operator out: its handles and anonymous
 * objects are released as a stopping bundle's are, and its grants forgotten.
 */
@ProviderType
public interface OperatorSession extends AutoCloseable {
    /** The IPC process the operator acts as. */
    IpcProcess process();

    /**
     * The API service of a mechanism bound to this operator ({@code MessageQueueService},
     * {@code IpcRuntime}, ...), the same instance on every call, or null while no mechanism
     * provides it (or after {@link #close}).
     */
    <S> S service(Class<S> apiType);

    /** Logs the operator out; later calls do nothing. */
    @Override
    void close();
}
