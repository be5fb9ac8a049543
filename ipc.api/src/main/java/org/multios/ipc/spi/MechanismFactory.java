package org.multios.ipc.spi;

import org.multios.ipc.IpcEnvironment;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Makes a mechanism's provider outside OSGi. Mechanism jars list their implementation in
 * {@code META-INF/services/org.multios.ipc.spi.MechanismFactory}; the
 * {@link org.multios.ipc.Ipc} bootstrap finds them with {@link java.util.ServiceLoader}.
 * Inside OSGi the mechanism's component builds the same provider from its configuration.
 */
@ProviderType
public interface MechanismFactory {
    /** A new provider working in the given environment; closed with {@link #close}. */
    MechanismProvider<?> create(IpcEnvironment environment);

    /**
     * Stops a provider this factory made: every waiter wakes with CLOSED and every thread it
     * started ends. Named objects stay in the IPC root.
     */
    void close(MechanismProvider<?> provider);
}
