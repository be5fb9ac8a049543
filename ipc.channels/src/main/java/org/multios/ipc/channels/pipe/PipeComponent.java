package org.multios.ipc.channels.pipe;

import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismComponent;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Pipes as an OSGi mechanism, waiting as the platform default wait strategy says (PID
 * {@value PlatformConfiguration#WAIT_PID}); deactivating closes every end and wakes every waiter
 * with CLOSED.
 */
@Component(service = {}, immediate = true, configurationPid = { PlatformConfiguration.WAIT_PID, PlatformConfiguration.LIMITS_PID })
@IpcMechanism("pipe")
public final class PipeComponent extends MechanismComponent<PipeService, PipeMechanism> {
    /** Starts the mechanism. */
    @Activate
    public PipeComponent(BundleContext context, Map<String, Object> config) {
        super(context, config, PipeMechanism::new);
    }
}
