package org.multios.ipc.signal;

import org.multios.ipc.IpcObject;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A {@link SignalHandler} registered for one signal in the calling process
 * ({@link org.multios.ipc.ObjectType#SIGNAL}, anonymous). Its statistics count deliveries
 * ({@link org.multios.ipc.Counter#MESSAGES_IN}), handler exceptions
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
     * Unregisters the handler: no call of it starts after this returns, and a call running on
     * another thread is waited for (not interrupted), so that afterwards the handler is not
     * running and what it uses may be freed. Do not call it holding a lock the handler needs.
     *
     * <p>Called by the handler itself, it does not wait for its own call, which goes on
     * normally; it waits only for calls on other threads (after an overrun, a late call may
     * still run beside a new one). If the closing thread is interrupted while waiting,
     * {@code close()} returns early with the interrupt status set, and a call may still be
     * running. When the process goes, or after repeated overruns, the platform unregisters the
     * handler without waiting. Frees one of the process's
     * {@link org.multios.ipc.Limit#SIGNAL_HANDLERS} places. Idempotent.
     */
    @Override
    void close();
}
