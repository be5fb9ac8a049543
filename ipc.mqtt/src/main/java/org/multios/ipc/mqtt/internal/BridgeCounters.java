package org.multios.ipc.mqtt.internal;

import java.util.concurrent.atomic.LongAdder;

/** What one bridge counted since it started. Thread-safe. */
final class BridgeCounters {
    /** Outbound messages taken from their objects into the store queue. */
    final LongAdder stored = new LongAdder();
    /** Outbound messages the broker acknowledged (QoS 1, 2) or that were written to it (QoS 0). */
    final LongAdder sent = new LongAdder();
    /** Inbound messages delivered into their objects. */
    final LongAdder received = new LongAdder();
    /** Outbound messages discarded by the overflow policy or refused by the broker. */
    final LongAdder droppedOutbound = new LongAdder();
    /** Inbound messages larger than the configured maximum. */
    final LongAdder oversized = new LongAdder();
    /** Inbound messages whose properties or payload do not parse. */
    final LongAdder malformed = new LongAdder();
    /** Inbound messages with an id seen before (QoS 1 redelivery). */
    final LongAdder duplicates = new LongAdder();
    /** Inbound messages their object did not take (full past the timeout, denied, closed). */
    final LongAdder undelivered = new LongAdder();
    /** Connections made to the broker. */
    final LongAdder connections = new LongAdder();

    /** Every message dropped, whatever the reason (duplicates included). */
    long dropped() {
        return droppedOutbound.sum() + oversized.sum() + malformed.sum() + duplicates.sum() + undelivered.sum();
    }
}
