package org.multios.ipc.mqtt.internal;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.multios.ipc.spi.MappedAccessFaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound messages of QoS 1 and 2, in arrival order: this line's thread
 * ({@code ipc-mqtt-<client>-held}) delivers each, resuming at the object that was full, until each
 * is taken, and acknowledges each once taken, so the client's callback thread never waits for an
 * object. A QoS 2 message must be kept: the MQTT client took it over from the broker when it
 * arrived (its PUBREC goes out before the bridge sees the message), so the broker never sends it
 * again. A QoS 1 message stays unacknowledged while kept; if its connection ends first, the broker
 * sends it again after the reconnect and the copy joins the line (the objects that took the first
 * recognise its id; a foreign message without one may be delivered twice, as QoS 1 allows). QoS 0
 * messages are not kept: they go straight to their objects or are dropped.
 * <p>
 * Bounded without holding the callback thread up while the client has a QoS 2 message queued behind
 * it (the client drops what it queued for that thread, PUBREC already sent, when a connection ends):
 * once {@link #MAX} are kept, the client's reader waits at {@link #awaitRoom} before it takes over
 * the next QoS 2 message, so the broker holds what follows (should the connection end meanwhile, that
 * message stays the broker's and comes again). A callback waits only once {@link #LIMIT} are kept
 * (QoS 1 messages beyond), more than a QoS 2 message admitted below {@link #MAX} can find, as the
 * client queues at most 10 messages for its callback. Kept in memory: QoS 2 messages still held when
 * the bridge stops are counted as undelivered and logged (QoS 1 ones come again from the broker).
 * Thread-safe.
 */
final class HeldMessages implements Runnable {
    /** Messages kept before the client's reader waits to take over a QoS 2 message. */
    static final int MAX = 256;
    /**
     * Messages kept before a callback waits for room: more than {@link #MAX} plus the 10 messages
     * the client queues for its callback, so no QoS 2 message it took over is queued behind a
     * waiting callback.
     */
    static final int LIMIT = MAX + 32;
    private static final Logger LOG = LoggerFactory.getLogger(HeldMessages.class);
    private static final long WAIT_SLICE_MILLIS = 100;
    /** How often, at most, the line logs that its head still finds no room. */
    private static final long STILL_HELD_LOG_MILLIS = 60_000;

    /** Tells the connection that received a message that it was delivered. */
    interface Receipts {
        /** {@code message}, of QoS 1 or 2, was delivered to every object that should have it. */
        void delivered(MqttMessage message);
    }

    /** A message kept, the receipts of the connection that received it and the route its delivery resumes at. */
    record Held(Receipts receipts, String topic, MqttMessage message, int route) {
    }

    private final String bridge;
    private final InboundRouter router;
    private final BridgeCounters counters;
    private final ArrayDeque<Held> line = new ArrayDeque<>();
    private final LogLimiter faultLog = new LogLimiter(1000);
    private final LogLimiter stillHeldLog = new LogLimiter(STILL_HELD_LOG_MILLIS);
    private boolean running = true;
    private boolean delivering;

    HeldMessages(String bridge, InboundRouter router, BridgeCounters counters) {
        this.bridge = bridge;
        this.router = router;
        this.counters = counters;
    }

    /** Messages kept. */
    synchronized int size() {
        return line.size();
    }

    /**
     * Waits, on the client's reader thread before it takes over a QoS 2 message, while {@link #MAX}
     * are kept.
     *
     * @return true if there is room; false if the bridge stopped, {@code connected} says the
     *         receiving connection is no longer the bridge's, or the thread was interrupted first:
     *         the message is then not to be taken over (its client may have torn its state down)
     */
    synchronized boolean awaitRoom(BooleanSupplier connected) {
        while (running && line.size() >= MAX) {
            if (!connected.getAsBoolean()) {
                return false;
            }
            try {
                wait(WAIT_SLICE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return running && connected.getAsBoolean();
    }

    /**
     * Keeps a message at the end of the line, first waiting while {@link #LIMIT} are kept, the
     * bridge runs, {@code connected} says the receiving connection is still the bridge's and the
     * calling thread is not interrupted (a client run on an executor interrupts its callback thread
     * when the connection breaks).
     */
    synchronized void keep(Held message, BooleanSupplier connected) {
        boolean interrupted = Thread.interrupted();
        while (!interrupted && line.size() >= LIMIT && running && connected.getAsBoolean()) {
            try {
                wait(WAIT_SLICE_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;  // the client stops its callback thread this way before it tells of the loss
            }
        }
        if (running) {
            line.addLast(message);
            notifyAll();
        } else if (message.message().getQos() == 2) {
            counters.undelivered.increment();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Delivers the line's head, again and again, until stopped. */
    @Override
    public void run() {
        Held head;
        while ((head = awaitHead()) != null) {
            int stopped;
            try {
                stopped = router.resume(head.topic(), head.message(), head.route());
            } catch (InternalError e) {
                // a fault of a mapping (an object's file truncated) delivered after its call
                // returned: the head is tried again (its objects recognise it by id if it got in)
                InternalError fault = MappedAccessFaults.survivable(e);
                if (faultLog.allow()) {
                    LOG.error("bridge {}: a fault of a mapped file came after its call returned: {}", bridge,
                            fault.getMessage());
                }
                stopped = head.route();
            }
            if (stopped == InboundRouter.DONE) {
                taken();
                complete(head.receipts(), head.message());
            } else {
                keptAt(head, stopped);
                if (stillHeldLog.allow()) {
                    LOG.warn("bridge {}: {} message(s) held: {} has no room; they go in order once it has", bridge,
                            size(), router.object(stopped));
                }
            }
        }
    }

    /** Ends {@link #run} once its delivery returns; what is still kept is counted undelivered. */
    void stop() {
        int lost;
        synchronized (this) {
            running = false;
            boolean first = true;
            lost = 0;
            for (Held h : line) {  // the head being delivered is counted by its outcome
                lost += h.message().getQos() == 2 && !(first && delivering) ? 1 : 0;
                first = false;
            }
            line.clear();
            notifyAll();
        }
        if (lost > 0) {
            counters.undelivered.add(lost);
            LOG.error("bridge {}: {} message(s) of QoS 2 held for full objects were not delivered before the bridge "
                    + "stopped", bridge, lost);
        }
    }

    /** Tells {@code receipts} a message was delivered; a closed connection has nothing to be told any more. */
    private static void complete(Receipts receipts, MqttMessage message) {
        try {
            receipts.delivered(message);
        } catch (RuntimeException gone) {
            // the connection that received it is closed
        }
    }

    private synchronized Held awaitHead() {
        while (running && line.isEmpty()) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        delivering = running;
        return running ? line.peekFirst() : null;
    }

    private synchronized void taken() {
        delivering = false;
        if (running) {
            line.removeFirst();
            notifyAll();
        }
    }

    private synchronized void keptAt(Held head, int route) {
        delivering = false;
        if (!running) {
            counters.undelivered.add(head.message().getQos() == 2 ? 1 : 0);  // the line was cleared
        } else if (route != head.route()) {
            line.removeFirst();
            line.addFirst(new Held(head.receipts(), head.topic(), head.message(), route));
        }
    }
}
