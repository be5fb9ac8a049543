package org.multios.ipc.sync.signals;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.signal.Signal;

/**
 * Where the JVM's operating-system signals come from: installing a handler for one replaces
 * the JVM's previous handler, which the hook can still call ({@link Hook#chain}) and restores
 * ({@link Hook#restore}).
 */
interface OsSignalSource {
    /** A source that cannot install anything (no {@code sun.misc.Signal} here). */
    OsSignalSource NONE = (signal, onSignal) -> {
        throw new IpcException(IpcError.UNSUPPORTED, "this JVM offers no operating-system signal handling");
    };

    /** An installed handler. */
    interface Hook {
        /** Calls the handler that was installed before ours, if it was a handler (not default or ignore). */
        void chain();

        /** Puts the previous handler back. */
        void restore();
    }

    /**
     * Installs a handler for an OS signal.
     *
     * @param onSignal called on a JVM thread each time the signal arrives
     * @throws IpcException UNSUPPORTED if the JVM or the OS refuses (for example a signal the JVM
     *         uses itself)
     */
    Hook install(Signal signal, Runnable onSignal);

    /**
     * The source of this JVM: {@code sun.misc.Signal} (module jdk.unsupported) where it can be
     * loaded, else {@link #NONE}.
     */
    static OsSignalSource detect() {
        try {
            return JdkSignalSource.create();
        } catch (LinkageError | RuntimeException unavailable) {
            return NONE;
        }
    }
}
