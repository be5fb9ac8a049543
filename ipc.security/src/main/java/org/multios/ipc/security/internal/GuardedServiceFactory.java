package org.multios.ipc.security.internal;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.MechanismProvider;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API service of one mechanism, published per calling bundle: each bundle gets the
 * service the provider binds to that bundle's caller context, and when the bundle releases it
 * (or stops) the provider releases everything the bundle held.
 */
final class GuardedServiceFactory implements ServiceFactory<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedServiceFactory.class);

    private final MechanismProvider<?> provider;
    private final Sessions sessions;

    GuardedServiceFactory(MechanismProvider<?> provider, Sessions sessions) {
        this.provider = provider;
        this.sessions = sessions;
    }

    @Override
    public Object getService(Bundle bundle, ServiceRegistration<Object> registration) {
        CallerContext caller;
        try {
            caller = sessions.acquire(bundle);
        } catch (IpcException e) {
            LOG.warn("{} not bound for bundle {}: {}", provider.apiType().getName(), bundle, e.getMessage());
            return null;
        }
        try {
            return provider.bind(caller);
        } catch (RuntimeException e) {
            sessions.release(bundle);
            if (e instanceof IpcException ipc && ipc.error() == IpcError.CLOSED) {
                // the mechanism is stopping (shutdown, update, uninstall): no service, nothing wrong
                LOG.debug("{} not bound for bundle {}: {}", provider.apiType().getName(), bundle, e.getMessage());
            } else {
                LOG.error("{} could not bind {} for bundle {}", provider, provider.apiType().getName(), bundle, e);
            }
            return null;
        }
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<Object> registration, Object service) {
        CallerContext caller = sessions.callerOf(bundle);
        try {
            if (caller != null) {
                provider.release(caller);
            }
        } catch (RuntimeException e) {
            LOG.warn("{} failed to release what bundle {} held", provider, bundle, e);
        } finally {
            sessions.release(bundle);
        }
    }
}
