package org.multios.ipc.channels.pipe;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.spi.CallerContext;

/** The pipe ends one calling process holds; closing the session closes them all. */
final class PipeSession {
    private final CallerContext caller;
    private final Set<PipeEnd> ends = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    PipeSession(CallerContext caller) {
        this.caller = caller;
    }

    CallerContext caller() {
        return caller;
    }

    boolean isClosed() {
        return closed;
    }

    <E extends PipeEnd> E track(E end) {
        ends.add(end);
        if (closed) {
            end.close();
        }
        return end;
    }

    void forget(PipeEnd end) {
        ends.remove(end);
    }

    int size() {
        return ends.size();
    }

    /** Closes every end: their waiters wake with CLOSED, unnamed pipes whose ends are all closed go. */
    void close() {
        closed = true;
        for (PipeEnd e : new ArrayList<>(ends)) {
            e.close();
        }
    }
}
