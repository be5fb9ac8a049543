package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.net.internal.stream.Waits;
import org.multios.ipc.net.internal.wire.Frame;

/**
 * The client end of a bridge connection: sends requests, matches replies to them by id, and
 * fails every outstanding request with CLOSED when the connection ends. A RECEIVE whose caller
 * stopped waiting (interrupt, timeout) may still take a message at the bridge: its late reply
 * is kept and handed to the next receive, so no message is lost.
 */
final class BridgeClient {
    /** How much longer than the operation's own timeout a reply may take to come back. */
    private static final long REPLY_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final StreamConnection connection;
    private final String object;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
    private final Queue<Frame> orphans = new ConcurrentLinkedQueue<>();
    private final java.util.Set<Integer> abandonedReceives = ConcurrentHashMap.newKeySet();

    BridgeClient(StreamConnection connection, String object) {
        this.connection = connection;
        this.object = object;
        connection.deliverTo(this::replied);
        connection.onEnd(this::ended);
    }

    StreamConnection connection() {
        return connection;
    }

    /** The largest message a request or reply frame carries. */
    int maxMessage() {
        return connection.maxFrameSize() - RECEIVE_REPLY_HEADER;
    }

    /** A request's payload with {@code argBytes} after the header, id and wait filled in. */
    ByteBuffer request(int argBytes, long wait) {
        return ByteBuffer.allocate(ARGS_OFFSET + argBytes).putInt(ids.incrementAndGet()).putLong(wait);
    }

    /**
     * Sends a request and waits for its reply.
     *
     * @param wait the operation's own wait, which bounds the wait for the reply (plus a grace)
     * @return the OK reply
     * @throws IpcException the error the bridge replied; CLOSED if the connection ended;
     *         INTERRUPTED; TIMEOUT if no reply came within the wait and the grace
     */
    Frame call(int op, int priority, byte[] payload, long wait) {
        int id = ByteBuffer.wrap(payload).getInt(ID_OFFSET);
        CompletableFuture<Frame> reply = new CompletableFuture<>();
        pending.put(id, reply);
        boolean answered = false;
        try {
            if (!connection.isConnected()) {
                throw IpcException.closed(object + ": " + connection.endReason());
            }
            connection.sendOwned(op, priority, payload, Waits.FOREVER);
            Frame f = wait == Waits.FOREVER ? reply.get() : reply.get(wait + REPLY_GRACE_NANOS, TimeUnit.NANOSECONDS);
            answered = true;
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IpcException.interrupted("wait for the bridge's reply", object);
        } catch (TimeoutException e) {
            throw IpcException.timeout("get the bridge's reply", object);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IpcException ipc ? ipc
                    : new IpcException(IpcError.IO_ERROR, object + ": " + e.getCause(), e.getCause());
        } catch (IpcException e) {
            throw e.error() == IpcError.BROKEN_PIPE ? IpcException.closed(object + ": " + connection.endReason()) : e;
        } finally {
            boolean waiting = pending.remove(id) != null;
            if (!answered && op == OP_RECEIVE) {
                if (waiting) {
                    abandonedReceives.add(id);
                } else if (reply.isDone() && !reply.isCompletedExceptionally()) {
                    keepIfMessage(reply.getNow(null));
                }
            }
        }
    }

    /** A reply a receive gave up on earlier, if one came. */
    Frame orphan() {
        return orphans.poll();
    }

    /** Keeps a reply for a later receive (it did not fit the caller's buffer). */
    void keep(Frame reply) {
        orphans.add(reply);
    }

    private void replied(Frame reply) {
        CompletableFuture<Frame> waiter = pending.remove(Replies.id(reply));
        if (waiter != null) {
            waiter.complete(reply);
        } else if (abandonedReceives.remove(Replies.id(reply))) {
            keepIfMessage(reply);
        }
    }

    private void keepIfMessage(Frame reply) {
        if (reply != null && reply.type() == REPLY_OK && reply.payload().length >= RECEIVE_REPLY_HEADER
                && reply.payload()[RESULT_OFFSET] == 1) {
            orphans.add(reply);
        }
    }

    private void ended() {
        IpcException closed = IpcException.closed(object + ": " + connection.endReason());
        for (CompletableFuture<Frame> f : pending.values()) {
            f.completeExceptionally(closed);
        }
    }

    void close() {
        connection.close();
    }
}
