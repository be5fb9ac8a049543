package org.multios.ipc.net.internal;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcObject;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.DatagramEndpoint;
import org.multios.ipc.net.DatagramOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.Transport;
import org.multios.ipc.net.internal.bridge.BridgeServer;
import org.multios.ipc.net.internal.bridge.RemoteObjects;
import org.multios.ipc.net.internal.datagram.UdpEndpoint;
import org.multios.ipc.net.internal.stream.BoundSocket;
import org.multios.ipc.net.internal.stream.ClosingHandle;
import org.multios.ipc.net.internal.stream.PeerContexts;
import org.multios.ipc.net.internal.stream.Reach;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.net.internal.stream.StreamConnector;
import org.multios.ipc.net.internal.stream.StreamListener;
import org.multios.ipc.net.internal.stream.TargetHosts;
import org.multios.ipc.net.internal.tls.TlsSettings;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;

/**
 * Opens the network mechanism's handles in a caller's session: checks the arguments and the
 * environment's limits first, then that the mechanism and the session are open; authorizes
 * the handle by the caller's policy (its grant) and tracks it in the session, which closes it
 * when the caller goes.
 */
final class NetHandleOpener {
    private final PeerContexts shared;
    private final LocalProviders providers;
    private final Supplier<IpcEnvironment> environment;
    private final Runnable mechanismOpen;
    private final StreamConnector connector;
    private final RemoteObjects remote;
    private final EndpointAddresses addresses;
    private final AtomicLong ids = new AtomicLong();

    /**
     * @param providers     the local queue and channel mechanisms, for bridges
     * @param environment   the mechanism's environment as it is now (it may change)
     * @param mechanismOpen throws CLOSED once the mechanism is closed
     */
    NetHandleOpener(PeerContexts shared, LocalProviders providers, Supplier<IpcEnvironment> environment,
            Runnable mechanismOpen) {
        this.shared = shared;
        this.providers = providers;
        this.environment = environment;
        this.mechanismOpen = mechanismOpen;
        this.connector = new StreamConnector(shared);
        this.remote = new RemoteObjects(connector);
        this.addresses = new EndpointAddresses(environment, shared::lookup);
    }

    /** The mechanism and the caller's session are open (a released caller's service refuses). */
    private void checkOpen(NetSession session) {
        mechanismOpen.run();
        session.checkOpen();
    }

    Listener listen(NetSession session, Endpoint given, ListenOptions options) {
        Endpoint endpoint = stream(given, "listen on");
        Decided decided = listening(session, endpoint, options, "listener on");
        Grant grant = decided.grant();
        CallerContext caller = session.caller();
        Permissions permissions = Permissions.of(caller.process(), options.socketMode());
        BoundSocket bound = BoundSocket.bind(endpoint, addresses.socketFile(endpoint, true), decided.reach().address(),
                options.socketMode(), addresses.files());
        StreamListener listener = new StreamListener(ids.incrementAndGet(), shared, bound, options, caller,
                session.gate(), permissions, grant);
        listener.onAccept(session::track);
        return session.track(listener);
    }

    Connection connect(NetSession session, Endpoint given, ConnectOptions options) {
        Endpoint endpoint = stream(given, "connect to");
        TargetHosts.requireNamedHost(endpoint, "connect to");
        if (endpoint.transport() != Transport.UNIX && endpoint.port() == 0) {
            throw IpcException.invalidArgument("cannot connect to " + endpoint + ": port 0 names no listener");
        }
        environment.get().limits().check(Limit.MESSAGE_SIZE, options.maxFrameSize(), "connection to " + endpoint);
        checkOpen(session);
        Decided decided = decide(session, endpoint, 0600, addresses::target);
        StreamConnection c = connector.connect(decided.reach(), options, session.caller(), session.gate(),
                decided.grant());
        return session.track(c);
    }

    DatagramEndpoint openDatagram(NetSession session, Endpoint local, DatagramOptions options) {
        if (local == null || options == null) {
            throw IpcException.invalidArgument("a UDP socket needs an endpoint and options");
        }
        if (local.transport() != Transport.UDP) {
            throw IpcException.invalidArgument("cannot open a UDP socket on " + local + ": not a udp:// endpoint");
        }
        environment.get().limits().check(Limit.MESSAGE_SIZE, options.maxDatagramSize(), "UDP socket " + local);
        checkOpen(session);
        Decided decided = decide(session, local, 0600, addresses::listening);
        UdpEndpoint udp = UdpEndpoint.open(ids.incrementAndGet(), decided.reach(), options, session.caller(),
                session.gate(), decided.grant(), shared.lookup());
        return session.track(udp);
    }

