package org.multios.ipc.net.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectInfo;
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
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.Transport;
import org.multios.ipc.net.internal.bridge.BridgeServer;
import org.multios.ipc.net.internal.bridge.RemoteObjects;
import org.multios.ipc.net.internal.datagram.UdpEndpoint;
import org.multios.ipc.net.internal.stream.BoundSocket;
import org.multios.ipc.net.internal.stream.ClosingHandle;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.tls.TlsSettings;
import org.multios.ipc.net.internal.stream.PeerContexts;
import org.multios.ipc.net.internal.stream.Reactor;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.net.internal.stream.StreamConnector;
import org.multios.ipc.net.internal.stream.StreamListener;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.CallerSessions;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.PeerAuthority;

/**
 * The network mechanism, plain Java: one reactor thread serves every listener and connection
 * of every caller; each caller gets a {@link NetService} bound to it, and its handles close
 * when it goes. Used by the OSGi component and by the plain-Java bootstrap alike.
 */
public final class NetMechanism implements MechanismProvider<NetService> {
    private final Reactor reactor;
    private final PeerContexts shared;
    private final StreamConnector connector;
    private final RemoteObjects remote;
    private final LocalProviders providers;
    private final CallerSessions<NetSession> sessions = new CallerSessions<>(NetSession::new, NetSession::close);
    private final AtomicLong ids = new AtomicLong();
    private volatile IpcEnvironment environment;
    private volatile boolean closed;

    /**
     * Starts the mechanism's reactor thread.
     *
     * @param settings  how the mechanism protects itself from its peers
     * @param authority identifies the peers of connections
     * @param providers the local queue and channel mechanisms, for bridges
     */
    public NetMechanism(IpcEnvironment environment, NetSettings settings, PeerAuthority authority,
            LocalProviders providers) {
        this(environment, settings, authority, providers, Reactor.Timing.DEFAULT);
    }

    /** As above, on another reactor clock (tests). */
    NetMechanism(IpcEnvironment environment, NetSettings settings, PeerAuthority authority, LocalProviders providers,
            Reactor.Timing timing) {
        this.environment = environment;
        this.providers = providers;
        this.reactor = new Reactor("ipc-net-reactor", timing);
        this.shared = new PeerContexts(reactor, authority, settings);
        this.connector = new StreamConnector(shared);
        this.remote = new RemoteObjects(connector);
    }

    /** Applies changed limits to later operations. */
    public void environment(IpcEnvironment changed) {
        this.environment = changed;
    }

    /** Applies changed settings to later connections and requests. */
    public void settings(NetSettings changed) {
        shared.settings(changed);
    }

    /** Errors the reactor thread caught (each logged), a blocking call in it among them; 0 when all is well. */
    public long reactorFaults() {
        return reactor.faults();
    }

    @Override
    public Class<NetService> apiType() {
        return NetService.class;
    }

    @Override
    public NetService bind(CallerContext caller) {
        checkOpen();
        return new BoundService(sessions.bind(caller));
    }

    @Override
    public void release(CallerContext caller) {
        sessions.release(caller);
    }

    /** Stops the mechanism: every handle closes, then the reactor thread ends. */
    public void close() {
        closed = true;
        sessions.releaseAll();
        reactor.close();
        shared.close();
    }

    @Override
    public List<ObjectInfo> objects() {
        List<ObjectInfo> all = new ArrayList<>();
        sessions.values().forEach(s -> all.addAll(s.infos()));
        return all;
    }

    @Override
    public int connectionCount() {
        return sessions.values().stream().mapToInt(NetSession::size).sum();
    }

    private void checkOpen() {
        if (closed) {
            throw IpcException.closed("the network mechanism");
        }
    }

    /** The mechanism and the caller's session are open (a released caller's service refuses). */
    private void checkOpen(NetSession session) {
        checkOpen();
        session.checkOpen();
    }

    // ------------------------------------------------------------------ operations

