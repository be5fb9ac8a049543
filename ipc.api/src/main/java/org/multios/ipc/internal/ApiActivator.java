package org.multios.ipc.internal;

import org.multios.ipc.spi.TrustedBundles;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;

/**
 * Starts the API bundle: installs the hooks that keep mechanism providers hidden from every
 * bundle but the trusted ones, which the operator lists in the framework property
 * {@value TrustedBundles#PROPERTY} (a capability a bundle declares grants nothing).
 */
public final class ApiActivator implements BundleActivator {
    private ServiceRegistration<?> hooks;

    @Override
    public void start(BundleContext context) {
        hooks = context.registerService(new String[] { FindHook.class.getName(), EventListenerHook.class.getName() },
                new ProviderHidingHooks(TrustedBundles.of(context)), null);
    }

    @Override
    public void stop(BundleContext context) {
        hooks.unregister();
    }
}
