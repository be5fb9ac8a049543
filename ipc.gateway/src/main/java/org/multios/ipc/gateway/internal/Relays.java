package org.multios.ipc.gateway.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The connections {@link HttpOnFirstUse} relays to Jetty, at most a number of them open at once:
 * each holds two threads, and a client could open many while Jetty starts.
 */
final class Relays {
    private final int max;
    private final List<ConnectionRelay> open = new ArrayList<>();

    Relays(int max) {
        this.max = max;
    }

    /** Adds {@code relay} unless {@code max} relays are still open; returns whether it was added. */
    synchronized boolean admit(ConnectionRelay relay) {
        open.removeIf(ConnectionRelay::isClosed);
        if (open.size() >= max) {
            return false;
        }
        open.add(relay);
        return true;
    }

    /** The relays added and not yet seen closed. */
    synchronized List<ConnectionRelay> open() {
        return List.copyOf(open);
    }
}
