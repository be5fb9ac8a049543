package org.multios.ipc.mqtt.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a bridge connected: connects, subscribes to the inbound topics, and after a failed
 * attempt or a lost connection waits a {@link Backoff} delay and tries again, until stopped.
 * Each successful connection has a new {@linkplain #generation() generation}, which tells the
 * publisher to publish its unacknowledged messages again. Runs on its own thread.
 */
final class Connector implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
    private static final long CONNECT_TIMEOUT_MILLIS = 10_000;

    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final List<Mapping> inbound;
    private final Backoff backoff;
    private final BridgeCounters counters;
    private final String bridge;

    private BridgeState state = BridgeState.CONNECTING;
    private boolean running = true;
    private boolean connected;
    private long generation;
    private String lastError = "";

    Connector(String bridge, MqttAsyncClient client, MqttConnectionOptions options, List<Mapping> inbound,
            BridgeSettings settings, BridgeCounters counters) {
        this.bridge = bridge;
        this.client = client;
        this.options = options;
        this.inbound = List.copyOf(inbound);
        this.backoff = new Backoff(settings.reconnectMin(), settings.reconnectMax(), ThreadLocalRandom.current());
        this.counters = counters;
    }

    @Override
    public void run() {
        while (isRunning()) {
            setState(BridgeState.CONNECTING);
            try {
                client.connect(options).waitForCompletion(CONNECT_TIMEOUT_MILLIS);
                subscribe();
                connected();
                awaitLoss();
            } catch (MqttException | RuntimeException e) {
                lost(e.toString());
                forceDisconnect();
            }
            if (!isRunning()) {
                break;
            }
            long delay = backoff.nextMillis();
            LOG.info("bridge {}: broker {} unreachable ({}); next attempt in {} ms", bridge, client.getServerURI(),
                    lastError(), delay);
            setState(BridgeState.WAITING);
            sleep(delay);
        }
        setState(BridgeState.STOPPED);
    }

    private void subscribe() throws MqttException {
        if (inbound.isEmpty()) {
            return;
        }
        List<MqttSubscription> subscriptions = new ArrayList<>();
        for (Mapping m : inbound) {
            MqttSubscription s = new MqttSubscription(m.topic(), m.qos());
            s.setNoLocal(true);  // a channel bridged both ways must not receive what it publishes
            subscriptions.add(s);
        }
        IMqttToken token = client.subscribe(subscriptions.toArray(MqttSubscription[]::new));
        token.waitForCompletion(CONNECT_TIMEOUT_MILLIS);
        int[] codes = token.getReasonCodes();
        for (int i = 0; codes != null && i < codes.length && i < inbound.size(); i++) {
            if (codes[i] >= 0x80) {
                LOG.error("bridge {}: the broker refused the subscription to {} (reason code 0x{})", bridge,
                        inbound.get(i).topic(), Integer.toHexString(codes[i]));
            }
        }
    }

    private synchronized void connected() {
        connected = true;
        generation++;
        state = BridgeState.CONNECTED;
        backoff.reset();
        counters.connections.increment();
        notifyAll();
        LOG.info("bridge {}: connected to {}", bridge, client.getServerURI());
    }

    private synchronized void awaitLoss() {
        while (running && connected) {
            waitQuietly(0);
        }
    }

    /** The connection was lost (client callback) or an attempt failed. */
    synchronized void lost(String why) {
        connected = false;
        lastError = why;
        notifyAll();
    }

    /** Waits at most {@code millis} for a connection; its generation, or 0 if none. */
    synchronized long awaitConnected(long millis) {
        if (running && !connected) {
            waitQuietly(millis);
        }
        return running && connected ? generation : 0;
    }

    /** Whether the connection of {@code generation} is still up. */
    synchronized boolean isUp(long generation) {
        return connected && this.generation == generation;
    }

    synchronized BridgeState state() {
        return state;
    }

    synchronized String lastError() {
        return lastError;
    }

    synchronized boolean isRunning() {
        return running;
    }

    /** Ends the thread's loop; the caller joins the thread. */
    synchronized void stop() {
        running = false;
        notifyAll();
    }

    private synchronized void setState(BridgeState s) {
        state = s;
    }

    private synchronized void sleep(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long left;
        while (running && (left = end - System.nanoTime()) > 0) {
            waitQuietly(Math.max(1, left / 1_000_000L));
        }
    }

    private void waitQuietly(long millis) {
        try {
            wait(millis);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }

    private void forceDisconnect() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
        } catch (MqttException e) {
            LOG.debug("bridge {}: disconnect after a failure: {}", bridge, e.toString());
        }
    }
}
