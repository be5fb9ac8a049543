package org.multios.ipc.security.internal;

import java.time.Instant;
import java.util.Map;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;
import org.multios.ipc.spi.ConfigurationReader;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform limits (PID {@value PlatformConfiguration#LIMITS_PID}), shared by every mechanism: this component describes
 * them for the configuration editors, reads them whole and strictly, and keeps the values in
 * force for {@code IpcRuntime}. A configuration that does not parse is refused as a whole; the
 * {@link Guard} then withdraws every API service until a valid one comes. Mechanisms read the
 * same PID themselves.
 */
@Component(service = PlatformLimits.class, configurationPid = PlatformConfiguration.LIMITS_PID)
@Designate(ocd = PlatformLimits.Configuration.class)
public final class PlatformLimits {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformLimits.class);

    /**
     * The outcome of the last configuration: limits, or the reason they were refused.
     *
     * @param limits  the limits, null if refused
     * @param problem why the configuration was refused, null if accepted
     * @param source  the configuration it is about
     * @param since   when it was read
     */
    record State(IpcLimits limits, String problem, String source, Instant since) {
    }

    private volatile State state;
    private volatile IpcLimits lastValid = IpcLimits.defaults();
    private volatile Runnable listener = () -> { };

    /** The limits, with the original specification's defaults. */
    @ObjectClassDefinition(name = "MultiOS IPC limits",
            description = "Limits checked before any resource is taken; changes apply to later operations.")
    @interface Configuration {
        @AttributeDefinition(name = "Channels", description = "Live channels at most.")
        long channels_max() default Limit.Defaults.CHANNELS;

        @AttributeDefinition(name = "Shared memory segment size", description = "Bytes of one segment at most.")
        long shm_segment_size_max() default Limit.Defaults.SEGMENT_SIZE;

        @AttributeDefinition(name = "Messages per queue", description = "Messages one queue holds at most.")
        long queue_messages_max() default Limit.Defaults.QUEUE_MESSAGES;

        @AttributeDefinition(name = "Message size", description = "Bytes of one message at most.")
        long message_size_max() default Limit.Defaults.MESSAGE_SIZE;

        @AttributeDefinition(name = "Buffer size", description = "Bytes of a channel's or pipe's buffer at most.")
        long buffer_size_max() default Limit.Defaults.BUFFER_SIZE;

        @AttributeDefinition(name = "Signal handlers per process", description = "Handlers one process registers at most.")
        long signal_handlers_max() default Limit.Defaults.SIGNAL_HANDLERS;

        @AttributeDefinition(name = "Objects", description = "Live objects of one kind at most.")
        long objects_max() default Limit.Defaults.OBJECTS;

        @AttributeDefinition(name = "Connections", description = "Network connections of one endpoint at most.")
        long net_connections_max() default Limit.Defaults.CONNECTIONS;

        @AttributeDefinition(name = "Bytes under the IPC root",
                description = "Bytes that the named objects of every owner under the IPC root hold at most.")
        long root_bytes_max() default Limit.Defaults.ROOT_BYTES;
    }

    /** Reads the limits. */
    @Activate
    public PlatformLimits(Map<String, Object> properties) {
        modified(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        ConfigurationReader config = ConfigurationReader.of(PlatformConfiguration.LIMITS_PID, properties);
        try {
            IpcLimits limits = read(config);
            state = new State(limits, null, config.source(), Instant.now());
            lastValid = limits;
        } catch (IpcException e) {
            state = new State(null, e.getMessage(), config.source(), Instant.now());
            LOG.error("limits refused: {}", e.getMessage());
        }
        listener.run();
    }

    /**
     * Reads every limit of a configuration.
     *
     * @throws IpcException INVALID_ARGUMENT naming the configuration and the key
     */
    static IpcLimits read(ConfigurationReader config) {
        IpcLimits limits = IpcLimits.defaults();
        for (Limit l : Limit.values()) {
            limits = limits.with(l, config.whole(l.key(), l.defaultValue(), 1, Long.MAX_VALUE));
        }
        config.finish();
        return limits;
    }

    @Deactivate
    void deactivate() {
        listener = () -> { };
    }

    /** Calls the listener after every configuration change; one listener at a time. */
    void listen(Runnable onChange) {
        listener = onChange;
    }

    /** The outcome of the last configuration. */
    State state() {
        return state;
    }

    /** The limits in force now: those of the last configuration accepted. */
    IpcLimits get() {
        return lastValid;
    }
}
