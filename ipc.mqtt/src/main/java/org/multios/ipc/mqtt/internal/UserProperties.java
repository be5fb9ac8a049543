package org.multios.ipc.mqtt.internal;

/** The MQTT 5 user properties a bridge adds to what it publishes and reads from what it receives. */
final class UserProperties {
    /** The IPC priority, 0..31; absent means 0 (a foreign publisher). */
    static final String PRIORITY = "ipc-priority";
    /** Who sent the message into the bridged object, e.g. {@code bundle 42 pid 1234}. */
    static final String SENDER = "ipc-sender";
    /** The message id duplicates are recognised by ({@code origin-sequence}, hexadecimal, {@link MessageIds}). */
    static final String ID = "ipc-id";
    /** The client id of the bridge that published. */
    static final String BRIDGE = "ipc-bridge";

    private UserProperties() {
    }
}
