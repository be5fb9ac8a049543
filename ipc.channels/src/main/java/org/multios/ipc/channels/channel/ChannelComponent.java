package org.multios.ipc.channels.channel;

import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.spi.DelegatingProvider;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * The channel mechanism in OSGi: limits from the platform's limits configuration, the IPC root
 * from the framework property {@value IpcEnvironment#ROOT_PROPERTY}. Stopping the bundle closes
 * every handle and anonymous channel (waiters wake with CLOSED); named channels and their
 * messages stay and are found again on restart.
 */
@Component(service = {}, immediate = true, configurationPid = { PlatformConfiguration.WAIT_PID, PlatformConfiguration.LIMITS_PID })
@IpcMechanism("channel")
public final class ChannelComponent extends DelegatingProvider<ChannelService> {

    private final ChannelMechanism mechanism;
    private final String root;

    /** Starts the mechanism. */
    @Activate
    public ChannelComponent(BundleContext context, Map<String, Object> config) {
        this(new ChannelMechanism(PlatformConfiguration.environment(context.getProperty(IpcEnvironment.ROOT_PROPERTY), config)),
                context.getProperty(IpcEnvironment.ROOT_PROPERTY));
        configured(config);
        publish(context, config);
    }

    private ChannelComponent(ChannelMechanism mechanism, String root) {
        super(mechanism);
        this.mechanism = mechanism;
        this.root = root;
    }

    /** Applies the platform default wait strategy (PID {@value PlatformConfiguration#WAIT_PID}). */
    private void configured(Map<String, Object> config) {
        mechanism.defaultWaitStrategy(PlatformConfiguration.waitStrategy(config));
    }

    @Modified
    void modified(Map<String, Object> config) {
        mechanism.environment(PlatformConfiguration.environment(root, config));
        configured(config);
    }

    @Deactivate
    void deactivate() {
        withdraw();
        mechanism.close();
    }
}
