package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Transport;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDescriptor;
import org.multios.ipc.net.internal.wire.Handshake;
import org.multios.ipc.net.internal.wire.HandshakeDescriptor;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.SessionGate;

import jdk.net.UnixDomainPrincipal;

/**
 * Connects to a listener and completes the client side of the handshake: the socket connects
 * and handshakes in the reactor thread while the caller waits at most the handshake timeout.
 */
public final class StreamConnector {
    private final PeerContexts shared;

    /** A connector for the given mechanism. */
    public StreamConnector(PeerContexts shared) {
        this.shared = shared;
    }

    /**
     * Connects and handshakes, to what {@code target} decided: its address, and a Unix socket
     * file only if it is still the very file decided, held by its descriptor through the connect
     * ({@link HeldSocketFile#connecting}).
     *
     * @param target  what the endpoint reaches, decided
     * @param session the owner's session: the connection closes with it
     * @throws IpcException as {@link org.multios.ipc.net.NetService#connect}; NOT_FOUND,
     *         PERMISSION_DENIED or INVALID_ARGUMENT naming the endpoint if its socket file is no
     *         longer the file decided
     */
    public StreamConnection connect(Reach target, ConnectOptions options, CallerContext owner, SessionGate session,
            Grant grant) {
        Endpoint endpoint = target.endpoint();
        SocketAddress address = target.address();
        String name = "connection to " + endpoint;
        Reactor.assertMayBlock("connect", name);
        if (address instanceof UnixDomainSocketAddress u && !Files.exists(u.getPath())) {
            throw IpcException.notFound(ObjectType.ENDPOINT, endpoint.toString());
        }
        boolean tls = options.tls() && endpoint.transport() == Transport.TCP;
        if (!tls) {
            shared.settings().tls().checkPlaintext(endpoint, address, "connection to");
        }
        SocketChannel channel = open(endpoint, options, name);
        SocketLink link = tls ? new TlsLink(shared.settings().tls().clientEngine(endpoint.host(), endpoint.port(),
                options.trust()), channel, shared.tlsTasks()) : new PlainLink(channel);
        long id = shared.nextConnection();
        CompletableFuture<StreamConnection> result = new CompletableFuture<>();
        long handshakeNanos = options.handshakeTimeout().toNanos();
        ClientHandshake handshake = new ClientHandshake(id, endpoint, options, owner, session, grant, result);
        FramedSocket socket = new FramedSocket(shared.reactor(), channel, link, name, options.bufferBytes(),
                handshakeNanos, handshake);
        shared.reactor().execute(() -> {
            try (HeldSocketFile file = HeldSocketFile.connecting(target)) {
                boolean connected = channel.connect(file == null ? address : file.address());
                socket.register(connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
                if (connected) {
                    socket.transportConnected();
                }
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(failure(endpoint, e));
                socket.drop("connecting failed");
            }
        });
        try {
            return result.get(handshakeNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            socket.drop("the handshake timed out");
            throw IpcException.timeout("connect and complete the handshake within " + options.handshakeTimeout(), name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            socket.drop("interrupted");
            throw IpcException.interrupted("connect", name);
        } catch (ExecutionException e) {
            socket.drop("connecting failed");
            throw e.getCause() instanceof IpcException ipc ? ipc
                    : new IpcException(IpcError.IO_ERROR, name + ": " + e.getCause(), e.getCause());
        }
    }

    private static SocketChannel open(Endpoint endpoint, ConnectOptions options, String name) {
        try {
            if (endpoint.transport() == Transport.UNIX) {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.configureBlocking(false);
                return channel;
            }
            SocketChannel channel = SocketChannel.open();
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (options.localAddress().isPresent()) {
                    InetSocketAddress local = new InetSocketAddress(options.localAddress().get(), 0);
                    if (local.isUnresolved()) {
                        throw IpcException.invalidArgument(name + ": the local address "
                                + options.localAddress().get() + " names no address of this host");
                    }
                    channel.bind(local);
                }
                return channel;
            } catch (IOException | IpcException e) {
                channel.close(); // whatever failed, the socket is not left open
                throw e;
            } catch (RuntimeException e) {
                channel.close();
                throw IpcException.invalidArgument(name + ": the local address " + options.localAddress().orElse("")
                        + " cannot be bound: " + e);
            }
        } catch (IOException e) {
            throw new IpcException(IpcError.IO_ERROR, name + ": cannot open a socket: " + e.getMessage(), e);
        }
    }

    private static IpcException failure(Endpoint endpoint, Throwable e) {
        String name = "connection to " + endpoint;
        if (e instanceof IpcException ipc) {
            return ipc;
        }
        if (e instanceof ConnectException) {
            return new IpcException(IpcError.UNAVAILABLE, name + ": nothing listens there (" + e.getMessage() + ")", e);
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Permission denied")) {
            return new IpcException(IpcError.PERMISSION_DENIED, name + ": the operating system refused: " + message, e);
        }
        return new IpcException(IpcError.IO_ERROR, name + ": " + message, e);
    }

    /** The client side of one handshake. */
    private final class ClientHandshake implements Handshaker {
        private final long id;
        private final Endpoint endpoint;
        private final ConnectOptions options;
        private final CallerContext owner;
        private final SessionGate session;
        private final Grant grant;
        private final CompletableFuture<StreamConnection> result;
        /** A Unix listener's credentials, read before the handshake; null on TCP. */
        private UnixDomainPrincipal listener;

        ClientHandshake(long id, Endpoint endpoint, ConnectOptions options, CallerContext owner, SessionGate session,
                Grant grant, CompletableFuture<StreamConnection> result) {
            this.id = id;
            this.endpoint = endpoint;
            this.options = options;
            this.owner = owner;
            this.session = session;
            this.grant = grant;
            this.result = result;
        }

        @Override
        public void connected(FramedSocket socket) {
            if (endpoint.transport() != Transport.UNIX) {
                hello(socket);
                return;
            }
            // who listens is read off the reactor: the JDK names the uid it reads (the name service)
            if (!shared.peerCredentials().read(socket.channel(), (channel, peer) -> onReactor(socket,
                    () -> identified(socket, peer)), channel -> onReactor(socket, () -> refuse(socket,
                            new IpcException(IpcError.IO_ERROR, "connection to " + endpoint
                                    + ": the listening process's user cannot be learnt"))))) {
                refuse(socket, new IpcException(IpcError.LIMIT_EXCEEDED, "connection to " + endpoint + ": "
                        + PeerCredentials.WAITING + " connections wait to learn who their peers are; try again"));
            }
        }

        /** Runs {@code step} in the reactor thread, unless the handshake already ended or the reactor stopped. */
        private void onReactor(FramedSocket socket, Runnable step) {
            try {
                shared.reactor().execute(() -> {
                    if (!result.isDone()) {
                        step.run();
                    }
                });
            } catch (IpcException stopped) {
                result.completeExceptionally(stopped);
                socket.close();
            }
        }

        /** In the reactor thread: the Unix listener's credentials, as read; checked at an absolute path. */
        private void identified(FramedSocket socket, UnixDomainPrincipal listener) {
            if (!endpoint.isNamedInIpcRoot()) {
                try {
                    ListenerOwner.check(endpoint, listener, shared.settings().unixPeerUsers());
                } catch (IpcException e) {
                    refuse(socket, e);
                    return;
                }
            }
            this.listener = listener;
            hello(socket);
        }

        private void refuse(FramedSocket socket, IpcException why) {
            result.completeExceptionally(why);
            socket.drop("refused: " + why.getMessage());
        }

        private void hello(FramedSocket socket) {
            socket.sendControl(Handshake.hello(HandshakeDescriptor.VERSION, options.maxFrameSize(), shared.pid(),
                    endpoint.transport() == Transport.UNIX ? java.util.Optional.empty() : options.token()));
        }

        @Override
        public void frame(FramedSocket socket, Frame frame) {
            try {
                if (frame.kind() == FrameDescriptor.KIND_REFUSE) {
                    Handshake.Refusal refusal = Handshake.readRefusal(frame);
                    result.completeExceptionally(refusal.toException("connection to " + endpoint));
                    socket.drop("refused");
                    return;
                }
                Handshake.Welcome welcome = Handshake.readWelcome(frame);
                int agreed = Math.min(welcome.maxFrameSize(), options.maxFrameSize());
                if (agreed < 1) {
                    throw new IpcException(IpcError.PROTOCOL_ERROR, "the server's maximum frame size "
                            + welcome.maxFrameSize() + " is not positive");
                }
                socket.open(agreed, options.bufferBytes(), options.idleTimeout().toNanos());
                StreamConnection c = new StreamConnection(id, socket, SocketEndpoints.local(socket, endpoint), endpoint,
                        serverProcess(welcome), true, agreed, options.bufferBytes(), owner, session, grant);
                if (!result.complete(c)) {
                    socket.close();
                }
            } catch (IpcException e) {
                result.completeExceptionally(e);
                socket.refuse(e.error(), e.getMessage());
            }
        }

        private IpcProcess serverProcess(Handshake.Welcome welcome) {
            String user = listener == null ? "remote" : listener.user().getName();
            Set<String> groups = Set.of(listener == null ? "remote" : listener.group().getName());
            return new IpcProcess(ProcessKind.REMOTE, id, welcome.name(), welcome.pid(), 0, user, groups);
        }

        @Override
        public void failed(FramedSocket socket, IpcException why) {
            if (why.getCause() != null) {
                result.completeExceptionally(failure(endpoint, why.getCause()));
                return;
            }
            result.completeExceptionally(why.error() == IpcError.BROKEN_PIPE
                    ? new IpcException(IpcError.PROTOCOL_ERROR, "connection to " + endpoint
                            + ": the peer closed the connection during the handshake (not a MultiOS IPC listener?)")
                    : why);
        }
    }

}
