package org.multios.ipc.sync.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.ObjectType;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.core.mapped.SleeperWatch;
import org.multios.ipc.core.mapped.WaitLoop;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.ConfigurableMechanism;
import org.multios.ipc.spi.SessionMechanism;

/**
 * What the synchronization mechanisms share: the object store, a session per caller, and
 * closing everything when the mechanism stops (waiters wake with CLOSED; named objects stay).
 *
 * @param <S> the API service type
 */
abstract class SyncMechanismBase<S> extends SessionMechanism<S, SyncSession> implements ConfigurableMechanism<S> {
    final SyncStore store;
    private final Set<ObjectType> types;
    private volatile IpcEnvironment environment;
    private volatile WaitStrategy defaultWaitStrategy = WaitStrategy.ADAPTIVE;
    private volatile ProcessMaps maps = ProcessMaps.system();
    /** Wakes this mechanism's sleepers that are interrupted or must stop (see {@link SleeperWatch}). */
    private final SleeperWatch sleepers;

    SyncMechanismBase(Class<S> apiType, IpcEnvironment environment, Set<ObjectType> types) {
        super(apiType, "the " + types.iterator().next().label() + " mechanism", SyncSession::close, SyncSession::size);
        this.environment = environment;
        this.types = types;
        this.store = new SyncStore(environment, () -> this.environment, () -> this.defaultWaitStrategy, types);
        this.sleepers = new SleeperWatch(types.size() == 1 ? types.iterator().next().label() : "sync");
    }

    /** Applies changed limits to later operations. */
    public void environment(IpcEnvironment changed) {
        this.environment = changed;
    }

    @Override
    public void defaultWaitStrategy(WaitStrategy strategy) {
        this.defaultWaitStrategy = strategy;
    }

    /** Writes an object's own wait strategy over the platform default, if it has one. */
    static void waitStrategy(MappedRegion region, WaitStrategy strategy) {
        if (strategy != null) {
            region.putInt(SyncDescriptor.WAIT_STRATEGY, WaitLoop.word(strategy));
        }
    }

    /** The capacity {@code info} reports for an object of the kind, read from its page. */
    abstract long capacity(ObjectType type, MappedRegion region);

    @Override
    protected SyncSession open(CallerContext caller) {
        return new SyncSession(caller, sleepers);
    }

    @Override
    public void releasing() {
        sessions().forEach(SyncSession::markClosed);
    }

    /** Stops the mechanism: every handle closes and every waiter wakes with CLOSED. */
    @Override
    public void close() {
        super.close();
        sleepers.close();
    }

    @Override
    public List<ObjectInfo> objects() {
        List<ObjectInfo> all = new ArrayList<>();
        for (ObjectType t : types) {
            all.addAll(store.list(t, region -> capacity(t, region)));
        }
        return all;
    }

    /** Removes the named objects whose creator is gone and that nobody maps: see {@link SyncStore#collectStale}. */
    @Override
    public StaleCollection collectStaleObjects() {
        StaleCollection all = StaleCollection.NONE;
        for (ObjectType t : types) {
            all = all.and(store.collectStale(t, maps, region -> capacity(t, region)));
        }
        return all;
    }

    /** Makes {@link #collectStale()} consult only these processes' maps (tests). */
    void maps(ProcessMaps processMaps) {
        this.maps = processMaps;
    }

}
