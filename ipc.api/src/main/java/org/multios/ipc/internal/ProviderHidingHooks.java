package org.multios.ipc.internal;

import java.util.Collection;
import java.util.Map;
import java.util.function.Predicate;

import org.multios.ipc.spi.IpcMechanism;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;

/**
 * Hides every mechanism provider (a service with the {@value IpcMechanism#KEY} property) from
 * every bundle but the trusted ones (not even from the system bundle's context): lookups do not
 * find it and service listeners are not told of it.
 * Clients reach mechanisms only through the guarded API services (the pattern of Karaf's service
 * guard). The hooks belong to the API bundle, which is always present, so that stopping the guard
 * (ipc.security) leaves the providers hidden: the platform fails closed.
 */
public final class ProviderHidingHooks implements FindHook, EventListenerHook {
    private final Predicate<Bundle> guard;

    /** Hooks that let only bundles accepted by {@code guard} see providers. */
    public ProviderHidingHooks(Predicate<Bundle> guard) {
        this.guard = guard;
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
            Collection<ServiceReference<?>> references) {
        if (references.stream().anyMatch(ProviderHidingHooks::isProvider) && !maySee(context)) {
            references.removeIf(ProviderHidingHooks::isProvider);
        }
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        if (isProvider(event.getServiceReference())) {
            listeners.keySet().removeIf(context -> !maySee(context));
        }
    }

    /** Whether the bundle of the given context may see providers. */
    boolean maySee(BundleContext context) {
        Bundle bundle = context.getBundle();
        return bundle != null && guard.test(bundle);
    }

    static boolean isProvider(ServiceReference<?> reference) {
        return reference.getProperty(IpcMechanism.KEY) != null;
    }
}
