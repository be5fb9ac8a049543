package org.multios.ipc.sync.signals;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.signal.Signal;

/**
 * OS signals through {@code sun.misc.Signal} (module jdk.unsupported; in OSGi the package
 * {@code sun.misc} must be exported by the system bundle and imported, optionally, by this
 * bundle). Only this class refers to {@code sun.misc}, so the mechanism works without it.
 */
final class JdkSignalSource implements OsSignalSource {
    private JdkSignalSource() {
    }

    /**
     * The source, after checking that {@code sun.misc.Signal} links.
     *
     * @throws LinkageError if {@code sun.misc} cannot be loaded here
     */
    static JdkSignalSource create() {
        sun.misc.Signal.class.getName();
        return new JdkSignalSource();
    }

    @Override
    public Hook install(Signal signal, Runnable onSignal) {
        sun.misc.Signal os;
        sun.misc.SignalHandler previous;
        try {
            os = new sun.misc.Signal(signal.name());
            previous = sun.misc.Signal.handle(os, new Forwarder(onSignal));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw new IpcException(IpcError.UNSUPPORTED, "the JVM cannot handle " + signal + ": " + e.getMessage(), e);
        }
        return new JdkHook(os, previous);
    }

    /** Calls the mechanism for each arrival. */
    private static final class Forwarder implements sun.misc.SignalHandler {
        private final Runnable onSignal;

        Forwarder(Runnable onSignal) {
            this.onSignal = onSignal;
        }

        @Override
        public void handle(sun.misc.Signal signal) {
            onSignal.run();
        }
    }

    /** The JVM's handler before ours. */
    private static final class JdkHook implements Hook {
        private final sun.misc.Signal os;
        private final sun.misc.SignalHandler previous;

        JdkHook(sun.misc.Signal os, sun.misc.SignalHandler previous) {
            this.os = os;
            this.previous = previous;
        }

        @Override
        public void chain() {
            if (previous != null && previous != sun.misc.SignalHandler.SIG_DFL
                    && previous != sun.misc.SignalHandler.SIG_IGN) {
                previous.handle(os);
            }
        }

        @Override
        public void restore() {
            sun.misc.Signal.handle(os, previous == null ? sun.misc.SignalHandler.SIG_DFL : previous);
        }
    }
}
