package org.multios.ipc.channels.channel;

import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismComponent;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The channel mechanism in OSGi: limits from the platform's limits configuration, the IPC root
 * from the framework property {@value IpcEnvironment#ROOT_PROPERTY}. Stopping the bundle closes
 * every handle and anonymous channel (waiters wake with CLOSED); named channels and their
 * messages stay and are found again on restart.
 */
@Component(service = {}, immediate = true, configurationPid = { PlatformConfiguration.WAIT_PID, PlatformConfiguration.LIMITS_PID })
@IpcMechanism("channel")
public final class ChannelComponent extends MechanismComponent<ChannelService, ChannelMechanism> {
    /** Starts the mechanism. */
    @Activate
    public ChannelComponent(BundleContext context, Map<String, Object> config) {
        super(context, config, ChannelMechanism::new);
    }
}
