package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Transport;
import org.multios.ipc.net.internal.tls.TlsSettings;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.Handshake;
import org.multios.ipc.net.internal.wire.HandshakeDescriptor;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.SessionGate;
import org.multios.ipc.spi.PeerAuthority;

import jdk.net.UnixDomainPrincipal;

/**
 * Accepts stream connections on a bound server socket and completes their handshakes in the
 * reactor thread: checks the protocol and version, admits at most the options' number of
 * connections, identifies the peer (SO_PEERCRED on Unix sockets, read before the handshake starts
 * off the reactor, since reading it asks the name service: {@link PeerCredentials}; the token on
 * TCP) and hands
 * every connection that succeeded to its {@link Admission}. Peers that fail get a REFUSE frame
 * and nothing else. One remote address (on a Unix socket: one user) has at most
 * {@link NetSettings#handshakesPerAddress} connections in their handshake at once
 * ({@link HandshakeSlots}): beyond, a new connection is refused (LIMIT_EXCEEDED) and closed at
 * once, so a storm from one address leaves room for the others.
 * Accepted connections get the mechanism's idle timeout unless the options set one.
 */
public final class StreamServer implements Reactor.Handler {
    /** Where established connections go. */
    public interface Admission {
        /** A connection completed its handshake; {@code peer} is its caller context. */
        void established(StreamConnection connection, CallerContext peer);
    }

    private final PeerContexts shared;
    private final ServerSocketChannel server;
    private final Endpoint endpoint;
    private final ListenOptions options;
    private final CallerContext owner;
    private final SessionGate session;
    private final Grant grant;
    private final Admission admission;
    private final String name;
    private final SocketCounters counters = new SocketCounters();
    private final AtomicInteger open = new AtomicInteger();
    private final HandshakeSlots handshakes;
    /** The TLS of every connection accepted (the settings when the listener opened), or null. */
    private final TlsSettings tls;
    private volatile SelectionKey key;

    /**
     * Serves a bound server socket: registers it with the reactor.
     *
     * @param endpoint the endpoint as bound (actual port)
     * @param owner    the listening caller: owner of every accepted connection
     * @param session  the owner's session: every accepted connection closes with it
     */
    public StreamServer(PeerContexts shared, ServerSocketChannel server, Endpoint endpoint, ListenOptions options,
            CallerContext owner, SessionGate session, Grant grant, Admission admission) {
        this.shared = shared;
        this.server = server;
        this.endpoint = endpoint;
        this.options = options;
        this.owner = owner;
        this.session = session;
        this.grant = grant;
        this.admission = admission;
        TlsSettings configured = shared.settings().tls();
        this.tls = endpoint.transport() == Transport.TCP && configured.serves() ? configured : null;
        this.name = (tls != null ? "TLS listener " : "listener ") + endpoint;
        this.handshakes = new HandshakeSlots(name, options.maxConnections(),
                () -> shared.settings().handshakesPerAddress());
        shared.reactor().execute(() -> {
            try {
                server.configureBlocking(false);
                key = shared.reactor().register(server, SelectionKey.OP_ACCEPT, this);
            } catch (IOException e) {
                close();
            }
        });
    }

    /** Connections accepted and still open (taken or not). */
    public int openConnections() {
        return open.get();
    }

    /** The listener's counters: connections accepted (MESSAGES_IN), refused (DENIALS), errors. */
    public SocketCounters counters() {
        return counters;
    }

    @Override
    public void ready(SelectionKey k) {
        SocketChannel channel;
        try {
            while ((channel = server.accept()) != null) {
                if (endpoint.transport() == Transport.UNIX) {
                    identify(channel);
                } else {
                    admit(channel, null);
                }
            }
        } catch (IOException e) {
            counters.increment(Counter.ERRORS);
        }
    }

    /**
     * Has a reader thread learn who the peer of an accepted Unix connection is, and admits it in
     * the reactor thread then; refuses it at once if too many wait already.
     */
    private void identify(SocketChannel channel) throws IOException {
        if (!shared.peerCredentials().read(channel, this::identified, failed -> counters.increment(Counter.ERRORS))) {
            counters.increment(Counter.DENIALS);
            HandshakeSlots.refuse(channel, name + " has " + PeerCredentials.WAITING
                    + " connections waiting to learn who their peers are; try again when they did");
        }
    }

    /** In a reader thread: the peer of {@code channel} is {@code peer}; admits it in the reactor thread. */
    private void identified(SocketChannel channel, UnixDomainPrincipal peer) {
        try {
            shared.reactor().execute(() -> {
                try {
                    admit(channel, peer);
                } catch (IOException e) {
                    counters.increment(Counter.ERRORS);
                }
            });
        } catch (IpcException stopped) {
            try {
                channel.close();
            } catch (IOException e) {
                // closed anyway
            }
        }
    }

