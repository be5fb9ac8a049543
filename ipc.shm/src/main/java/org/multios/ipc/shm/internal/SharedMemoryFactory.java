package org.multios.ipc.shm.internal;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.MechanismProvider;

/** Makes the shared memory mechanism for the plain-Java bootstrap ({@code Ipc.open}). */
public final class SharedMemoryFactory implements MechanismFactory {
    @Override
    public MechanismProvider<?> create(IpcEnvironment environment) {
        return new SharedMemoryMechanism(environment);
    }

    @Override
    public void close(MechanismProvider<?> provider) {
        ((SharedMemoryMechanism) provider).close();
    }
}
