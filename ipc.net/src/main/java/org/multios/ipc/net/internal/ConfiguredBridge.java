package org.multios.ipc.net.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.multios.ipc.IpcException;
import org.multios.ipc.Permissions;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
import org.multios.ipc.spi.ConfigurationReader;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.multios.ipc.net.internal.bridge.BridgeServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bridge the operator configured (factory PID {@value #PID}): it exports its queue or
 * channel while the network mechanism runs, so that stopping and restarting ipc.net (or the
 * whole gateway) brings it back. It acts as this bundle's IPC identity. The configuration is
 * read whole before anything is exported: a value that does not parse (a misspelt boolean, a
 * number out of range), a missing one or an unknown key refuses it, naming the file and the
 * key, and no bridge is exported for it.
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

        @AttributeDefinition(name = "Idle timeout", description = "Seconds; 0 for the network mechanism's "
                + "idle timeout (configuration org.multios.ipc.net, 10 minutes unless set).")
        long idle_timeout_seconds() default 0;

        @AttributeDefinition(name = "Socket mode", description = "Octal mode of a Unix socket file.")
        String socket_mode() default "0600";

        @AttributeDefinition(name = "Session grace", description = "Seconds a session of acknowledged receives "
                + "keeps its unacknowledged messages without a connection before they go back to the object.")
        long session_grace_seconds() default 30;
    }

    private final Bridge bridge;

    /**
     * Exports the configured object.
     *
     * @throws IpcException INVALID_ARGUMENT naming the configuration and the key, for a
     *         configuration that does not parse; nothing is exported then
     */
    @Activate
    public ConfiguredBridge(Map<String, Object> properties, @Reference NetService net) {
        ConfigurationReader config = ConfigurationReader.of(PID, properties);
        try {
            Endpoint endpoint = config.parse("endpoint", config.requiredString("endpoint"), Endpoint::parse);
            String type = config.string("type", "queue").toLowerCase(Locale.ROOT);
            String name = config.requiredString("name");
            ListenOptions options = ListenOptions.DEFAULTS
                    .withMaxConnections((int) config.whole("max.connections", 64, 1, Integer.MAX_VALUE))
                    .withMaxFrameSize((int) config.whole("max.frame.size", 65536, 1, Integer.MAX_VALUE))
                    .withRequireAuthentication(config.bool("require.authentication", true))
                    .withIdleTimeout(Duration.ofSeconds(config.whole("idle.timeout.seconds", 0, 0, Long.MAX_VALUE / 1000)))
                    .withSocketMode(config.parse("socket.mode", config.string("socket.mode", "0600"),
                            Permissions::parseMode));
            Duration grace = Duration.ofSeconds(config.whole("session.grace.seconds", 30, 0, 86_400));
            if (!type.equals("queue") && !type.equals("channel")) {
                throw config.bad("type", "expected queue or channel, found '" + type + "'");
            }
            config.finish();
            this.bridge = type.equals("queue") ? net.exportQueue(name, endpoint, options)
                    : net.exportChannel(name, endpoint, options);
            if (bridge instanceof BridgeServer server) {
                server.sessionGrace(grace);
            }
        } catch (IpcException e) {
            LOG.error("bridge not exported: {}", e.getMessage());
            throw e;
        }
        LOG.info("exporting {} '{}' on {}", bridge.exportedType().label(), bridge.exportedName(), bridge.endpoint());
    }

    @Deactivate
    void deactivate() {
        bridge.close();
    }
}
