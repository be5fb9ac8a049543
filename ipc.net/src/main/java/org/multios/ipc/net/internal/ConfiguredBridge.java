package org.multios.ipc.net.internal;

import java.time.Duration;

import org.multios.ipc.IpcException;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bridge the operator configured (factory PID {@value #PID}): it exports its queue or
 * channel while the network mechanism runs, so that stopping and restarting ipc.net (or the
 * whole gateway) brings it back. It acts as this bundle's IPC identity.
 */
@Component(configurationPid = ConfiguredBridge.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
@Designate(ocd = ConfiguredBridge.Config.class, factory = true)
public final class ConfiguredBridge {
    /** Factory PID of configured bridges. */
    public static final String PID = "org.multios.ipc.net.bridge";

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredBridge.class);

    /** One configured bridge. */
    @ObjectClassDefinition(name = "MultiOS IPC bridge",
            description = "Exports a named queue or channel on a network endpoint.")
    public @interface Config {
        @AttributeDefinition(name = "Endpoint",
                description = "tcp://host:port or unix:/path or unix:name; an empty TCP host means loopback.")
        String endpoint();

        @AttributeDefinition(name = "Object type", description = "queue or channel.")
        String type() default "queue";

        @AttributeDefinition(name = "Object name", description = "The name of the exported queue or channel.")
        String name();

        @AttributeDefinition(name = "Maximum connections")
        int max_connections() default 64;

        @AttributeDefinition(name = "Maximum message size", description = "Bytes.")
        int max_frame_size() default 65536;

        @AttributeDefinition(name = "Require authentication",
                description = "Whether TCP peers must present a token the security policy knows.")
        boolean require_authentication() default true;

        @AttributeDefinition(name = "Idle timeout", description = "Seconds; 0 for none.")
        long idle_timeout_seconds() default 0;

        @AttributeDefinition(name = "Socket mode", description = "Octal mode of a Unix socket file.")
        String socket_mode() default "0600";
    }

    private final Bridge bridge;

    /** Exports the configured object. */
    @Activate
    public ConfiguredBridge(Config config, @Reference NetService net) {
        ListenOptions options = ListenOptions.DEFAULTS.withMaxConnections(config.max_connections())
                .withMaxFrameSize(config.max_frame_size())
                .withRequireAuthentication(config.require_authentication())
                .withIdleTimeout(Duration.ofSeconds(config.idle_timeout_seconds()))
                .withSocketMode(org.multios.ipc.Permissions.parseMode(config.socket_mode()));
        Endpoint endpoint = Endpoint.parse(config.endpoint());
        this.bridge = switch (config.type().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "queue" -> net.exportQueue(config.name(), endpoint, options);
            case "channel" -> net.exportChannel(config.name(), endpoint, options);
            default -> throw IpcException.invalidArgument("bridge on " + endpoint + ": type '" + config.type()
                    + "' is neither queue nor channel");
        };
        LOG.info("exporting {} '{}' on {}", bridge.exportedType().label(), bridge.exportedName(), bridge.endpoint());
    }

    @Deactivate
    void deactivate() {
        bridge.close();
    }
}
