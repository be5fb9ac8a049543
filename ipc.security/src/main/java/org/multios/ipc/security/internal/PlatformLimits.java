package org.multios.ipc.security.internal;

import java.util.Map;

import org.multios.ipc.IpcLimits;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The platform limits (PID {@value #PID}), shared by every mechanism: this component describes
 * them for the configuration editors and keeps the values in force for {@code IpcRuntime}.
 * Mechanisms read the same PID themselves.
 */
@Component(service = PlatformLimits.class, configurationPid = PlatformLimits.PID)
@Designate(ocd = PlatformLimits.Configuration.class)
public final class PlatformLimits {
    /** Configuration PID of the platform limits. */
    public static final String PID = "org.multios.ipc.limits";

    private volatile IpcLimits limits;

    /** The limits, with the original specification's defaults. */
    @ObjectClassDefinition(name = "MultiOS IPC limits",
            description = "Limits checked before any resource is taken; changes apply to later operations.")
    @interface Configuration {
        @AttributeDefinition(name = "Channels", description = "Live channels at most.")
        long channels_max() default 1024;

        @AttributeDefinition(name = "Shared memory segment size", description = "Bytes of one segment at most.")
        long shm_segment_size_max() default 16L * 1024 * 1024;

        @AttributeDefinition(name = "Messages per queue", description = "Messages one queue holds at most.")
        long queue_messages_max() default 256;

        @AttributeDefinition(name = "Message size", description = "Bytes of one message at most.")
        long message_size_max() default 64L * 1024;

        @AttributeDefinition(name = "Buffer size", description = "Bytes of a channel's or pipe's buffer at most.")
        long buffer_size_max() default 16L * 1024 * 1024;

        @AttributeDefinition(name = "Signal handlers per process", description = "Handlers one process registers at most.")
        long signal_handlers_max() default 64;

        @AttributeDefinition(name = "Objects", description = "Live objects of one kind at most.")
        long objects_max() default 65536;

        @AttributeDefinition(name = "Connections", description = "Network connections of one endpoint at most.")
        long net_connections_max() default 256;
    }

    /** Reads the limits. */
    @Activate
    public PlatformLimits(Map<String, Object> properties) {
        modified(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        limits = IpcLimits.fromConfiguration(properties);
    }

    /** The limits in force now. */
    IpcLimits get() {
        return limits;
    }
}
