package org.multios.ipc.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.spi.LocalIdentity;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.PosixCaller;
import org.multios.ipc.spi.QuotaLedger;
import org.multios.ipc.spi.RuntimeView;

/** The {@link IpcContext} of {@link org.multios.ipc.Ipc#open}: one OS process, POSIX access. */
public final class LocalContext implements IpcContext {
    private final PosixCaller caller;
    private final Map<Class<?>, Binding<?>> bindings = new LinkedHashMap<>();
    private final RuntimeView runtime;
    private volatile boolean closed;

    /** Starts every mechanism the factories make, in the given environment. */
    public LocalContext(IpcEnvironment environment, Iterable<MechanismFactory> factories) {
        IpcProcess self = LocalIdentity.currentProcess();
        this.caller = new PosixCaller(self, new QuotaLedger(self.toString(), Map.of()));
        for (MechanismFactory factory : factories) {
            MechanismProvider<?> provider = factory.create(environment);
            bindings.put(provider.apiType(), new Binding<>(factory, provider, caller));
        }
        List<MechanismProvider<?>> providers = new ArrayList<>();
        bindings.values().forEach(b -> providers.add(b.provider));
        this.runtime = new RuntimeView(self, () -> providers, () -> List.of(self), environment::limits);
    }

    @Override
    public IpcProcess process() {
        return caller.process();
    }

    @Override
    public IpcRuntime runtime() {
        return runtime;
    }

    @Override
    public <S> S service(Class<S> type) {
        if (closed) {
            throw IpcException.closed("IPC context of " + caller.process());
        }
        Binding<?> binding = bindings.get(type);
        if (binding == null) {
            throw new IpcException(IpcError.UNAVAILABLE, "no mechanism on the class path provides " + type.getName());
        }
        return type.cast(binding.service);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Binding<?> b : bindings.values()) {
            b.provider.release(caller);
            b.factory.close(b.provider);
        }
    }

    private static final class Binding<S> {
        final MechanismFactory factory;
        final MechanismProvider<S> provider;
        final S service;

        Binding(MechanismFactory factory, MechanismProvider<S> provider, PosixCaller caller) {
            this.factory = factory;
            this.provider = provider;
            this.service = provider.bind(caller);
        }
    }
}
