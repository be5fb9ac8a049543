package org.multios.ipc.channels.queue;

import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismComponent;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The message queue mechanism in OSGi: limits from the platform's limits configuration, the IPC
 * root from the framework property {@value IpcEnvironment#ROOT_PROPERTY}, the durable root from
 * {@value MessageQueueMechanism#DURABLE_ROOT_PROPERTY} (by default {@code ipc-durable} under the
 * working directory). Stopping the bundle
 * closes every handle and listener registration (waiters wake with CLOSED); named queues and
 * their messages stay and are found again on restart.
 */
@Component(service = {}, immediate = true, configurationPid = { PlatformConfiguration.WAIT_PID, PlatformConfiguration.LIMITS_PID })
@IpcMechanism("queue")
public final class MessageQueueComponent extends MechanismComponent<MessageQueueService, MessageQueueMechanism> {
    /** Starts the mechanism. */
    @Activate
    public MessageQueueComponent(BundleContext context, Map<String, Object> config) {
        super(context, config, environment -> new MessageQueueMechanism(environment,
                DurableRoot.configured(context.getProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY))));
    }
}
