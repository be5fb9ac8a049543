package org.multios.ipc.sync.internal;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.MechanismProvider;

/** Makes the synchronization mechanisms for the plain-Java bootstrap ({@code Ipc.open}). */
public final class SyncFactories {
    private SyncFactories() {
    }

    /** Semaphores, mutexes and conditions. */
    public static final class Sync implements MechanismFactory {
        @Override
        public MechanismProvider<?> create(IpcEnvironment environment) {
            return new SyncMechanism(environment);
        }

        @Override
        public void close(MechanismProvider<?> provider) {
            ((SyncMechanism) provider).close();
        }
    }

    /** Events. */
    public static final class Events implements MechanismFactory {
        @Override
        public MechanismProvider<?> create(IpcEnvironment environment) {
            return new EventMechanism(environment);
        }

        @Override
        public void close(MechanismProvider<?> provider) {
            ((EventMechanism) provider).close();
        }
    }
}
