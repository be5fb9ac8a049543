package org.multios.ipc.channels.pipe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.core.mapped.RootHoldings;
import org.multios.ipc.core.mapped.StaleObjects;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.ConfigurableMechanism;
import org.multios.ipc.spi.SessionMechanism;

/**
 * Pipes as a mechanism, plain Java: unnamed pipes on the heap, named pipes as FIFOs in
 * {@code <root>/pipe}, a session per caller. Stopping closes every end, so every waiter wakes
 * with CLOSED; named pipes stay. It starts no thread.
 */
public final class PipeMechanism extends SessionMechanism<PipeService, PipeSession>
        implements ConfigurableMechanism<PipeService> {
    private final Map<Long, UnnamedPipe> unnamed = new ConcurrentHashMap<>();
    private final Map<String, PipeCounters> namedCounters = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final FifoDirectory fifos;
    private final RootHoldings holdings = new RootHoldings(() -> this.environment);
    private volatile IpcEnvironment environment;
    private volatile ProcessMaps processes = ProcessMaps.system();
    private volatile PipeHook hook;
    private volatile WaitStrategy defaultWaitStrategy = WaitStrategy.ADAPTIVE;

    /** A mechanism working in the given environment. */
    public PipeMechanism(IpcEnvironment environment) {
        super(PipeService.class, "the pipe mechanism", PipeSession::close, PipeSession::size);
        this.environment = environment;
        this.fifos = new FifoDirectory(environment);
    }

    /** Applies changed limits to later operations (the root stays). */
    public void environment(IpcEnvironment changed) {
        this.environment = changed;
    }

    /** The strategy of pipe ends without their own (PID {@value org.multios.ipc.spi.PlatformConfiguration#WAIT_PID}); applies to waits that start later. */
    public void defaultWaitStrategy(WaitStrategy strategy) {
        this.defaultWaitStrategy = strategy;
    }

    WaitStrategy defaultWaitStrategy() {
        return defaultWaitStrategy;
    }

    IpcEnvironment environment() {
        return environment;
    }

    FifoDirectory fifos() {
        return fifos;
    }

    /** What the IPC root holds, counted for every named create. */
    RootHoldings holdings() {
        return holdings;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    /** Pipes alive now: unnamed ones of this JVM and FIFOs in the pipe directory. */
    long liveCount() {
        return unnamed.size() + (long) fifos.names().size();
    }

    void register(UnnamedPipe pipe) {
        unnamed.put(pipe.id(), pipe);
    }

    void forget(UnnamedPipe pipe) {
        unnamed.remove(pipe.id());
    }

    PipeCounters countersOf(String name) {
        return namedCounters.computeIfAbsent(name, n -> new PipeCounters());
    }

    /** A FIFO was unlinked: its counters go. */
    void unlinked(String name) {
        namedCounters.remove(name);
    }

    /** Installs a test hook for the sessions of this mechanism (null: none). */
    void hook(PipeHook testHook) {
        this.hook = testHook;
    }

    private void at(int step) {
        PipeHook h = hook;
        if (h != null) {
            h.at(step);
        }
    }

    @Override
    protected PipeSession open(CallerContext caller) {
        return new PipeSession(caller, this::at, this::defaultWaitStrategy);
    }

    @Override
    protected PipeService service(PipeSession session) {
        return new SessionPipeService(this, session);
    }

    @Override
    public List<ObjectInfo> objects() {
        List<ObjectInfo> all = new ArrayList<>();
        for (UnnamedPipe p : unnamed.values()) {
            all.add(p.info().withWaitStrategy(defaultWaitStrategy));
        }
        for (String name : fifos.names()) {
            all.add(new NamedPipe(name, fifos.inode(name), fifos, countersOf(name)).info()
                    .withWaitStrategy(defaultWaitStrategy));
        }
        return all;
    }

    /** Makes {@link #collectStale()} consult only these processes' descriptors (tests). */
    public void processes(ProcessMaps processes) {
        this.processes = processes;
    }

    /**
     * Removes the named pipes whose creator is dead for certain and that no process has open
     * ({@link StaleObjects#fifos}): a FIFO nobody has open holds no data.
     */
    @Override
    public StaleCollection collectStaleObjects() {
        StaleCollection collected = fifos.stale().collectStale(processes, () -> { });
        for (ObjectInfo o : collected.removed()) {
            unlinked(o.displayName());
        }
        return collected;
    }
}
