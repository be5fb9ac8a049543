package org.multios.ipc.sync.signals;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.MechanismProvider;

/**
 * Makes the signal mechanism for the plain-Java bootstrap ({@code Ipc.open}). There the only
 * IPC process is the JVM itself, so the default action TERMINATE only logs (see
 * {@link SignalMechanism#loggingTerminator()}).
 */
public final class SignalFactory implements MechanismFactory {
    @Override
    public MechanismProvider<?> create(IpcEnvironment environment) {
        return new SignalMechanism(environment.limits(), SignalMechanism.loggingTerminator());
    }

    @Override
    public void close(MechanismProvider<?> provider) {
        ((SignalMechanism) provider).close();
    }
}
