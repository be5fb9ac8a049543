package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.multios.ipc.IpcError;
import org.multios.ipc.net.internal.wire.FrameEncoder;
import org.multios.ipc.net.internal.wire.Handshake;

import jdk.net.UnixDomainPrincipal;

/**
 * The connections a listener has in their handshake: at most its maximum of connections in
 * all, and at most the mechanism's number per remote address (on a Unix socket: per user), so a
 * storm from one address leaves room for the others.
 */
final class HandshakeSlots {
    private final String listener;
    private final int maxConnections;
    private final IntSupplier perPeer;
    private final AtomicInteger handshaking = new AtomicInteger();
    private final Map<String, Integer> handshakesByPeer = new ConcurrentHashMap<>();

    HandshakeSlots(String listener, int maxConnections, IntSupplier perPeer) {
        this.listener = listener;
        this.maxConnections = maxConnections;
        this.perPeer = perPeer;
    }

    /**
     * Who a connection counts against: on a Unix socket its user ({@code unixPeer}, read already:
     * {@link PeerCredentials}), else its remote address.
     */
    static String peerKey(SocketChannel channel, UnixDomainPrincipal unixPeer) throws IOException {
        if (unixPeer != null) {
            return unixPeer.user().getName();
        }
        return ((InetSocketAddress) channel.getRemoteAddress()).getAddress().getHostAddress();
    }

    /** Takes a slot for a handshake of {@code peer}: null if taken, else why not (the connection is refused). */
    String take(String peer) {
        if (handshaking.get() >= maxConnections) {
            return listener + " has its maximum of " + maxConnections + " connections in their handshake";
        }
        int limit = perPeer.getAsInt();
        boolean[] taken = new boolean[1];
        handshakesByPeer.compute(peer, (k, n) -> {
            int now = n == null ? 0 : n;
            taken[0] = now < limit;
            return taken[0] ? now + 1 : n;
        });
        if (!taken[0]) {
            return listener + " has " + perPeer.getAsInt() + " connections of " + peer
                    + " in their handshake, its most at once; try again when one completed";
        }
        handshaking.incrementAndGet();
        return null;
    }

    /** The handshake of {@code peer} is over (done, failed or never started): its slot is free. */
    void release(String peer) {
        handshaking.decrementAndGet();
        handshakesByPeer.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * Refuses a connection that gets no slot: a REFUSE (LIMIT_EXCEEDED) if the socket takes it
     * at once (a new socket's buffer does), then close.
     *
     * @param reason what {@link #take} said
     */
    static void refuse(SocketChannel channel, String reason) throws IOException {
        try {
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(FrameEncoder.toBytes(Handshake.refuse(IpcError.LIMIT_EXCEEDED, reason))));
        } catch (IOException gone) {
            // the peer left already
        } finally {
            channel.close();
        }
    }
}
