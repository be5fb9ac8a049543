package org.multios.ipc.security.internal;

import java.util.Collection;
import java.util.Map;

import org.multios.ipc.spi.IpcMechanism;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Hides every mechanism provider (a service with the {@value IpcMechanism#KEY} property) from
 * every bundle but this one and the system bundle: lookups do not find it and service
 * listeners are not told of it. Clients reach mechanisms only through the guarded API
 * services. The pattern is Karaf's service guard.
 */
@Component(service = { FindHook.class, EventListenerHook.class }, immediate = true,
        property = Constants.SERVICE_RANKING + ":Integer=" + Integer.MAX_VALUE)
public final class ProviderHidingHooks implements FindHook, EventListenerHook {
    private final long securityBundleId;

    /** Hooks that let only the given bundle (ipc.security) and the system bundle see providers. */
    @Activate
    public ProviderHidingHooks(BundleContext context) {
        this(context.getBundle().getBundleId());
    }

    ProviderHidingHooks(long securityBundleId) {
        this.securityBundleId = securityBundleId;
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
            Collection<ServiceReference<?>> references) {
        if (!maySee(context)) {
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
        return bundle != null && (bundle.getBundleId() == securityBundleId || bundle.getBundleId() == 0);
    }

    static boolean isProvider(ServiceReference<?> reference) {
        return reference.getProperty(IpcMechanism.KEY) != null;
    }
}
