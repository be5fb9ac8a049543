package org.multios.ipc.mqtt.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message ids a bridge received last, to recognise the duplicates QoS 1 brings after a
 * reconnect (the publisher did not see the acknowledgement and sent again). Bounded: the oldest
 * id is forgotten when {@code capacity} more have arrived, far more than a publisher can have in
 * flight. Thread-safe.
 */
final class RecentIds {
    private final Map<String, Boolean> ids;

    RecentIds(int capacity) {
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Whether {@code id} is new; it is remembered either way. */
    synchronized boolean firstTime(String id) {
        return ids.put(id, Boolean.TRUE) == null;
    }

    /** Forgets {@code id}: its message was not delivered and will come again. */
    synchronized void forget(String id) {
        ids.remove(id);
    }
}
