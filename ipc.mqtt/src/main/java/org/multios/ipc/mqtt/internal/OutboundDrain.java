package org.multios.ipc.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves what an outbound mapping's object receives into the store queue, with its priority,
 * sender and a new message id, whether or not the broker is reachable. A message larger than the
 * bridge's maximum is taken out of the object, counted, logged and dropped. Runs on its own
 * thread until {@link #stop} (which closes the object, waking the receive).
 */
final class OutboundDrain implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundDrain.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String bridge;
    private final Mapping mapping;
    private final BridgedObject object;
    private final StoreQueue store;
    private final long origin;
    private final AtomicLong sequence;
    private final int maxMessageSize;
    private final BridgeCounters counters;
    private final byte[] topic;
    private final LogLimiter dropLog = new LogLimiter(1000);
    private volatile boolean running = true;

    OutboundDrain(String bridge, Mapping mapping, BridgedObject object, StoreQueue store, long origin,
            AtomicLong sequence, int maxMessageSize, BridgeCounters counters) {
        this.bridge = bridge;
        this.mapping = mapping;
        this.object = object;
        this.store = store;
        this.origin = origin;
        this.sequence = sequence;
        this.maxMessageSize = maxMessageSize;
        this.counters = counters;
        this.topic = mapping.topic().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void run() {
        byte[] buf = new byte[maxMessageSize];
        byte[] record = new byte[store.maxRecordSize()];
        MessageInfo info = new MessageInfo();
        while (running) {
            int n;
            try {
                n = object.take(buf, info);
            } catch (IpcException e) {
                if (!running) {
                    return;
                }
                if (e.error() == IpcError.MESSAGE_TOO_LARGE) {
                    dropTooLarge(info.length());
                    continue;
                }
                LOG.error("bridge {}: {} stopped: {}", bridge, mapping, e.getMessage());
                return;
            }
            int length = StoredMessage.encode(record, origin, sequence.getAndIncrement(), topic, mapping.qos(), info,
                    buf, n);
            switch (store.offer(record, length, info.priority(), POLL, () -> running)) {
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
