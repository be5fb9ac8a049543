package org.multios.ipc.net.internal.bridge;

import java.time.Duration;
import java.util.function.Supplier;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Statistics;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.internal.LocalProviders;
import org.multios.ipc.net.internal.stream.BoundSocket;
import org.multios.ipc.net.internal.stream.EndpointHandle;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.stream.OutputBudget;
import org.multios.ipc.net.internal.stream.PeerContexts;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.net.internal.stream.StreamServer;
import org.multios.ipc.net.internal.wire.Frame;
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
 * timeout, dropped. Sessions of acknowledged receives, and the messages in their custody, are
 * kept by its {@link BridgeSessions}. The bridge is a handle of its exporter's session
 * ({@link EndpointHandle}): its closed state is the one every net handle keeps.
 */
public final class BridgeServer extends EndpointHandle implements Bridge {
    /** Bytes a bridge frame carries beyond a message: request and reply headers. */
    public static final int FRAME_OVERHEAD = 64;

    private static final Logger LOG = LoggerFactory.getLogger(BridgeServer.class);

    private final ObjectType type;
    private final String exportedName;
    private final ExportedObject exported;
    private final BoundSocket bound;
    private final StreamServer server;
    private final PeerContexts shared;
    private final BridgeWorkers workers;
    private final BridgeConnections connections = new BridgeConnections();
    private final BridgeSessions sessions;
    private volatile BridgeHooks hooks = BridgeHooks.NONE;

    private BridgeServer(long id, ObjectType type, String name, ExportedObject exported, CallerContext exporter,
            SessionGate session, PeerContexts shared, BoundSocket bound, ListenOptions options,
            Permissions permissions, Grant grant) {
        super(id, bound.endpoint().toString(), exporter, permissions,
                "the permissions of a bridge are its options' socket mode", session, grant);
        this.type = type;
        this.exportedName = name;
        this.exported = exported;
        this.bound = bound;
        this.shared = shared;
        this.workers = new BridgeWorkers(id, Math.min(shared.settings().bridgeWorkers(),
                2 * options.maxConnections() + 8), shared);
        int largestReply = options.maxFrameSize() + FRAME_OVERHEAD;
        this.sessions = new BridgeSessions(toString(), id, held -> putBack(held.side(), held.reply()),
                new CustodyBudget(toString(), Math.max((long) options.maxConnections() * options.bufferBytes(),
                        (long) BridgeDescriptor.MAX_CUSTODY * largestReply), largestReply));
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
        connections.refuseAll(IpcError.PERMISSION_DENIED, reason);
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
        ExportedObject exported = ExportedObject.open(type, name, providers, exporter);
        BoundSocket bound;
        try {
            bound = bind.get();
        } catch (RuntimeException e) {
            exported.close();
            throw e;
        }
        return new BridgeServer(id, type, name, exported, exporter, session, shared, bound, options, permissions,
                grant);
    }

    /** The local mechanism of the given API type; UNAVAILABLE if it went. */
    <S> MechanismProvider<S> provider(Class<S> api) {
        return exported.provider(api);
    }

    private void established(StreamConnection connection, CallerContext peer) {
        connections.serve(this, connection, peer, workers, shared.settings());
        if (isClosed()) {
            connection.close();
        }
    }

    /**
     * What one connection of this bridge may queue for its peer (as of the last connection
     * established), and the most any connection queued: the largest of those that ended and of
     * those still open.
     */
    public OutputBudget outputBudget() {
        return connections.outputBudget();
    }

    /**
     * The state of each peer's open connection, for diagnostics: reading holds, interest
     * operations, bytes read and undecoded, bytes waiting, requests in flight.
     */
    public String describeConnections() {
        return connections.describe();
    }

    /** A peer's connection ended: every handle it opened through the bridge closes. */
    void release(CallerContext peer) {
        exported.release(peer);
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
        String failure = exported.putBack(receivedAt, b, off, len, priority);
        if (failure != null) {
            server.counters().increment(Counter.ERRORS);
            LOG.warn("{}: a message of {} bytes at priority {} whose reply could not be delivered was lost putting "
                    + "it back: {}", this, len, priority, failure);
        }
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

    /** The bytes kept now for the sessions' unacknowledged messages, and the most it keeps. */
    public long[] custodyBytes() {
        return new long[] {sessions.budget().used(), sessions.budget().limit()};
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
    public Endpoint endpoint() {
        return bound.endpoint();
    }

    @Override
    public ObjectType exportedType() {
        return type;
    }

    @Override
    public String exportedName() {
        return exportedName;
    }

    @Override
    public int connectionCount() {
        return server.openConnections();
    }

    @Override
    protected long capacity() {
        return server.openConnections();
    }

    @Override
    protected Statistics currentStatistics() {
        return server.counters().snapshot();
    }

    /** Stops accepting, closes every peer's connection and handles, then the exporter's handle. */
    @Override
    public void close() {
        closeOnce(() -> {
            server.close();
            bound.close();
            connections.closeAll();
            sessions.close();
            workers.shutdown();
            exported.close();
        });
    }

    @Override
    public String describe() {
        return "bridge " + bound.endpoint() + " (" + type.label() + " '" + exportedName + "')";
    }

    /** As {@link #describe()}: messages name the bridge without its grant. */
    @Override
    public String toString() {
        return describe();
    }
}
