package org.multios.ipc.net.internal.bridge;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcObject;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.internal.LocalProviders;
import org.multios.ipc.net.internal.stream.BoundSocket;
import org.multios.ipc.net.internal.stream.ClosingHandle;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.stream.OutputBudget;
import org.multios.ipc.net.internal.stream.PeerContexts;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.net.internal.stream.StreamServer;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDescriptor;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.SessionGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named queue or channel exported on a stream endpoint ({@link BridgeDescriptor}). The
 * exporter's own handle proves it may use the object and caps what peers get; each peer opens
 * the object as itself through the local mechanism, bound to the caller context its
 * handshake established. Requests run on the bridge's own named worker threads (blocking
 * receives hold one each), at most {@link NetSettings#bridgeWorkers} of them and only while the
 * mechanism has one of its {@link NetSettings#workers} free; a request beyond either, or beyond
 * its connection's {@link NetSettings#requestsInFlight}, is answered LIMIT_EXCEEDED. Replies
 * never wait: a peer that does not read them is read no more and, after the output-stall
 * timeout, dropped. Sessions of acknowledged
 * receives, and the messages in their custody, are kept by its {@link BridgeSessions}.
 */
public final class BridgeServer implements Bridge, ClosingHandle {
    /** Bytes a bridge frame carries beyond a message: request and reply headers. */
    public static final int FRAME_OVERHEAD = 64;

    private static final Logger LOG = LoggerFactory.getLogger(BridgeServer.class);

    private final long id;
    private final ObjectType type;
    private final String name;
    private final LocalProviders providers;
    private final IpcObject exported;
    private final CallerContext exporter;
    private final BoundSocket bound;
    private final StreamServer server;
    private final Permissions permissions;
    private final Grant grant;
    private final PeerContexts shared;
    private final ThreadPoolExecutor workers;
    private final Set<BridgeConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong outputHighWater = new AtomicLong();
    private volatile OutputBudget outputBudget = new OutputBudget(0, 0, 0);
    private final BridgeSessions sessions;
    private volatile ChannelEnd sideB;
    private volatile BridgeHooks hooks = BridgeHooks.NONE;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Runnable onClose = () -> {
    };

    private BridgeServer(long id, ObjectType type, String name, LocalProviders providers, IpcObject exported,
            CallerContext exporter, SessionGate session, PeerContexts shared, BoundSocket bound,
            ListenOptions options, Permissions permissions, Grant grant) {
        this.id = id;
        this.type = type;
        this.name = name;
        this.providers = providers;
        this.exported = exported;
        this.exporter = exporter;
        this.bound = bound;
        this.permissions = permissions;
        this.grant = grant;
        this.shared = shared;
        AtomicInteger threads = new AtomicInteger();
        int max = Math.min(shared.settings().bridgeWorkers(), 2 * options.maxConnections() + 8);
        this.workers = new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(() -> WorkerFaults.runSurvivingLateFaults(r),
                    "ipc-net-bridge-" + id + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.sessions = new BridgeSessions(toString(), id, held -> putBack(held.side(), held.reply()));
        ListenOptions framed = options.withMaxFrameSize(options.maxFrameSize() + FRAME_OVERHEAD)
                .withBufferBytes(options.bufferBytes() + 4 * FRAME_OVERHEAD);
        this.server = new StreamServer(shared, bound.channel(), bound.endpoint(), framed, exporter, session,
                grant, this::established);
        grant.onRevoke(this::exporterRevoked);
    }

    /**
     * The exporter's grant on the bridge was revoked: every peer is refused with
     * PERMISSION_DENIED (it is told why) and the bridge closes, so nothing more passes through
     * the exporter's handle on its behalf.
     */
    private void exporterRevoked() {
        server.close();
        String reason = "the exporter's rights on " + this + " were revoked";
        for (BridgeConnection c : connections) {
            c.refuse(IpcError.PERMISSION_DENIED, reason);
        }
        close();
    }

    /**
     * Opens the object as the exporter (with the widest rights it can get), binds the endpoint
     * and starts serving.
     *
     * @throws IpcException UNAVAILABLE if the object's mechanism is not running; as the
     *         mechanism's open (NOT_FOUND, PERMISSION_DENIED); as {@link BoundSocket#bind}
     */
    public static BridgeServer export(long id, ObjectType type, String name, LocalProviders providers,
            CallerContext exporter, SessionGate session, PeerContexts shared, Supplier<BoundSocket> bind,
            ListenOptions options, Permissions permissions, Grant grant) {
        IpcObject exported = openAsExporter(type, name, providers, exporter);
        BoundSocket bound;
        try {
            bound = bind.get();
        } catch (RuntimeException e) {
            exported.close();
            throw e;
        }
        return new BridgeServer(id, type, name, providers, exported, exporter, session, shared, bound, options,
                permissions, grant);
    }

    private static IpcObject openAsExporter(ObjectType type, String name, LocalProviders providers,
            CallerContext exporter) {
        IpcException denied = null;
        for (int rights : new int[] {Rights.READ_WRITE, Rights.WRITE, Rights.READ}) {
            try {
                if (type == ObjectType.QUEUE) {
                    return provider(providers, MessageQueueService.class).bind(exporter).open(name, rights, Set.of());
                }
                return provider(providers, ChannelService.class).bind(exporter).open(name, ChannelSide.A, rights);
            } catch (IpcException e) {
                if (e.error() != IpcError.PERMISSION_DENIED) {
                    throw e;
                }
                denied = denied == null ? e : denied;
            }
        }
        throw denied;
    }

    private static <S> MechanismProvider<S> provider(LocalProviders providers, Class<S> api) {
        Optional<MechanismProvider<S>> p = providers.provider(api);
        return p.orElseThrow(() -> new IpcException(IpcError.UNAVAILABLE, "no mechanism provides " + api.getSimpleName()
                + " now; cannot bridge it"));
    }

    /** The local mechanism of the given API type; UNAVAILABLE if it went. */
    <S> MechanismProvider<S> provider(Class<S> api) {
        return provider(providers, api);
    }

    private void established(StreamConnection connection, CallerContext peer) {
        NetSettings settings = shared.settings();
        BridgeConnection c = new BridgeConnection(new PeerLink(this, connection, peer), this::execute,
                settings.requestsInFlight());
        connections.add(c);
        OutputBudget budget = connection.outputBudget();
        long replyLimit = budget.budget() + (settings.requestsInFlight() + 1L)
                * (connection.maxFrameSize() + FrameDescriptor.HEADER_LENGTH);
        connection.serveRequests(settings.outputStallTimeout().toNanos(), replyLimit, c::busy);
        outputBudget = connection.outputBudget();
        connection.deliverTo(c::request);
        connection.onPeerBye(c::peerSaidBye);
        connection.onEnd(() -> {
            connections.remove(c);
            outputHighWater.accumulateAndGet(connection.outputBudget().highWater(), Math::max);
            c.ended();
        });
        if (closed.get()) {
            connection.close();
        }
    }

    /**
     * Runs a request on one of this bridge's workers, if one of the mechanism's is free too.
     *
     * @throws RejectedExecutionException if either has none free (the task does not run)
     */
    private void execute(Runnable task) {
        if (!shared.takeWorker()) {
            throw new RejectedExecutionException("every worker of the network mechanism is busy");
        }
        try {
            workers.execute(() -> {
                try {
                    task.run();
                } finally {
                    shared.returnWorker();
                }
            });
        } catch (RejectedExecutionException busy) {
            shared.returnWorker();
            throw busy;
        }
    }

    /**
     * What one connection of this bridge may queue for its peer (as of the last connection
     * established), and the most any connection queued: the largest of those that ended and of
     * those still open.
     */
    public OutputBudget outputBudget() {
        long most = outputHighWater.get();
        for (BridgeConnection c : connections) {
            most = Math.max(most, c.outputBudget().highWater());
        }
        OutputBudget b = outputBudget;
        return new OutputBudget(b.budget(), b.hardLimit(), most);
    }

    /** A peer's connection ended: every handle it opened through the bridge closes. */
    void release(CallerContext peer) {
        if (type == ObjectType.QUEUE) {
            providers.provider(MessageQueueService.class).ifPresent(p -> p.release(peer));
        } else {
            providers.provider(ChannelService.class).ifPresent(p -> p.release(peer));
        }
    }

    /**
     * Puts back a message a peer's RECEIVE took but never got, at its priority (behind the
     * messages of that priority queued meanwhile), through the exporter's handles. Never waits:
     * if the object has no room or the exporter cannot write, the message is lost, counted in
     * ERRORS and logged.
     *
     * @param receivedAt the channel side the message was received at (null for a queue)
     */
    void putBack(ChannelSide receivedAt, byte[] b, int off, int len, int priority) {
        String failure;
        try {
            MessagePort port = receivedAt == ChannelSide.A ? sideB() : (MessagePort) exported;
            if ((port.rights() & Rights.WRITE) == 0) {
                failure = "the exporter's handle cannot write";
            } else if (port.trySend(b, off, len, priority)) {
                return;
            } else {
                failure = "it has no room";
            }
        } catch (IpcException e) {
            failure = e.getMessage();
        }
        server.counters().increment(Counter.ERRORS);
        LOG.warn("{}: a message of {} bytes at priority {} whose reply could not be delivered was lost putting it "
                + "back: {}", this, len, priority, failure);
    }

    /** Puts back the message a RECEIVE reply carries ({@link #putBack(ChannelSide, byte[], int, int, int)}). */
    void putBack(ChannelSide receivedAt, Frame reply) {
        byte[] b = reply.payload();
        putBack(receivedAt, b, BridgeDescriptor.RECEIVE_REPLY_HEADER, b.length - BridgeDescriptor.RECEIVE_REPLY_HEADER,
                reply.priority());
    }

    /** The sessions of acknowledged receives on this bridge. */
    BridgeSessions sessions() {
        return sessions;
    }

    /**
     * Sets how long a session without a connection keeps the messages in its custody before
     * they go back to the object (default 30 s); applies to sessions detached from now on.
     *
     * @throws IpcException INVALID_ARGUMENT if negative
     */
    public void sessionGrace(Duration grace) {
        sessions.grace(grace);
    }

    /** How many sessions this bridge keeps (attached or in their grace). */
    public int sessionCount() {
        return sessions.size();
    }

    /** The exporter's handle on side B of the exported channel, opened the first time it is needed. */
    private synchronized ChannelEnd sideB() {
        if (sideB == null) {
            sideB = provider(ChannelService.class).bind(exporter).open(name, ChannelSide.B, Rights.WRITE);
        }
        return sideB;
    }

    /** Test seams inside request handling; {@link BridgeHooks#NONE} unless a test sets them. */
    BridgeHooks hooks() {
        return hooks;
    }

    /** Sets the test seams of this bridge's request handling. */
    public void hooks(BridgeHooks testHooks) {
        this.hooks = testHooks;
    }

    /** The rights of the exporter's handle: the most a peer can get. */
    int exportedRights() {
        return exported.rights();
    }

    @Override
    public void onClose(Runnable action) {
        this.onClose = action;
    }

    @Override
    public Endpoint endpoint() {
        return bound.endpoint();
    }

    @Override
    public ObjectType exportedType() {
        return type;
    }

    @Override
    public String exportedName() {
        return name;
    }

    @Override
    public int connectionCount() {
        return server.openConnections();
    }

    @Override
    public ObjectType type() {
        return ObjectType.ENDPOINT;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Optional<String> name() {
        return Optional.of(bound.endpoint().toString());
    }

    @Override
    public int rights() {
        return grant.rights();
    }

    @Override
    public ObjectInfo info() {
        return new ObjectInfo(ObjectType.ENDPOINT, id, name(), exporter.process(), permissions,
                server.openConnections(), false, server.counters().snapshot());
    }

    @Override
    public void setPermissions(Permissions changed) {
        throw IpcException.invalidArgument(this + ": the permissions of a bridge are its options' socket mode");
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /** Stops accepting, closes every peer's connection and handles, then the exporter's handle. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close();
        bound.close();
        for (BridgeConnection c : connections) {
            c.close();
        }
        sessions.close();
        workers.shutdown();
        exported.close();
        ChannelEnd b = sideB;
        if (b != null) {
            b.close();
        }
        onClose.run();
    }

    @Override
    public String toString() {
        return "bridge " + bound.endpoint() + " (" + type.label() + " '" + name + "')";
    }
}
