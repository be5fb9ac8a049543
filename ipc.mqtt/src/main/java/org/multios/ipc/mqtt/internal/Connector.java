package org.multios.ipc.mqtt.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a bridge connected: connects, subscribes to the inbound topics, and after a failed
 * attempt or a lost connection waits a {@link Backoff} delay and tries again, until stopped.
 * Every attempt uses a new MQTT client, so that nothing of an old connection is resent by the
 * client itself (the {@link Publisher} owns every unacknowledged message), and each successful
 * connection has a new generation, which tells the publisher to publish its unacknowledged
 * messages again. Runs on its own thread.
 */
final class Connector implements Runnable {
    /** Makes the client of one connection attempt, its callback in place. */
    interface ClientFactory {
        MqttAsyncClient create() throws MqttException;
    }

    /** A live connection: its client and generation. */
    record Connection(MqttAsyncClient client, long generation) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
    private static final long CONNECT_TIMEOUT_MILLIS = 10_000;
    /** How long a wait for the broker's answer goes without looking whether the bridge stops. */
    private static final long WAIT_SLICE_MILLIS = 100;
    /** Longest wait for an attempt's CONNECT to be written before its connection is closed. */
    private static final long FIRST_WRITE_MILLIS = 1000;

    private final ClientFactory clients;
    private final String broker;
    private final MqttConnectionOptions options;
    private final List<Mapping> inbound;
    private final Backoff backoff;
    private final BridgeCounters counters;
    private final String bridge;

    private BridgeState state = BridgeState.CONNECTING;
    private boolean running = true;
    private boolean connected;
    private MqttAsyncClient client;
    private MqttAsyncClient attempt;
    private long generation;
    private String lastError = "";

    Connector(String bridge, ClientFactory clients, MqttConnectionOptions options, List<Mapping> inbound,
            BridgeSettings settings, BridgeCounters counters) {
        this.bridge = bridge;
        this.clients = clients;
        this.broker = settings.brokerUri().toString();
        this.options = options;
        this.inbound = List.copyOf(inbound);
        this.backoff = new Backoff(settings.reconnectMin(), settings.reconnectMax(), ThreadLocalRandom.current());
        this.counters = counters;
    }

    @Override
    public void run() {
        while (isRunning()) {
            setState(BridgeState.CONNECTING);
            MqttAsyncClient c = null;
            try {
                c = clients.create();
                setAttempt(c);
                await(c.connect(options), "CONNECT");
                subscribe(c);
                connected(c);
                awaitLoss();
            } catch (MqttException | RuntimeException e) {
                lost(c, e.toString());
            }
            discard(c);
            if (!isRunning()) {
                break;
            }
            long delay = backoff.nextMillis();
            LOG.info("bridge {}: broker {} unreachable ({}); next attempt in {} ms", bridge, broker, lastError(), delay);
            setState(BridgeState.WAITING);
            sleep(delay);
        }
        setState(BridgeState.STOPPED);
    }

    private void subscribe(MqttAsyncClient client) throws MqttException {
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
        await(token, "SUBSCRIBE");
        int[] codes = token.getReasonCodes();
        for (int i = 0; codes != null && i < codes.length && i < inbound.size(); i++) {
            if (codes[i] >= 0x80) {
                LOG.error("bridge {}: the broker refused the subscription to {} (reason code 0x{})", bridge,
                        inbound.get(i).topic(), Integer.toHexString(codes[i]));
            }
        }
    }

