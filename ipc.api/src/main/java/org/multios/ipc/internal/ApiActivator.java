package org.multios.ipc.internal;

import org.multios.ipc.spi.GuardedService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Starts the API bundle: installs the hooks that keep mechanism providers hidden from every
 * bundle but the guards, which declare the capability {@value GuardedService#GUARD_NAMESPACE}.
 */
public final class ApiActivator implements BundleActivator {
    private ServiceRegistration<?> hooks;

    @Override
    public void start(BundleContext context) {
        hooks = context.registerService(new String[] { FindHook.class.getName(), EventListenerHook.class.getName() },
                new ProviderHidingHooks(ApiActivator::isGuard), null);
    }

    private static boolean isGuard(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && !revision.getDeclaredCapabilities(GuardedService.GUARD_NAMESPACE).isEmpty();
    }

    @Override
    public void stop(BundleContext context) {
        hooks.unregister();
    }
}
