package org.multios.ipc.shm.internal;

import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.spi.DelegatingProvider;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * The shared memory mechanism in OSGi: limits from the platform's limits configuration, the
 * IPC root from the framework property {@value IpcEnvironment#ROOT_PROPERTY}. Stopping the
 * bundle closes every handle and mapping; named segments stay and are found again on restart.
 */
@Component(service = {}, immediate = true, configurationPid = PlatformConfiguration.LIMITS_PID)
@IpcMechanism("shm")
public final class SharedMemoryComponent extends DelegatingProvider<SharedMemoryService> {

    private final SharedMemoryMechanism mechanism;
    private final String root;

    /** Starts the mechanism. */
    @Activate
    public SharedMemoryComponent(BundleContext context, Map<String, Object> config) {
        this(new SharedMemoryMechanism(PlatformConfiguration.environment(context.getProperty(IpcEnvironment.ROOT_PROPERTY), config)),
                context.getProperty(IpcEnvironment.ROOT_PROPERTY));
        publish(context, config);
    }

    private SharedMemoryComponent(SharedMemoryMechanism mechanism, String root) {
        super(mechanism);
        this.mechanism = mechanism;
        this.root = root;
    }

    @Modified
    void modified(Map<String, Object> config) {
        mechanism.environment(PlatformConfiguration.environment(root, config));
    }

    @Deactivate
    void deactivate() {
        withdraw();
        mechanism.close();
    }
}