    private Listener listen(NetSession session, Endpoint endpoint, ListenOptions options) {
        requireStream(endpoint, "listen on");
        checkListenOptions(endpoint, options);
        checkOpen(session);
        checkListenerTransport(endpoint, "listener on");
        CallerContext caller = session.caller();
        Permissions permissions = Permissions.of(caller.process(), options.socketMode());
        Grant grant = caller.authorize(ObjectType.ENDPOINT, endpoint.toString(), permissions, Rights.READ_WRITE);
        BoundSocket bound = BoundSocket.bind(endpoint, socketPath(endpoint, true), options.socketMode());
        StreamListener listener = new StreamListener(ids.incrementAndGet(), shared, bound, options, caller,
                session.gate(), permissions, grant);
        listener.onAccept(session::track);
        return session.track(listener);
    }

    private Connection connect(NetSession session, Endpoint endpoint, ConnectOptions options) {
        requireStream(endpoint, "connect to");
        if (endpoint.transport() != Transport.UNIX && endpoint.port() == 0) {
            throw IpcException.invalidArgument("cannot connect to " + endpoint + ": port 0 names no listener");
        }
        environment.limits().check(Limit.MESSAGE_SIZE, options.maxFrameSize(), "connection to " + endpoint);
        checkOpen(session);
        CallerContext caller = session.caller();
        Grant grant = caller.authorize(ObjectType.ENDPOINT, endpoint.toString(),
                Permissions.of(caller.process(), 0600), Rights.READ_WRITE);
        StreamConnection c = connector.connect(endpoint, address(endpoint), options, caller, session.gate(), grant);
        return session.track(c);
    }

    private DatagramEndpoint openDatagram(NetSession session, Endpoint local, DatagramOptions options) {
        if (local == null || options == null) {
            throw IpcException.invalidArgument("a UDP socket needs an endpoint and options");
        }
        if (local.transport() != Transport.UDP) {
            throw IpcException.invalidArgument("cannot open a UDP socket on " + local + ": not a udp:// endpoint");
        }
        environment.limits().check(Limit.MESSAGE_SIZE, options.maxDatagramSize(), "UDP socket " + local);
        checkOpen(session);
        CallerContext caller = session.caller();
        Grant grant = caller.authorize(ObjectType.ENDPOINT, local.toString(), Permissions.of(caller.process(), 0600),
                Rights.READ_WRITE);
        UdpEndpoint udp = UdpEndpoint.open(ids.incrementAndGet(), local, options, caller, session.gate(), grant);
        return session.track(udp);
    }

    private Bridge export(NetSession session, ObjectType type, String name, Endpoint endpoint, ListenOptions options) {
        requireStream(endpoint, "export on");
        checkListenOptions(endpoint, options);
        checkOpen(session);
        checkListenerTransport(endpoint, "bridge on");
        CallerContext caller = session.caller();
        Permissions permissions = Permissions.of(caller.process(), options.socketMode());
        Grant grant = caller.authorize(ObjectType.ENDPOINT, endpoint.toString(), permissions, Rights.READ_WRITE);
        BridgeServer bridge = BridgeServer.export(ids.incrementAndGet(), type, name, providers, caller,
                session.gate(), shared, () -> BoundSocket.bind(endpoint, socketPath(endpoint, true),
                        options.socketMode()), options, permissions, grant);
        return session.track(bridge);
    }

    private <T extends org.multios.ipc.IpcObject> T openRemote(NetSession session, Endpoint bridge,
            java.util.function.BiFunction<SocketAddress, Grant, T> open) {
        requireStream(bridge, "open a remote object on");
        checkOpen(session);
        CallerContext caller = session.caller();
        Grant grant = caller.authorize(ObjectType.ENDPOINT, bridge.toString(), Permissions.of(caller.process(), 0600),
                Rights.READ_WRITE);
        T handle = open.apply(address(bridge), grant);
        session.track((ClosingHandle) handle);
        return handle;
    }

    private void checkListenOptions(Endpoint endpoint, ListenOptions options) {
        if (options == null) {
            throw IpcException.invalidArgument("listener on " + endpoint + ": options must not be null");
        }
        String what = "listener on " + endpoint;
        environment.limits().check(Limit.CONNECTIONS, options.maxConnections(), what);
        environment.limits().check(Limit.MESSAGE_SIZE, options.maxFrameSize(), what);
    }

