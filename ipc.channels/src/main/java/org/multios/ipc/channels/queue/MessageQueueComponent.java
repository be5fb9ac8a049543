package org.multios.ipc.channels.queue;

import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.DelegatingProvider;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

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
public final class MessageQueueComponent extends DelegatingProvider<MessageQueueService> {

    private final MessageQueueMechanism mechanism;
    private final String root;

    /** Starts the mechanism. */
    @Activate
    public MessageQueueComponent(BundleContext context, Map<String, Object> config) {
        this(new MessageQueueMechanism(PlatformConfiguration.environment(context.getProperty(IpcEnvironment.ROOT_PROPERTY), config),
                DurableRoot.configured(context.getProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY))),
                context.getProperty(IpcEnvironment.ROOT_PROPERTY));
        configured(config);
        publish(context, config);
    }

    private MessageQueueComponent(MessageQueueMechanism mechanism, String root) {
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
