package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.MAX_CUSTODY;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.multios.ipc.net.internal.stream.StreamConnection;

/**
 * The client side of a bridge session ({@link BridgeDescriptor}): its random id, its request
 * ids (never reused across its connections), the RECEIVEs whose messages it has and whose ACK
 * was not answered, and what it needs to open the session again on a new connection.
 */
final class ClientSession {
    private final long id = new SecureRandom().nextLong() | 1;
    private final AtomicInteger requests = new AtomicInteger();
    private final Set<Integer> unconfirmed = ConcurrentHashMap.newKeySet();
    private final byte[] openArgs;
    private final Supplier<StreamConnection> reconnect;
    private volatile boolean receiving;

    /**
     * @param openArgs OPEN's arguments (kind, side, rights, 0, name length, name)
     * @param reconnect a new connection to the same bridge
     */
    ClientSession(byte[] openArgs, Supplier<StreamConnection> reconnect) {
        this.openArgs = openArgs.clone();
        this.reconnect = reconnect;
    }

    /** A request's payload with {@code argBytes} after the header, its new id and {@code wait} filled in. */
    ByteBuffer request(int argBytes, long wait) {
        return ByteBuffer.allocate(BridgeDescriptor.ARGS_OFFSET + argBytes).putInt(requests.incrementAndGet())
                .putLong(wait);
    }

    /** The client has the message of RECEIVE {@code request}; its ACK is not answered yet. */
    void received(int request) {
        unconfirmed.add(request);
    }

    /** The bridge answered the ACK of RECEIVE {@code request}. */
    void acknowledged(int request) {
        unconfirmed.remove(request);
    }

    /** A RECEIVE was sent: from now on the bridge may hold messages for the session. */
    void receiving() {
        receiving = true;
    }

    /** Whether the bridge may hold messages for the session (a RECEIVE was ever sent). */
    boolean mayHoldMessages() {
        return receiving;
    }

    /** OPEN_SESSION's arguments: OPEN's, the session id and the given received list. */
    byte[] openSessionArgs(byte[] list) {
        return ByteBuffer.allocate(openArgs.length + 8 + list.length).put(openArgs).putLong(id).put(list).array();
    }

    /** The received list of OPEN_SESSION and END: count u16, RECEIVE request ids u32. */
    byte[] receivedList() {
        Integer[] ids = unconfirmed.stream().limit(MAX_CUSTODY).toArray(Integer[]::new);
        ByteBuffer b = ByteBuffer.allocate(2 + 4 * ids.length).putShort((short) ids.length);
        for (int i : ids) {
            b.putInt(i);
        }
        return b.array();
    }

    /** The listed ids were settled by an OPEN_SESSION or END the bridge answered. */
    void settled(byte[] list) {
        ByteBuffer b = ByteBuffer.wrap(list);
        int n = b.getShort() & 0xFFFF;
        for (int i = 0; i < n; i++) {
            unconfirmed.remove(b.getInt());
        }
    }

    StreamConnection reconnect() {
        return reconnect.get();
    }
}
