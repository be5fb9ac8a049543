package org.multios.ipc.console.internal;

import static org.multios.ipc.console.web.ObjectAdmin.require;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.felix.service.command.Descriptor;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.console.web.AtFirstUse;
import org.multios.ipc.net.AuthToken;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.NetService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.spi.OperatorAuthority;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Gogo commands in scope {@code ipc} for queues exported by bridges, on this machine or
 * another: send to and receive from them as this bundle's IPC process. Bridges themselves are
 * configured (factory PID {@code org.multios.ipc.net.bridge}) and listed by {@code ipc:objects
 * endpoint}.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, service = NetCommands.class, property = {
    "osgi.command.scope=ipc",
    "osgi.command.function=remotesend", "osgi.command.function=remotereceive" })
public final class NetCommands {
    // taken at the first command (AtFirstUse): binding it makes no network mechanism at the start
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<NetService> ownNet;
    private final AtFirstUse<NetService> firstNet = new AtFirstUse<>(() -> ownNet);
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile OperatorAuthority operators;
    private final CommandCaller caller = new CommandCaller(() -> operators);

    @Descriptor("sends a text message to a queue exported by a bridge; never waits for room")
    public String remotesend(@Descriptor("bridge endpoint: tcp://host:port or unix:/path") String endpoint,
            @Descriptor("queue name") String queue, @Descriptor("priority 0..31") int priority,
            @Descriptor("text") String text) {
        return remotesend(endpoint, queue, priority, text, "");
    }

    @Descriptor("sends a text message to a queue exported by a TCP bridge that requires a token")
    public String remotesend(@Descriptor("bridge endpoint: tcp://host:port") String endpoint,
            @Descriptor("queue name") String queue, @Descriptor("priority 0..31") int priority,
            @Descriptor("text") String text, @Descriptor("authentication token") String token) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (MessageQueue q = open(endpoint, queue, token)) {
            if (!q.trySend(bytes, 0, bytes.length, priority)) {
                throw new IpcException(IpcError.WOULD_BLOCK, "queue '" + queue + "' at " + endpoint + " is full");
            }
            return "sent " + bytes.length + " bytes at priority " + priority + " to " + endpoint + "\n";
        }
    }

    @Descriptor("receives the next message of a queue exported by a bridge, waiting at most the given milliseconds")
    public String remotereceive(@Descriptor("bridge endpoint: tcp://host:port or unix:/path") String endpoint,
            @Descriptor("queue name") String queue, @Descriptor("timeout in milliseconds") long millis) {
        return remotereceive(endpoint, queue, millis, "");
    }

    @Descriptor("receives the next message of a queue exported by a TCP bridge that requires a token")
    public String remotereceive(@Descriptor("bridge endpoint: tcp://host:port") String endpoint,
            @Descriptor("queue name") String queue, @Descriptor("timeout in milliseconds") long millis,
            @Descriptor("authentication token") String token) {
        try (MessageQueue q = open(endpoint, queue, token)) {
            byte[] buffer = new byte[q.attributes().maxMessageSize()];
            MessageInfo info = new MessageInfo();
            int n = q.receive(buffer, 0, buffer.length, info, Duration.ofMillis(millis));
            return "priority " + info.priority() + " from " + info.senderKind().name().toLowerCase() + " "
                    + info.senderId() + ": " + new String(buffer, 0, n, StandardCharsets.UTF_8) + "\n";
        }
    }

    private MessageQueue open(String endpoint, String queue, String token) {
        ConnectOptions options = token.isEmpty() ? ConnectOptions.DEFAULTS
                : ConnectOptions.DEFAULTS.withToken(AuthToken.of(token));
        return require(caller.service(NetService.class, firstNet), "ipc.net").openRemoteQueue(Endpoint.parse(endpoint),
                queue, options);
    }
}
