package org.multios.ipc.channels.pipe;

import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.spi.DelegatingProvider;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * Pipes as an OSGi mechanism, waiting as the platform default wait strategy says (PID
 * {@value PlatformConfiguration#WAIT_PID}); deactivating closes every end and wakes every waiter
 * with CLOSED.
 */
@Component(service = {}, immediate = true, configurationPid = { PlatformConfiguration.WAIT_PID, PlatformConfiguration.LIMITS_PID })
@IpcMechanism("pipe")
public final class PipeComponent extends DelegatingProvider<PipeService> {

    private final PipeMechanism mechanism;
    private final BundleContext context;

    /** Starts the mechanism on the configured root and limits. */
    @Activate
    public PipeComponent(BundleContext context, Map<String, Object> config) {
        this(new PipeMechanism(environment(context, config)), context);
        mechanism.defaultWaitStrategy(PlatformConfiguration.waitStrategy(config));
        publish(context, config);
    }

    private PipeComponent(PipeMechanism mechanism, BundleContext context) {
        super(mechanism);
        this.mechanism = mechanism;
        this.context = context;
    }

    private static IpcEnvironment environment(BundleContext context, Map<String, Object> config) {
        return PlatformConfiguration.environment(context.getProperty(IpcEnvironment.ROOT_PROPERTY), config);
    }

    @Modified
    void modified(Map<String, Object> config) {
        mechanism.environment(environment(context, config));
        mechanism.defaultWaitStrategy(PlatformConfiguration.waitStrategy(config));
    }

    @Deactivate
    void deactivate() {
        withdraw();
        mechanism.close();
    }
}
