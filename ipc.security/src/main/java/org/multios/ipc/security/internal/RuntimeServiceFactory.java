package org.multios.ipc.security.internal;

import java.util.Collection;
import java.util.function.Supplier;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.RuntimeView;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;

/** Publishes {@link IpcRuntime} per calling bundle; getting it registers the bundle as an IPC process. */
final class RuntimeServiceFactory implements ServiceFactory<IpcRuntime> {
    private final Sessions sessions;
    private final Supplier<Collection<MechanismProvider<?>>> providers;
    private final Supplier<IpcLimits> limits;

    RuntimeServiceFactory(Sessions sessions, Supplier<Collection<MechanismProvider<?>>> providers,
            Supplier<IpcLimits> limits) {
        this.sessions = sessions;
        this.providers = providers;
        this.limits = limits;
    }

    @Override
    public IpcRuntime getService(Bundle bundle, ServiceRegistration<IpcRuntime> registration) {
        try {
            return new RuntimeView(sessions.acquire(bundle).process(), providers, sessions::processes, limits);
        } catch (IpcException noPolicy) {
            return null;
        }
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<IpcRuntime> registration, IpcRuntime service) {
        sessions.release(bundle);
    }
}