    /** @param unixPeer a Unix connection's peer, as read; null on TCP */
    private void admit(SocketChannel channel, UnixDomainPrincipal unixPeer) throws IOException {
        String peer;
        try {
            peer = HandshakeSlots.peerKey(channel, unixPeer);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        String refusal = handshakes.take(peer);
        if (refusal != null) {
            counters.increment(Counter.DENIALS);
            HandshakeSlots.refuse(channel, refusal);
            return;
        }
        try {
            channel.configureBlocking(false);
            if (endpoint.transport() == Transport.TCP) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            long id = shared.nextConnection();
            FramedSocket socket = new FramedSocket(shared.reactor(), channel, link(channel),
                    "connection " + id + " on " + endpoint, options.bufferBytes(), options.handshakeTimeout().toNanos(),
                    new ServerHandshake(id, peer, unixPeer));
            socket.register(SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            handshakes.release(peer);
            channel.close();
            throw e;
        }
    }

    private SocketLink link(SocketChannel channel) {
        return tls == null ? new PlainLink(channel) : new TlsLink(tls.serverEngine(), channel, shared.tlsTasks());
    }

    @Override
    public void tick(long nowNanos) {
        // accepting has no deadline
    }

    @Override
    public void shutdown() {
        close();
    }

    /** Stops accepting; connections already accepted stay. */
    public void close() {
        SelectionKey k = key;
        if (k != null) {
            k.cancel();
        }
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** The server side of one handshake. */
    private final class ServerHandshake implements Handshaker {
        private final long id;
        private final String peerKey;
        private final UnixDomainPrincipal unixPeer;
        private boolean done;

        ServerHandshake(long id, String peerKey, UnixDomainPrincipal unixPeer) {
            this.id = id;
            this.peerKey = peerKey;
            this.unixPeer = unixPeer;
        }

        @Override
        public void connected(FramedSocket socket) {
            // accepted sockets are connected from the start
        }

        @Override
        public void frame(FramedSocket socket, Frame frame) {
            if (done) {
                return;
            }
            done = true;
            handshakes.release(peerKey);
            try {
                establish(socket, Handshake.readHello(frame));
            } catch (IpcException e) {
                counters.increment(e.error() == IpcError.PERMISSION_DENIED ? Counter.DENIALS : Counter.ERRORS);
                socket.refuse(e.error(), e.getMessage());
            }
        }

        private void establish(FramedSocket socket, Handshake.Hello hello) {
            if (hello.version() != HandshakeDescriptor.VERSION) {
                throw new IpcException(IpcError.PROTOCOL_ERROR, "the client speaks protocol version "
                        + hello.version() + "; " + name + " speaks " + HandshakeDescriptor.VERSION);
            }
            if (hello.maxFrameSize() < 1) {
                throw new IpcException(IpcError.PROTOCOL_ERROR, "the client's maximum frame size "
                        + hello.maxFrameSize() + " is not positive");
            }
            if (open.get() >= options.maxConnections()) {
                throw new IpcException(IpcError.LIMIT_EXCEEDED, name + " has its maximum of "
                        + options.maxConnections() + " connections");
            }
            PeerAuthority authority = shared.authority();
            CallerContext peer = PeerIdentity.of(authority, id, socket, endpoint, hello, options.requireAuthentication(),
                    unixPeer);
            int agreed = Math.min(hello.maxFrameSize(), options.maxFrameSize());
            open.incrementAndGet();
            Duration idle = options.idleTimeout().isZero() ? shared.settings().idleTimeout() : options.idleTimeout();
            socket.open(agreed, options.bufferBytes(), idle.toNanos());
            socket.onEnd(() -> {
                open.decrementAndGet();
                authority.release(peer);
            });
            socket.sendControl(Handshake.welcome(agreed, shared.pid(), owner.process().toString()));
            counters.increment(Counter.MESSAGES_IN);
            StreamConnection connection = new StreamConnection(id, socket, endpoint, SocketEndpoints.remote(socket, endpoint), peer.process(),
                    authority.isAuthenticated(peer), agreed, options.bufferBytes(), owner,
                    session, owner.register(ObjectType.ENDPOINT, endpoint.toString(), new Grant(grant.rights())));
            admission.established(connection, peer);
        }

        @Override
        public void failed(FramedSocket socket, IpcException why) {
            if (!done) {
                done = true;
                handshakes.release(peerKey);
                counters.increment(why.error() == IpcError.TIMEOUT ? Counter.TIMEOUTS : Counter.ERRORS);
            }
        }
    }
}
