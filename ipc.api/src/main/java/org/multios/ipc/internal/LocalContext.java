package org.multios.ipc.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.local.PosixCaller;
import org.multios.ipc.local.RuntimeView;

/** The {@link IpcContext} of {@link org.multios.ipc.Ipc#open}: one OS process, POSIX access. */
public final class LocalContext implements IpcContext {
    private final PosixCaller caller;
    private final Map<Class<?>, Binding<?>> bindings = new LinkedHashMap<>();
    private final RuntimeView runtime;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Starts every mechanism the factories make, in the given environment. If one fails, or two
     * provide the same API type, those already started are stopped again.
     *
     * @throws IpcException INVALID_ARGUMENT if two mechanisms provide the same API type
     */
    public LocalContext(IpcEnvironment environment, Iterable<MechanismFactory> factories) {
        IpcProcess self = LocalIdentity.currentProcess();
        this.caller = PosixCaller.unlimited(self);
        try {
            for (MechanismFactory factory : factories) {
                start(factory, environment);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        List<MechanismProvider<?>> providers = new ArrayList<>();
        bindings.values().forEach(b -> providers.add(b.provider));
        this.runtime = new RuntimeView(self, () -> providers, () -> List.of(self), environment::limits);
    }

    private void start(MechanismFactory factory, IpcEnvironment environment) {
        MechanismProvider<?> provider = factory.create(environment);
        Binding<?> existing = bindings.get(provider.apiType());
        if (existing != null) {
            factory.close(provider);
            throw IpcException.invalidArgument("two mechanisms provide " + provider.apiType().getName() + ": "
                    + existing.factory.getClass().getName() + " and " + factory.getClass().getName());
        }
        try {
            bindings.put(provider.apiType(), new Binding<>(factory, provider, caller));
        } catch (RuntimeException e) {
            factory.close(provider);
            throw e;
        }
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
        if (closed.get()) {
            throw IpcException.closed("IPC context of " + caller.process());
        }
        Binding<?> binding = bindings.get(type);
        if (binding == null) {
            throw new IpcException(IpcError.UNAVAILABLE, "no mechanism on the class path provides " + type.getName());
        }
        return type.cast(binding.service);
    }

    /** Releases this process's handles and stops every mechanism, each even if another fails. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException failure = null;
        for (Binding<?> b : bindings.values()) {
            try {
                b.provider.release(caller);
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
            try {
                b.factory.close(b.provider);
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException add(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
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
