package org.multios.ipc.shm.internal;

import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismComponent;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The shared memory mechanism in OSGi: limits from the platform's limits configuration, the
 * IPC root from the framework property {@value IpcEnvironment#ROOT_PROPERTY}. Stopping the
 * bundle closes every handle and mapping; named segments stay and are found again on restart.
 */
@Component(service = {}, immediate = true, configurationPid = PlatformConfiguration.LIMITS_PID)
@IpcMechanism("shm")
public final class SharedMemoryComponent extends MechanismComponent<SharedMemoryService, SharedMemoryMechanism> {
    /** Starts the mechanism. */
    @Activate
    public SharedMemoryComponent(BundleContext context, Map<String, Object> config) {
        super(context, config, SharedMemoryMechanism::new);
    }
}
