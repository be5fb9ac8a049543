package org.multios.ipc.mqtt.internal;

/** One MQTT bridge in JMX: {@code org.multios.ipc:type=MqttBridge,name=<client id>}. */
public interface MqttBridgeMXBean {
    /** connecting, connected, waiting or stopped. */
    String getState();

    /** The broker URI. */
    String getBroker();

    /** Messages waiting in the store queue. */
    int getQueued();

    /** Outbound messages the broker acknowledged. */
    long getSent();

    /** Inbound messages delivered. */
    long getReceived();

    /**
     * Inbound messages of QoS 1 and 2 not yet delivered: held for an object that had no room, those
     * behind them, and those on their way.
     */
    int getHeld();

    /** Messages dropped in either direction. */
    long getDropped();

    /** Inbound duplicates dropped. */
    long getDuplicates();

    /** Connections made to the broker. */
    long getConnections();

    /** Why the last connection ended, or empty. */
    String getLastError();
}
