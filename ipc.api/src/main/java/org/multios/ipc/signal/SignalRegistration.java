package org.multios.ipc.signal;

import org.multios.ipc.IpcObject;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A {@link SignalHandler} registered for one signal in the calling process
 * ({@link org.multios.ipc.ObjectType#SIGNAL}, anonymous). Its statistics count deliveries
 * ({@link org.multios.ipc.Counter#MESSAGES_OUT}), handler exceptions
 * ({@link org.multios.ipc.Counter#ERRORS}) and overruns of the time budget
 * ({@link org.multios.ipc.Counter#TIMEOUTS}). Closing it unregisters the handler; the
 * registration is also closed when the process goes.
 */
@ProviderType
public interface SignalRegistration extends IpcObject {
    /** The signal the handler is registered for. */
    Signal signal();

    /** The registered handler. */
    SignalHandler handler();

    /**
     * Unregisters the handler: no call starts after this returns; a call already running is
     * neither waited for nor interrupted. Frees one of the process's
     * {@link org.multios.ipc.Limit#SIGNAL_HANDLERS} places. Idempotent.
     */
    @Override
    void close();
}
