package org.multios.ipc.channels.pipe;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.multios.ipc.WaitStrategy;

import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.SessionGate;

/**
 * The pipe ends one calling process holds, and the FIFOs it created. Closing the session (its
 * release) waits for service calls under way, so nothing it did appears after the release, then
 * closes every end and gives back the quota of its FIFOs: they outlive it, but no longer count
 * against it.
 */
final class PipeSession {
    private final CallerContext caller;
    private final PipeHook hook;
    private final Set<PipeEnd<?>> ends = ConcurrentHashMap.newKeySet();
    private final SessionGate calls;
    private final Supplier<WaitStrategy> defaultWaitStrategy;

    /** A session whose ends wait {@link WaitStrategy#ADAPTIVE} unless told otherwise. */
    PipeSession(CallerContext caller, PipeHook hook) {
        this(caller, hook, () -> WaitStrategy.ADAPTIVE);
    }

    /** A session whose ends wait as {@code defaultWaitStrategy} says now, unless told otherwise. */
    PipeSession(CallerContext caller, PipeHook hook, Supplier<WaitStrategy> defaultWaitStrategy) {
        this.caller = caller;
        this.hook = hook;
        this.defaultWaitStrategy = defaultWaitStrategy;
        this.calls = new SessionGate("the pipe service of " + caller.process());
    }

    CallerContext caller() {
        return caller;
    }

    SessionGate gate() {
        return calls;
    }

    boolean isClosed() {
        return calls.isClosed();
    }

    /** The strategy of ends without their own: the platform default now. */
    WaitStrategy defaultWaitStrategy() {
        return defaultWaitStrategy.get();
    }

    void at(int step) {
        hook.at(step);
    }

    /**
     * Starts a service call; {@link #exit()} ends it.
     *
     * @throws IpcException CLOSED once the session is closed
     */
    void enter() {
        calls.enter();
    }

    void exit() {
        calls.exit();
    }

    <E extends PipeEnd<?>> E track(E end) {
        ends.add(end);
        end.watchRevocation();
        if (calls.isClosed()) {
            end.close();
        }
        return end;
    }

    void forget(PipeEnd<?> end) {
        ends.remove(end);
    }

    int size() {
        return ends.size();
    }

    /**
     * Closes the session once the service calls under way have ended: every end closes (their
     * waiters wake with CLOSED, unnamed pipes whose ends are all closed go). The FIFOs it created
     * hold no quota here: the root counts them while they exist.
     */
    void close() {
        calls.close();
        for (PipeEnd<?> e : new ArrayList<>(ends)) {
            e.close();
        }
    }
}
