package org.multios.ipc.mqtt.internal;

import java.util.Collections;
import java.util.Enumeration;

import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;

/**
 * A persistence that keeps nothing, so that the MQTT client has nothing of its own to resend
 * when it connects again: the bridge's {@link Publisher} owns every unacknowledged message and
 * publishes it again itself. (Paho 1.2.5 resending its stored publishes into a resumed session
 * made Mosquitto 2.0 drop the connection as a protocol error at every attempt.)
 * <p>
 * It is also where an inbound QoS 2 message can be held up before the client takes it over: the
 * client's reader stores each one (key {@code r-<packet id>}) before it queues the message for the
 * callback and sends PUBREC, so a {@link ReceiveGate} that waits here keeps the broker holding what
 * follows, one that records the message keeps it over a restart, and one that refuses (an exception
 * ends the connection) leaves the message the broker's, to be sent again after the reconnect.
 */
final class NoPersistence implements MqttClientPersistence {
    /** Decides, on the client's reader thread, whether an inbound QoS 2 message may be taken over. */
    interface ReceiveGate {
        /**
         * Returns when {@code message} may be taken over, possibly after waiting.
         *
         * @throws MqttPersistenceException if it may not: the connection is to end without a PUBREC
         */
        void admit(MqttPublish message) throws MqttPersistenceException;
    }

    private static final String RECEIVED_PREFIX = "r-";
    private final ReceiveGate gate;

    /** A persistence that admits every message. */
    NoPersistence() {
        this(message -> { });
    }

    NoPersistence(ReceiveGate gate) {
        this.gate = gate;
    }

    @Override
    public void open(String clientId) {
    }

    @Override
    public void close() {
    }

    @Override
    public void put(String key, MqttPersistable persistable) throws MqttPersistenceException {
        if (key.startsWith(RECEIVED_PREFIX) && persistable instanceof MqttPublish message) {
            gate.admit(message);
        }
    }

    @Override
    public MqttPersistable get(String key) {
        return null;
    }

    @Override
    public void remove(String key) {
    }

    @Override
    public Enumeration<String> keys() {
        return Collections.emptyEnumeration();
    }

    @Override
    public void clear() {
    }

    @Override
    public boolean containsKey(String key) {
        return false;
    }
}
