package org.multios.ipc.mqtt.internal;

import java.util.Collections;
import java.util.Enumeration;

import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.common.MqttPersistable;

/**
 * A persistence that keeps nothing, so that the MQTT client has nothing of its own to resend
 * when it connects again: the bridge's {@link Publisher} owns every unacknowledged message and
 * publishes it again itself. (Paho 1.2.5 resending its stored publishes into a resumed session
 * made Mosquitto 2.0 drop the connection as a protocol error at every attempt.)
 */
final class NoPersistence implements MqttClientPersistence {
    @Override
    public void open(String clientId) {
    }

    @Override
    public void close() {
    }

    @Override
    public void put(String key, MqttPersistable persistable) {
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
