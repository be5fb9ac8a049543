package org.multios.ipc.channels.ring;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.ConfigurableMechanism;

/**
 * What the message queue and channel mechanisms share: the limits in force (changed by their
 * configuration), the wait strategy of objects created without one of their own, their callers'
 * sessions ({@link PortSessions}), closing, and the processes a collection of stale objects
 * consults.
 *
 * @param <S> the API service type
 */
public abstract class PortMechanism<S> implements ConfigurableMechanism<S> {
    private final PortSessions sessions;
    private volatile IpcEnvironment environment;
    private volatile WaitStrategy defaultWaitStrategy = WaitStrategy.ADAPTIVE;
    private volatile ProcessMaps maps = ProcessMaps.system();

    /** @param kind the objects' kind as messages name it: "channel", "message queue" */
    protected PortMechanism(IpcEnvironment environment, String kind) {
        this.environment = environment;
        this.sessions = new PortSessions("the " + kind + " mechanism", "the " + kind + " service",
                kind.replace(' ', '-'));
    }

    @Override
    public final void environment(IpcEnvironment changed) {
        this.environment = changed;
    }

    /** The environment (root and limits) in force. */
    protected final IpcEnvironment environment() {
        return environment;
    }

    @Override
    public final void defaultWaitStrategy(WaitStrategy strategy) {
        this.defaultWaitStrategy = strategy;
    }

    /** The wait strategy of objects created from now on whose options name none. */
    protected final WaitStrategy defaultWaitStrategy() {
        return defaultWaitStrategy;
    }

    @Override
    public final S bind(CallerContext caller) {
        checkOpen();
        return service(sessions.bind(caller));
    }

    /** The service bound to a caller's session. */
    protected abstract S service(PortSession session);

    @Override
    public final void release(CallerContext caller) {
        sessions.release(caller);
    }

    @Override
    public final void releasing() {
        sessions.releasing();
    }

    /** Stops the mechanism: every handle closes, waiters wake with CLOSED; named objects stay. */
    @Override
    public void close() {
        sessions.close();
    }

    @Override
    public final int connectionCount() {
        return sessions.connectionCount();
    }

    /** Makes {@link #collectStale()} consult only these processes' maps (tests). */
    public final void maps(ProcessMaps processMaps) {
        this.maps = processMaps;
    }

    /** The processes a collection consults. */
    protected final ProcessMaps maps() {
        return maps;
    }

    /** @throws IpcException CLOSED once the mechanism is closed */
    protected final void checkOpen() {
        sessions.checkOpen();
    }
}
