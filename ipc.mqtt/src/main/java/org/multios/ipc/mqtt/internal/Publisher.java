package org.multios.ipc.mqtt.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcError;
import org.multios.ipc.spi.MappedAccessFaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the store queue's messages, highest priority first, while the broker is connected:
 * at most {@code in.flight} unacknowledged at once. A message taken from the store queue is copied
 * into the {@link InFlight} queue inside the take and leaves it when the broker acknowledges it;
 * after a reconnect, and after a restart, the ones left are published again first, so order per
 * priority holds and nothing taken is lost (the receiving side drops the copies it already had by
 * their {@link UserProperties#ID}). Runs on its own thread.
 */
final class Publisher implements Runnable, MqttActionListener {
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    private static final long POLL_MILLIS = 100;
    private static final Duration POLL = Duration.ofMillis(POLL_MILLIS);
    /** Paho's "too many publishes in progress": the broker's receive maximum is below ours. */
    private static final int MAX_INFLIGHT = MqttClientException.REASON_CODE_MAX_INFLIGHT;

    private final String bridge;
    private final Connector connector;
    private final StoreQueue store;
    private final InFlight inFlight;
    private final StoreQueue.RecordReader<StoredMessage> copyIntoFlight;
    private final Semaphore window;
    private final BridgeCounters counters;
    private final LogLimiter refusedLog = new LogLimiter(1000);
    private final LogLimiter takeLog = new LogLimiter(1000);
    private final LogLimiter faultLog = new LogLimiter(1000);
    /** This thread only: whether it holds a window permit for a message not yet in flight. */
    private boolean permitHeld;
    private volatile boolean running = true;

    Publisher(String bridge, Connector connector, StoreQueue store, InFlight inFlight, BridgeCounters counters) {
        this.bridge = bridge;
        this.connector = connector;
        this.store = store;
        this.inFlight = inFlight;
        // once the record is in the in-flight queue, it holds the permit until acknowledged
        this.copyIntoFlight = (record, info) -> inFlight.add(record, info, () -> permitHeld = false);
        this.window = new Semaphore(inFlight.room());
        this.counters = counters;
    }

    @Override
    public void run() {
        long published = 0;  // the generation whose connection has every message in flight
        while (running) {
            try {
                published = round(published);
            } catch (InternalError e) {
                // a fault of a mapping (the store's or in-flight queue's file truncated) delivered
                // after its call returned: a message taken meanwhile is in flight but may not have
                // been handed to the client, so everything in flight goes out again (the receivers
                // drop copies by id); the queue whose file faulted closes at its next operation
                InternalError fault = MappedAccessFaults.survivable(e);
                if (permitHeld) {
                    permitHeld = false;
                    window.release();
                }
                published = 0;
                if (faultLog.allow()) {
                    LOG.error("bridge {}: a fault of a mapped file came after its call returned; what is in flight"
                            + " goes out again: {}", bridge, fault.getMessage());
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
    }

    /**
     * Publishes what is in flight if the connection is new, then takes and publishes one message.
     *
     * @return the generation whose connection now has every message in flight
     */
    private long round(long published) {
        Connector.Connection connection = connector.awaitConnected(POLL_MILLIS);
        if (connection == null) {
            return published;
        }
        if (connection.generation() != published) {
            for (StoredMessage m : inFlight.unacknowledged()) {
                publish(m, connection);
            }
        }
        if (acquire()) {
            permitHeld = true;
            StoredMessage m = take();
            if (m == null) {
                permitHeld = false;
                window.release();
            } else {
                publish(m, connection);
            }
        }
        return connection.generation();
    }

    /** The next message of the store queue, copied into the in-flight queue; null if none came in time. */
    private StoredMessage take() {
        try {
            return store.take(copyIntoFlight, POLL);
        } catch (IpcException e) {
            // CORRUPTED: a record no bridge wrote, dropped (or the store's handle closed at a fault of
            // its file); anything else: the store or in-flight queue failed, the record was put
            // back, and the next round, after a pause, tries again
            if (e.error() == IpcError.CORRUPTED) {
                counters.droppedOutbound.increment();
            }
            LockSupport.parkNanos(POLL.toNanos());
            if (takeLog.allow()) {
                LOG.error("bridge {}: {}", bridge, e.getMessage());
            }
            return null;
        }
    }

    private boolean acquire() {
        try {
            return window.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Hands one message to the client; if the connection is down it stays in flight for the next one. */
    private void publish(StoredMessage m, Connector.Connection connection) {
        MqttMessage message = new MqttMessage(m.payload());
        message.setQos(m.qos());
        MqttProperties properties = new MqttProperties();
        properties.setUserProperties(List.of(new UserProperty(UserProperties.PRIORITY, Integer.toString(m.priority())),
                new UserProperty(UserProperties.SENDER, m.sender()), new UserProperty(UserProperties.ID, m.id()),
                new UserProperty(UserProperties.BRIDGE, bridge)));
        message.setProperties(properties);
        while (running && connector.isUp(connection.generation())) {
            try {
                connection.client().publish(m.topic(), message, new Attempt(m, connection), this);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MAX_INFLIGHT) {
                    connector.lost(connection.client(), e.toString());
                    return;
                }
                LockSupport.parkNanos(100_000);  // the broker's receive maximum is below in.flight
            } catch (RuntimeException e) {
                // Paho tears its client state down under a publish when the connection drops
                // (seen: a NullPointerException from ClientState.send): the connection is lost,
                // the message stays in flight for the next one, and this thread goes on.
                connector.lost(connection.client(), e.toString());
                return;
            }
        }
    }

    @Override
    public void onSuccess(IMqttToken token) {
        Attempt a = (Attempt) token.getUserContext();
        int[] codes = token.getReasonCodes();
        if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
            refused(a, "reason code 0x" + Integer.toHexString(codes[0]));
        } else if (done(a.message())) {
            counters.sent.increment();
        }
    }

    @Override
    public void onFailure(IMqttToken token, Throwable cause) {
        Attempt a = (Attempt) token.getUserContext();
        if (connector.isUp(a.connection().generation()) && a.connection().client().isConnected()) {
            refused(a, String.valueOf(cause));
        }
        // otherwise the connection went: the message stays in flight and is published again
    }

    private void refused(Attempt a, String why) {
        if (done(a.message())) {
            counters.droppedOutbound.increment();
            if (refusedLog.allow()) {
                LOG.warn("bridge {}: the broker refused a message on {}: {}", bridge, a.message().topic(), why);
            }
        }
    }

    /**
     * Takes a message the broker answered out of flight, on the client's callback thread: frees
     * the window by as many records as left the in-flight queue. Never throws.
     *
     * @return whether it was in flight (not answered before)
     */
    private boolean done(StoredMessage m) {
        try {
            int removed = inFlight.acknowledged(m);
            if (removed > 0) {
                window.release(removed);
            }
            return removed >= 0;
        } catch (IpcException e) {
            // the bridge closed the queue meanwhile: the message stays for the next start
            LOG.warn("bridge {}: acknowledgement of a message on {} not recorded: {}", bridge, m.topic(),
                    e.getMessage());
            return false;
        }
    }

    /** Ends the thread's loop; the caller joins the thread. */
    void stop() {
        running = false;
    }

    /** One publication of a message on the connection of a generation. */
    private record Attempt(StoredMessage message, Connector.Connection connection) {
    }
}
