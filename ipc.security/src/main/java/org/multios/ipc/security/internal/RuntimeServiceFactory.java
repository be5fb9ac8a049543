package org.multios.ipc.security.internal;

import java.util.Collection;
import java.util.function.Supplier;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.local.RuntimeView;
import org.multios.ipc.spi.TrustedBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;

/**
 * Publishes {@link IpcRuntime} per calling bundle, as a {@link CallerRuntime} (the full listing
 * and gc need the platform's ADMIN right); getting it registers the bundle as an IPC process.
 */
final class RuntimeServiceFactory implements ServiceFactory<IpcRuntime> {
    private final Sessions sessions;
    private final Supplier<Collection<MechanismProvider<?>>> providers;
    private final Supplier<IpcLimits> limits;
    private final TrustedBundles trusted;

    RuntimeServiceFactory(Sessions sessions, Supplier<Collection<MechanismProvider<?>>> providers,
            Supplier<IpcLimits> limits, TrustedBundles trusted) {
        this.sessions = sessions;
        this.providers = providers;
        this.limits = limits;
        this.trusted = trusted;
    }

    @Override
    public IpcRuntime getService(Bundle bundle, ServiceRegistration<IpcRuntime> registration) {
        try {
            return new CallerRuntime(new RuntimeView(sessions.acquire(bundle).process(), providers, sessions::processes,
                    limits), new AdminGate(sessions, bundle, trusted.test(bundle)));
        } catch (IpcException noPolicy) {
            return null;
        }
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<IpcRuntime> registration, IpcRuntime service) {
        sessions.release(bundle);
    }
}