    Bridge export(NetSession session, ObjectType type, String name, Endpoint given, ListenOptions options) {
        Endpoint endpoint = stream(given, "export on");
        Decided decided = listening(session, endpoint, options, "bridge on");
        Grant grant = decided.grant();
        CallerContext caller = session.caller();
        Permissions permissions = Permissions.of(caller.process(), options.socketMode());
        BridgeServer bridge = BridgeServer.export(ids.incrementAndGet(), type, name, providers, caller,
                session.gate(), shared, () -> BoundSocket.bind(endpoint, addresses.socketFile(endpoint, true),
                        decided.reach().address(), options.socketMode(), addresses.files()), options, permissions,
                grant);
        return session.track(bridge);
    }

    MessageQueue openRemoteQueue(NetSession session, Endpoint given, String queueName, ConnectOptions options) {
        return openRemote(session, given, (bridge, grant) -> remote.openQueue(bridge, queueName, options,
                session.caller(), session.gate(), grant));
    }

    ChannelEnd openRemoteChannel(NetSession session, Endpoint given, String channelName, ChannelSide side,
            ConnectOptions options) {
        return openRemote(session, given, (bridge, grant) -> remote.openChannel(bridge, channelName, side, options,
                session.caller(), session.gate(), grant));
    }

    /** Opens a remote object's handle on a bridge. */
    @FunctionalInterface
    private interface RemoteOpen<T> {
        T open(Reach bridge, Grant grant);
    }

    private <T extends IpcObject> T openRemote(NetSession session, Endpoint given, RemoteOpen<T> open) {
        Endpoint bridge = stream(given, "open a remote object on");
        TargetHosts.requireNamedHost(bridge, "open a remote object on");
        checkOpen(session);
        Decided decided = decide(session, bridge, 0600, addresses::target);
        T handle = open.open(decided.reach(), decided.grant()); // reconnections reach what was decided
        session.track((ClosingHandle) handle);
        return handle;
    }

    /** A handle's grant and what it reaches, decided. */
    private record Decided(Grant grant, Reach reach) {
    }

    /**
     * The checks of an endpoint to listen on (a listener's or a bridge's, in its one text), in
     * their order, then its grant, decided on its text and on what it binds ({@link Reach}).
     *
     * @param what what refusals of plaintext name: {@code listener on}
     */
    private Decided listening(NetSession session, Endpoint endpoint, ListenOptions options, String what) {
        checkListenOptions(endpoint, options);
        checkOpen(session);
        checkListenerTransport(endpoint, null, what);
        Decided decided = decide(session, endpoint, options.socketMode(), addresses::listening);
        checkListenerTransport(endpoint, decided.reach().address(), what);
        return decided;
    }

    /**
     * The caller's grant on {@code endpoint} with the given socket mode, by its policy: decided on
     * the endpoint's text first (a denied caller learns nothing of its address), then on what it
     * reaches, found once ({@link Reach#authorize}).
     */
    private static Decided decide(NetSession session, Endpoint endpoint, int mode, Function<Endpoint, Reach> reach) {
        CallerContext caller = session.caller();
        Grant grant = caller.authorize(ObjectType.ENDPOINT, endpoint.toString(), Permissions.of(caller.process(),
                mode), Rights.READ_WRITE);
        Reach reached = reach.apply(endpoint);
        reached.authorize(caller, grant, mode, Rights.READ_WRITE);
        return new Decided(grant, reached);
    }

    private void checkListenOptions(Endpoint endpoint, ListenOptions options) {
        if (options == null) {
            throw IpcException.invalidArgument("listener on " + endpoint + ": options must not be null");
        }
        String what = "listener on " + endpoint;
        environment.get().limits().check(Limit.CONNECTIONS, options.maxConnections(), what);
        environment.get().limits().check(Limit.MESSAGE_SIZE, options.maxFrameSize(), what);
    }

    /**
     * A TCP listener without a server certificate listens on loopback only (by its text and by
     * the address it binds, once looked up), unless plaintext is allowed.
     */
    private void checkListenerTransport(Endpoint endpoint, SocketAddress bound, String what) {
        TlsSettings tls = shared.settings().tls();
        if (!tls.serves()) {
            tls.checkPlaintext(endpoint, bound, what);
        }
    }

    /**
     * A stream endpoint a caller gave, in the one text its grant, its handle's name and the logs
     * use: a socket named in the IPC root by its name, however the caller wrote it (the one place
     * endpoints are put in that text; see {@link EndpointAddresses#named}).
     */
    private Endpoint stream(Endpoint endpoint, String operation) {
        if (endpoint == null) {
            throw IpcException.invalidArgument("cannot " + operation + " a missing endpoint");
        }
        if (!endpoint.transport().isStream()) {
            throw IpcException.invalidArgument("cannot " + operation + " " + endpoint
                    + ": UDP carries datagrams; use openDatagram");
        }
        return addresses.named(endpoint);
    }
}
