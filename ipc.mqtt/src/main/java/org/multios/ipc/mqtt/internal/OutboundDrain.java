package org.multios.ipc.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageBuffer;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.spi.MappedAccessFaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves what an outbound mapping's object receives into the store queue, with its priority,
 * sender and a new message id, whether or not the broker is reachable. It waits for the next
 * message, then moves what else waits as far as the store has room, in place; with overflow
 * {@code block} it waits for room for a batch (an eighth of the store) before it takes anything,
 * so that a full store holds messages back in their object instead of in this thread's hands, and
 * moving one message does not cost a wake-up of this thread and of the object's sender each. A
 * message larger than the bridge's maximum is taken out of the object, counted, logged and
 * dropped. Runs on its own thread until {@link #stop} (which closes the object, waking the
 * receive).
 */
final class OutboundDrain implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundDrain.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long MIN_IDLE_NANOS = 100_000;
    private static final long MAX_IDLE_NANOS = 10_000_000;

    private final String bridge;
    private final Mapping mapping;
    private final BridgedObject object;
    private final StoreQueue store;
    private final MessageIds ids;
    private final int maxMessageSize;
    private final BridgeCounters counters;
    private final byte[] topic;
    private final byte[] record;
    private final int batchRoom;
    private final MessageHandler moveOne = this::move;
    private final LogLimiter dropLog = new LogLimiter(1000);
    private final LogLimiter faultLog = new LogLimiter(1000);
    private volatile boolean running = true;

    OutboundDrain(String bridge, Mapping mapping, BridgedObject object, StoreQueue store, MessageIds ids,
            int maxMessageSize, BridgeCounters counters) {
        this.bridge = bridge;
        this.mapping = mapping;
        this.object = object;
        this.store = store;
        this.ids = ids;
        this.maxMessageSize = maxMessageSize;
        this.counters = counters;
        this.topic = mapping.topic().getBytes(StandardCharsets.UTF_8);
        this.record = new byte[store.maxRecordSize()];
        this.batchRoom = Math.max(1, store.capacity() / 8);
    }

    @Override
    public void run() {
        byte[] buf = new byte[maxMessageSize];
        MessageInfo info = new MessageInfo();
        while (running && awaitRoom()) {
            try {
                int n;
                try {
                    n = object.take(buf, info);
                } catch (IpcException e) {
                    if (e.error() != IpcError.MESSAGE_TOO_LARGE || !running) {
                        throw e;
                    }
                    dropTooLarge(info.length());
                    continue;
                }
                stored(store.offer(record, StoredMessage.encode(record, ids.origin(), ids.nextSequence(), topic,
                        mapping.qos(), info, buf, n), info.priority(), POLL, () -> running));
                int room = store.room();
                if (room > 0) {
                    object.drain(moveOne, room);
                }
            } catch (IpcException e) {
                if (running) {
                    LOG.error("bridge {}: {} stopped: {}", bridge, mapping, e.getMessage());
                }
                return;
            } catch (InternalError e) {
                // a fault of a mapping (the object's or the store's file truncated) delivered after
                // its call returned: a message taken meanwhile may be lost; the object or store whose
                // file faulted closes at its next operation (and this loop stops then if it is ours)
                InternalError fault = MappedAccessFaults.survivable(e);
                if (faultLog.allow()) {
                    LOG.error("bridge {}: {}: a fault of a mapped file came after its call returned: {}", bridge,
                            mapping, fault.getMessage());
                }
            }
        }
    }

    /**
     * With overflow {@code block}, waits until the store has room for a batch, backing off from
     * {@value #MIN_IDLE_NANOS} ns to {@value #MAX_IDLE_NANOS} ns between looks (the queue API has
     * no wait for room that sends nothing).
     *
     * @return false if the bridge stopped meanwhile
     */
    private boolean awaitRoom() {
        if (!store.blocksWhenFull()) {
            return running;
        }
        for (long idle = MIN_IDLE_NANOS; running; idle = Math.min(idle * 2, MAX_IDLE_NANOS)) {
            if (store.room() >= batchRoom) {
                return true;
            }
            LockSupport.parkNanos(idle);
        }
        return false;
    }

    /** Moves one message a drain hands over in place into the store queue. */
    private void move(MessageBuffer message, MessageInfo info) {
        if (message.length() > maxMessageSize) {
            dropped("a message of " + message.length() + " bytes is larger than max.message.size (" + maxMessageSize
                    + " bytes)");
            return;
        }
        int length = StoredMessage.encode(record, ids.origin(), ids.nextSequence(), topic, mapping.qos(), info,
                message);
        stored(store.offer(record, length, info.priority(), POLL, () -> running));
    }

    private void stored(StoreQueue.Offer offer) {
        switch (offer) {
            case STORED -> counters.stored.increment();
            case DROPPED_OLDEST -> {
                counters.stored.increment();
                dropped("the store queue was full: its oldest message was dropped");
            }
            case REJECTED -> dropped("the store queue was full: the message was rejected");
            case STOPPED -> LOG.warn("bridge {}: stopped while a message of {} waited for room in the store queue; "
                    + "it is lost", bridge, mapping);
        }
    }

    /** Takes a message longer than the bridge's maximum out of its object and drops it. */
    private void dropTooLarge(int length) {
        object.take(new byte[length], new MessageInfo());
        dropped("a message of " + length + " bytes is larger than max.message.size (" + maxMessageSize + " bytes)");
    }

    private void dropped(String why) {
        counters.droppedOutbound.increment();
        if (dropLog.allow()) {
            LOG.warn("bridge {}: {}: {}", bridge, mapping, why);
        }
    }

    /** Ends the loop; the caller closes the object and joins the thread. */
    void stop() {
        running = false;
    }
}
