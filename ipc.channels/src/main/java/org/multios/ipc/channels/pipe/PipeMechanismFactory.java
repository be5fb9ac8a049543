package org.multios.ipc.channels.pipe;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.MechanismProvider;

/** Makes the pipe mechanism for the plain-Java bootstrap ({@code Ipc.open}). */
public final class PipeMechanismFactory implements MechanismFactory {
    @Override
    public MechanismProvider<?> create(IpcEnvironment environment) {
        return new PipeMechanism(environment);
    }

    @Override
    public void close(MechanismProvider<?> provider) {
        ((PipeMechanism) provider).close();
    }
}
