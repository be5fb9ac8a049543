package org.multios.ipc.mqtt.internal;

/** Where a bridge's connection to its broker stands. */
public enum BridgeState {
    /** Waiting for the objects of its mappings to exist ({@link BridgeOpening}); not connected. */
    OPENING,
    /** Connecting (first time, or again after an outage). */
    CONNECTING,
    /** Connected and subscribed: messages flow. */
    CONNECTED,
    /** The last attempt failed or the connection was lost; waiting to try again. */
    WAITING,
    /** Closed: the configuration was removed or the bundle stopped. */
    STOPPED
}
