package org.multios.ipc.net.internal.bridge;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.multios.ipc.IpcError;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.stream.OutputBudget;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.net.internal.wire.FrameDescriptor;
import org.multios.ipc.spi.CallerContext;

/**
 * The open connections of one bridge's peers, each served by a {@link BridgeConnection} under
 * the mechanism's request limits, refused or closed together, and the most output any of them
 * queued (those that ended included).
 */
final class BridgeConnections {
    private final Set<BridgeConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong outputHighWater = new AtomicLong();
    private volatile OutputBudget outputBudget = new OutputBudget(0, 0, 0);

    /**
     * Serves a peer's established connection: its requests run on {@code workers}, at most
     * {@link NetSettings#requestsInFlight} at once; its replies may queue that many frames
     * beyond its output budget; a peer that does not take them within the output-stall timeout
     * ({@code DrainClock}) is dropped.
     */
    void serve(BridgeServer bridge, StreamConnection connection, CallerContext peer, Executor workers,
            NetSettings settings) {
        BridgeConnection c = new BridgeConnection(new PeerLink(bridge, connection, peer), workers,
                settings.requestsInFlight());
        open.add(c);
        OutputBudget budget = connection.outputBudget();
        long replyLimit = budget.budget() + (settings.requestsInFlight() + 1L)
                * (connection.maxFrameSize() + FrameDescriptor.HEADER_LENGTH);
        connection.serveRequests(settings.outputStallTimeout().toNanos(), replyLimit, c::busy);
        outputBudget = connection.outputBudget();
        connection.deliverTo(c::request);
        connection.onPeerBye(c::peerSaidBye);
        connection.onEnd(() -> {
            open.remove(c);
            outputHighWater.accumulateAndGet(connection.outputBudget().highWater(), Math::max);
            c.ended();
        });
    }

    /**
     * What one connection may queue for its peer (as of the last connection served), and the
     * most any connection queued: the largest of those that ended and of those still open.
     */
    OutputBudget outputBudget() {
        long most = outputHighWater.get();
        for (BridgeConnection c : open) {
            most = Math.max(most, c.outputBudget().highWater());
        }
        OutputBudget b = outputBudget;
        return new OutputBudget(b.budget(), b.hardLimit(), most);
    }

    /** Each open connection's state ({@link BridgeConnection#describe}), for diagnostics. */
    String describe() {
        StringBuilder b = new StringBuilder();
        for (BridgeConnection c : open) {
            b.append(b.length() == 0 ? "" : " | ").append(c.describe());
        }
        return b.length() == 0 ? "no connection" : b.toString();
    }

    /** Breaks every connection off with an error its peer is told of. */
    void refuseAll(IpcError error, String reason) {
        for (BridgeConnection c : open) {
            c.refuse(error, reason);
        }
    }

    /** Closes every connection. */
    void closeAll() {
        for (BridgeConnection c : open) {
            c.close();
        }
    }
}
