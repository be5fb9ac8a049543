package org.multios.ipc.mqtt.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configured bridge from its configuration to its close, including the time before the objects
 * of its mappings exist: at a gateway's start the bundles that create them may come after the
 * bridge's configuration (after a reboot nothing is left in the IPC root). While opening fails
 * with NOT_FOUND, its thread ({@code ipc-mqtt-<client>-open}) tries again after each
 * {@link Backoff} delay of the reconnect settings, the bridge's state is {@link BridgeState#OPENING}
 * and its last error names the missing object; any other failure ends the attempts (logged, and
 * shown as the last error). Thread-safe.
 */
final class BridgeOpening {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeOpening.class);
    private static final long JOIN_MILLIS = 10_000;

    private final BridgeSettings settings;
    private final Supplier<MqttBridge> open;
    private final Backoff backoff;
    private Thread thread;
    private MqttBridge bridge;
    private String waitingFor = "";
    private boolean closed;

    /**
     * Opens the bridge now if its objects exist; if one does not, starts the thread that tries again.
     *
     * @throws IpcException as opening the bridge, except NOT_FOUND
     */
    BridgeOpening(BridgeSettings settings, Supplier<MqttBridge> open) {
        this.settings = settings;
        this.open = open;
        this.backoff = new Backoff(settings.reconnectMin(), settings.reconnectMax(), ThreadLocalRandom.current());
        if (!attempt()) {
            LOG.warn("MQTT bridge {}: waiting for its objects: {}", settings.clientId(), waitingFor());
            thread = new Thread(this::retry, "ipc-mqtt-" + settings.clientId() + "-open");
            thread.start();
        }
    }

    /** What the bridge is doing and has counted; while it waits for its objects, only that. */
    BridgeStatus status() {
        MqttBridge b;
        String why;
        boolean stopped;
        synchronized (this) {
            b = bridge;
            why = waitingFor;
            stopped = closed || thread != null && !thread.isAlive() && bridge == null;
        }
        if (b != null) {
            return b.status();
        }
        return new BridgeStatus(settings.clientId(), settings.brokerUri().toString(),
                stopped ? BridgeState.STOPPED : BridgeState.OPENING, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, why);
    }

    /** Ends the attempts, or closes the bridge they opened. */
    void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
            notifyAll();
        }
        if (t != null) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        MqttBridge b;
        synchronized (this) {
            b = bridge;
        }
        if (b != null) {
            b.close();
        }
    }

    private void retry() {
        try {
            while (awaitDelay()) {
                if (attempt()) {
                    LOG.info("MQTT bridge {}: its objects exist, started", settings.clientId());
                    return;
                }
            }
        } catch (IpcException e) {
            LOG.error("MQTT bridge {} not started: {}", settings.clientId(), e.getMessage());
        }
    }

    /**
     * Opens the bridge and starts it (unless closed meanwhile); false if an object of its mappings
     * does not exist yet.
     */
    private boolean attempt() {
        MqttBridge b;
        try {
            b = open.get();
        } catch (IpcException e) {
            synchronized (this) {
                waitingFor = e.getMessage();
            }
            if (e.error() == IpcError.NOT_FOUND) {
                return false;
            }
            throw e;
        }
        synchronized (this) {
            if (!closed) {
                bridge = b;
                waitingFor = "";
                b.start();
                return true;
            }
        }
        b.close();  // the configuration went while it opened
        return true;
    }

    private synchronized String waitingFor() {
        return waitingFor;
    }

    /** Waits the next delay; false if closed. */
    private synchronized boolean awaitDelay() {
        long end = System.nanoTime() + backoff.nextMillis() * 1_000_000L;
        long left;
        while (!closed && (left = end - System.nanoTime()) > 0) {
            try {
                wait(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !closed;
    }
}
