package org.multios.ipc.mqtt.internal;

import java.util.Locale;

import org.multios.ipc.IpcException;

/** What a bridge does with an outbound message when its store queue is full. */
enum Overflow {
    /** Leave it in its source object: the source fills, and its senders wait or fail as it says. */
    BLOCK,
    /** Discard the message at the head of the store (the highest priority, oldest), counted. */
    DROP_OLDEST,
    /** Discard the new message, counted. */
    REJECT;

    /** {@code block}, {@code drop-oldest} or {@code reject}. */
    static Overflow parse(String text) {
        for (Overflow o : values()) {
            if (o.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return o;
            }
        }
        throw IpcException.invalidArgument("expected block, drop-oldest or reject, found '" + text + "'");
    }

    String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