    /**
     * Waits for the broker's answer to {@code what} at most {@link #CONNECT_TIMEOUT_MILLIS}, in
     * slices, so that a stop ends the wait for a broker that does not answer.
     *
     * @throws MqttException the token's failure, or a timeout or stop (reason CLIENT_TIMEOUT)
     */
    private void await(IMqttToken token, String what) throws MqttException {
        long end = System.nanoTime() + CONNECT_TIMEOUT_MILLIS * 1_000_000L;
        while (!token.isComplete()) {
            if (!isRunning() || System.nanoTime() - end > 0) {
                throw new MqttException(MqttClientException.REASON_CODE_CLIENT_TIMEOUT, new IllegalStateException(
                        (isRunning() ? "no answer to " + what + " within " + CONNECT_TIMEOUT_MILLIS + " ms"
                                : "stopped while waiting for the answer to " + what)));
            }
            try {
                token.waitForCompletion(WAIT_SLICE_MILLIS);
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_CLIENT_TIMEOUT) {
                    throw e;
                }
            }
        }
        if (token.getException() != null) {
            throw token.getException();
        }
    }

    private synchronized void connected(MqttAsyncClient c) {
        client = c;
        connected = true;
        generation++;
        state = BridgeState.CONNECTED;
        backoff.reset();
        counters.connections.increment();
        notifyAll();
        LOG.info("bridge {}: connected to {}", bridge, broker);
    }

    private synchronized void awaitLoss() {
        while (running && connected) {
            waitQuietly(0);
        }
    }

    /**
     * The connection of client {@code c} was lost (its callback), or an attempt with it failed
     * ({@code c} null if it could not even be made); a client of an earlier attempt changes nothing.
     */
    synchronized void lost(MqttAsyncClient c, String why) {
        if (c == null || c == client || !connected) {
            connected = false;
            lastError = why;
            notifyAll();
        }
    }

    /** Waits at most {@code millis} for a connection; null if none. */
    synchronized Connection awaitConnected(long millis) {
        if (running && !connected) {
            waitQuietly(millis);
        }
        return running && connected ? new Connection(client, generation) : null;
    }

    /**
     * Whether {@code c} is the client of the attempt under way or of the connection that is up: a
     * callback of {@code c} may still get messages.
     */
    synchronized boolean isReceiving(MqttAsyncClient c) {
        return running && c == attempt;
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

    /** Ends the thread's loop (an attempt under way within a wait slice); the caller joins the thread. */
    synchronized void stop() {
        running = false;
        notifyAll();
    }

    private synchronized void setAttempt(MqttAsyncClient c) {
        attempt = c;
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

    /**
     * Ends an attempt's client: a clean disconnect when the bridge stops (its DISCONNECT sent
     * within 2 s), then always a forced one and a close, so that no attempt leaves its socket and
     * threads behind (a client whose CONNECT was never answered refuses a plain close, and a
     * plain disconnect's thread waits for good for a DISCONNECT a broker that stopped reading
     * never takes).
     */
    private void discard(MqttAsyncClient c) {
        if (c == null) {
            return;
        }
        synchronized (this) {
            connected = false;
            attempt = null;
        }
        try {
            if (c.isConnected() && !isRunning()) {
                // on this thread: a DISCONNECT a broker never reads must not keep a client thread waiting
                c.disconnectForcibly(1000, 2000, true);
            }
        } catch (MqttException | RuntimeException e) {
            LOG.debug("bridge {}: disconnect: {}", bridge, e.toString());
        }
        shutDown(c);
    }

    /** Closes a client's connection, whatever its state, and the client. */
    private void shutDown(MqttAsyncClient c) {
        if (!c.isConnected() && options.getSocketFactory() instanceof FirstWrites packets) {
            try {
                packets.awaitFirstWrite(FIRST_WRITE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        disconnectForcibly(c);
        try {
            c.close(true);
        } catch (MqttException e) {
            LOG.warn("bridge {}: the MQTT client of an attempt could not be closed: {}", bridge, e.toString());
        }
    }

    /** Closes a client's connection, whatever its state (connecting too). */
    private void disconnectForcibly(MqttAsyncClient c) {
        try {
            c.disconnectForcibly(0, 0, false);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("bridge {}: forced disconnect: {}", bridge, e.toString());
        }
    }
}