    /** A TCP listener without a server certificate listens on loopback only, unless plaintext is allowed. */
    private void checkListenerTransport(Endpoint endpoint, String what) {
        TlsSettings tls = shared.settings().tls();
        if (!tls.serves()) {
            tls.checkPlaintext(endpoint, what);
        }
    }

    private static void requireStream(Endpoint endpoint, String operation) {
        if (endpoint == null) {
            throw IpcException.invalidArgument("cannot " + operation + " a missing endpoint");
        }
        if (!endpoint.transport().isStream()) {
            throw IpcException.invalidArgument("cannot " + operation + " " + endpoint
                    + ": UDP carries datagrams; use openDatagram");
        }
    }

    /** The socket file of a Unix endpoint: its absolute path, or its name in the IPC root. */
    private Path socketPath(Endpoint endpoint, boolean create) {
        if (endpoint.transport() != Transport.UNIX) {
            return null;
        }
        if (!endpoint.isNamedInIpcRoot()) {
            return Path.of(endpoint.path());
        }
        Path dir = environment.directory(ObjectType.ENDPOINT);
        if (create) {
            try {
                Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new IpcException(IpcError.IO_ERROR, "cannot make the endpoint directory " + dir + ": "
                        + e.getMessage(), e);
            }
        }
        Path path = dir.resolve(endpoint.path());
        if (path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Endpoint.MAX_UNIX_PATH_BYTES) {
            throw IpcException.invalidArgument("unix endpoint " + endpoint + ": its socket file " + path + " passes "
                    + Endpoint.MAX_UNIX_PATH_BYTES + " bytes");
        }
        return path;
    }

    private SocketAddress address(Endpoint endpoint) {
        if (endpoint.transport() == Transport.UNIX) {
            return UnixDomainSocketAddress.of(socketPath(endpoint, false));
        }
        InetSocketAddress a = new InetSocketAddress(endpoint.host(), endpoint.port());
        if (a.isUnresolved()) {
            throw new IpcException(IpcError.IO_ERROR, "cannot resolve the host of " + endpoint);
        }
        return a;
    }

    /** The service bound to one caller. */
    private final class BoundService implements NetService {
        private final NetSession session;

        BoundService(NetSession session) {
            this.session = session;
        }

        @Override
        public Listener listen(Endpoint endpoint, ListenOptions options) {
            return NetMechanism.this.listen(session, endpoint, options);
        }

        @Override
        public Listener listen(Endpoint endpoint) {
            return listen(endpoint, ListenOptions.DEFAULTS);
        }

        @Override
        public Connection connect(Endpoint endpoint, ConnectOptions options) {
            if (options == null) {
                throw IpcException.invalidArgument("connection to " + endpoint + ": options must not be null");
            }
            return NetMechanism.this.connect(session, endpoint, options);
        }

        @Override
        public Connection connect(Endpoint endpoint) {
            return connect(endpoint, ConnectOptions.DEFAULTS);
        }

        @Override
        public DatagramEndpoint openDatagram(Endpoint local, DatagramOptions options) {
            return NetMechanism.this.openDatagram(session, local, options);
        }

        @Override
        public DatagramEndpoint openDatagram(Endpoint local) {
            return openDatagram(local, DatagramOptions.DEFAULTS);
        }

        @Override
        public Bridge exportQueue(String queueName, Endpoint endpoint, ListenOptions options) {
            return export(session, ObjectType.QUEUE, queueName, endpoint, options);
        }

        @Override
        public Bridge exportChannel(String channelName, Endpoint endpoint, ListenOptions options) {
            return export(session, ObjectType.CHANNEL, channelName, endpoint, options);
        }

        @Override
        public MessageQueue openRemoteQueue(Endpoint bridge, String queueName, ConnectOptions options) {
            return openRemote(session, bridge, (address, grant) -> remote.openQueue(bridge, address, queueName,
                    options, session.caller(), session.gate(), grant));
        }

        @Override
        public ChannelEnd openRemoteChannel(Endpoint bridge, String channelName, ChannelSide side,
                ConnectOptions options) {
            return openRemote(session, bridge, (address, grant) -> remote.openChannel(bridge, address, channelName,
                    side, options, session.caller(), session.gate(), grant));
        }
    }
}
