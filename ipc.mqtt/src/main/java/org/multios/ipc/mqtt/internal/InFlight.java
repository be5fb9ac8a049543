package org.multios.ipc.mqtt.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Outbound messages taken from the store queue and handed to the MQTT client, not yet
 * acknowledged, in the order they were taken: after a reconnect they are published again in that
 * order (the receiving side drops the copies it already had), and when the bridge stops they go
 * back into the store queue. Thread-safe.
 */
final class InFlight {
    private final Set<StoredMessage> messages = new LinkedHashSet<>();

    synchronized void add(StoredMessage m) {
        messages.add(m);
    }

    /** Removes an acknowledged message; false if it was no longer here (acknowledged twice). */
    synchronized boolean remove(StoredMessage m) {
        return messages.remove(m);
    }

    /** The messages in flight, oldest first. */
    synchronized List<StoredMessage> snapshot() {
        return new ArrayList<>(messages);
    }

    /** Removes and returns every message in flight, oldest first. */
    synchronized List<StoredMessage> drain() {
        List<StoredMessage> all = new ArrayList<>(messages);
        messages.clear();
        return all;
    }
}
