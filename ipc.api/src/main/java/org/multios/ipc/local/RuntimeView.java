package org.multios.ipc.local;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.spi.MechanismProvider;

/**
 * An {@link IpcRuntime} assembled from the mechanism providers present now: the registry of
 * live objects is the union of theirs. Used by ipc.security and the plain-Java bootstrap.
 */
public final class RuntimeView implements IpcRuntime {
    private static final Comparator<ObjectInfo> ORDER = Comparator.comparing(ObjectInfo::type)
            .thenComparing(ObjectInfo::displayName);

    private final IpcProcess caller;
    private final Supplier<? extends Collection<? extends MechanismProvider<?>>> providers;
    private final Supplier<? extends List<IpcProcess>> processes;
    private final Supplier<IpcLimits> limits;

    /**
     * @param caller    the process this view is for
     * @param providers the providers present now
     * @param processes the IPC processes known now
     * @param limits    the limits in force now
     */
    public RuntimeView(IpcProcess caller, Supplier<? extends Collection<? extends MechanismProvider<?>>> providers,
            Supplier<? extends List<IpcProcess>> processes, Supplier<IpcLimits> limits) {
        this.caller = caller;
        this.providers = providers;
        this.processes = processes;
        this.limits = limits;
    }

    @Override
    public IpcProcess currentProcess() {
        return caller;
    }

    @Override
    public List<IpcProcess> processes() {
        return List.copyOf(processes.get());
    }

    @Override
    public int connectionCount() {
        int n = 0;
        for (MechanismProvider<?> p : providers.get()) {
            n += p.connectionCount();
        }
        return n;
    }

    @Override
    public List<ObjectInfo> objects() {
        List<ObjectInfo> all = new ArrayList<>();
        for (MechanismProvider<?> p : providers.get()) {
            all.addAll(p.objects());
        }
        all.sort(ORDER);
        return all;
    }

    @Override
    public List<ObjectInfo> objects(ObjectType type) {
        return objects().stream().filter(o -> o.type() == type).toList();
    }

    @Override
    public Optional<ObjectInfo> object(ObjectType type, String name) {
        return objects().stream().filter(o -> o.type() == type && o.name().filter(name::equals).isPresent())
                .findFirst();
    }

    @Override
    public IpcLimits limits() {
        return limits.get();
    }

    @Override
    public List<ObjectInfo> collectStale() {
        return collectStaleObjects().removed();
    }

    @Override
    public StaleCollection collectStaleObjects() {
        StaleCollection all = StaleCollection.NONE;
        for (MechanismProvider<?> p : providers.get()) {
            all = all.and(p.collectStaleObjects());
        }
        return all;
    }
}
