package org.multios.ipc.net.internal;

import java.util.ArrayList;
import java.util.List;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
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
import org.multios.ipc.net.internal.stream.HostLookup;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.stream.PeerContexts;
import org.multios.ipc.net.internal.stream.PeerReader;
import org.multios.ipc.net.internal.stream.Reactor;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.ConfigurableMechanism;
import org.multios.ipc.spi.PeerAuthority;
import org.multios.ipc.spi.SessionMechanism;

/**
 * The network mechanism, plain Java: one reactor thread serves every listener and connection
 * of every caller; each caller gets a {@link NetService} bound to it, whose handles the
 * {@link NetHandleOpener} opens in the caller's session, and its handles close when it goes.
 * Used by the OSGi component and by the plain-Java bootstrap alike.
 */
public final class NetMechanism extends SessionMechanism<NetService, NetSession> implements ConfigurableMechanism<NetService> {
    private final Reactor reactor;
    private final PeerContexts shared;
    private final NetHandleOpener opener;
    private volatile IpcEnvironment environment;

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
        super(NetService.class, "the network mechanism", NetSession::close, NetSession::size);
        this.environment = environment;
        this.reactor = new Reactor("ipc-net-reactor", timing);
        this.shared = new PeerContexts(reactor, authority, settings);
        this.opener = new NetHandleOpener(shared, providers, () -> this.environment, this::checkOpen);
    }

    /** Applies changed limits to later operations. */
    @Override
    public void environment(IpcEnvironment changed) {
        this.environment = changed;
    }

    /** Applies changed settings to later connections and requests. */
    public void settings(NetSettings changed) {
        shared.settings(changed);
    }

    /** Looks hosts up with {@code lookup} from now on (tests: a resolver whose answers they choose). */
    void lookup(HostLookup lookup) {
        shared.lookup(lookup);
    }

    /** Reads accepted Unix peers' credentials with {@code reader} from now on (tests: a reader that blocks). */
    void peerReader(PeerReader reader) {
        shared.peerReader(reader);
    }

    /** Errors the reactor thread caught (each logged), a blocking call in it among them; 0 when all is well. */
    public long reactorFaults() {
        return reactor.faults();
    }

    @Override
    protected NetSession open(CallerContext caller) {
        return new NetSession(caller);
    }

    @Override
    protected NetService service(NetSession session) {
        return new BoundService(session);
    }

    /** Stops the mechanism: every handle closes, then the reactor thread ends. */
    @Override
    public void close() {
        super.close();
        reactor.close();
        shared.close();
    }

    @Override
    public List<ObjectInfo> objects() {
        List<ObjectInfo> all = new ArrayList<>();
        sessions().forEach(s -> all.addAll(s.infos()));
        return all;
    }

    /** The service bound to one caller. */
    private final class BoundService implements NetService {
        private final NetSession session;

        BoundService(NetSession session) {
            this.session = session;
        }

        @Override
        public Listener listen(Endpoint endpoint, ListenOptions options) {
            return opener.listen(session, endpoint, options);
        }

        @Override
        public Connection connect(Endpoint endpoint, ConnectOptions options) {
            if (options == null) {
                throw IpcException.invalidArgument("connection to " + endpoint + ": options must not be null");
            }
            return opener.connect(session, endpoint, options);
        }

        @Override
        public DatagramEndpoint openDatagram(Endpoint local, DatagramOptions options) {
            return opener.openDatagram(session, local, options);
        }

        @Override
        public Bridge exportQueue(String queueName, Endpoint endpoint, ListenOptions options) {
            return opener.export(session, ObjectType.QUEUE, queueName, endpoint, options);
        }

        @Override
        public Bridge exportChannel(String channelName, Endpoint endpoint, ListenOptions options) {
            return opener.export(session, ObjectType.CHANNEL, channelName, endpoint, options);
        }

        @Override
        public MessageQueue openRemoteQueue(Endpoint bridge, String queueName, ConnectOptions options) {
            return opener.openRemoteQueue(session, bridge, queueName, options);
        }

        @Override
        public ChannelEnd openRemoteChannel(Endpoint bridge, String channelName, ChannelSide side,
                ConnectOptions options) {
            return opener.openRemoteChannel(session, bridge, channelName, side, options);
        }
    }
}
