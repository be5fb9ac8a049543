package org.multios.ipc.channels.ring;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.ConfigurableMechanism;
import org.multios.ipc.spi.SessionMechanism;

/**
 * What the message queue and channel mechanisms share: the limits in force (changed by their
 * configuration), the wait strategy of objects created without one of their own, their callers'
 * sessions ({@link PortSessions}), closing, and the processes a collection of stale objects
 * consults.
 *
 * @param <S> the API service type
 */
public abstract class PortMechanism<S> extends SessionMechanism<S, PortSession> implements ConfigurableMechanism<S> {
    private final PortSessions sessions;
    private volatile IpcEnvironment environment;
    private volatile WaitStrategy defaultWaitStrategy = WaitStrategy.ADAPTIVE;
    private volatile ProcessMaps maps = ProcessMaps.system();

    /**
     * @param apiType the API service type
     * @param kind    the objects' kind as messages name it: "channel", "message queue"
     */
    protected PortMechanism(Class<S> apiType, IpcEnvironment environment, String kind) {
        super(apiType, "the " + kind + " mechanism", PortSession::close, PortSession::size);
        this.environment = environment;
        this.sessions = new PortSessions("the " + kind + " service", kind.replace(' ', '-'));
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
    protected final PortSession open(CallerContext caller) {
        return sessions.open(caller);
    }

    @Override
    public final void releasing() {
        sessions.releasing();
    }

    /** Stops the mechanism: every handle closes, waiters wake with CLOSED; named objects stay. */
    @Override
    public void close() {
        super.close();
        sessions.close();
    }

    /** Makes {@link #collectStale()} consult only these processes' maps (tests). */
    public final void maps(ProcessMaps processMaps) {
        this.maps = processMaps;
    }

    /** The processes a collection consults. */
    protected final ProcessMaps maps() {
        return maps;
    }
}
