package org.multios.ipc.spi;

import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.WaitStrategy;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A mechanism's provider as its OSGi component drives it ({@link MechanismComponent}): the
 * limits change with their configuration, the platform default wait strategy applies to objects
 * created later, and closing stops it.
 *
 * @param <S> the API service type
 */
@ConsumerType
public interface ConfigurableMechanism<S> extends MechanismProvider<S> {
    /** Applies changed limits to later operations. */
    void environment(IpcEnvironment changed);

    /**
     * Sets the wait strategy of objects created from now on without one of their own; ignored by
     * a mechanism that never waits.
     */
    default void defaultWaitStrategy(WaitStrategy strategy) {
    }

    /** Applies the platform configuration: its default wait strategy (PID {@value PlatformConfiguration#WAIT_PID}). */
    default void configure(Map<String, ?> config) {
        defaultWaitStrategy(PlatformConfiguration.waitStrategy(config));
    }

    /** Stops the mechanism: every handle closes and every waiter wakes with CLOSED. */
    void close();
}
