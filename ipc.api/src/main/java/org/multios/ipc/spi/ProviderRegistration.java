package org.multios.ipc.spi;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A mechanism provider registered as a service factory that gives the provider to
 * {@link TrustedBundles trusted} bundles only and nothing to any other
 * ({@link TrustedBundles#onlyFor}): no route to the provider object
 * ({@code Bundle.getRegisteredServices()}, the system bundle's context, a service listener)
 * bypasses the guard. Mechanism components register themselves through it in their activation
 * (see {@link DelegatingProvider#publish}) and {@link #close} it in their deactivation.
 */
public final class ProviderRegistration implements AutoCloseable {
    private final ServiceRegistration<?> registration;

    private ProviderRegistration(ServiceRegistration<?> registration) {
        this.registration = registration;
    }

    /**
     * Registers the provider under {@link MechanismProvider} with the service property
     * {@value IpcMechanism#KEY} naming the mechanism.
     */
    public static ProviderRegistration register(BundleContext context, MechanismProvider<?> provider,
            String mechanism) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(IpcMechanism.KEY, mechanism);
        return new ProviderRegistration(context.registerService(MechanismProvider.class.getName(),
                TrustedBundles.of(context).onlyFor(provider, "the " + mechanism + " mechanism provider"), props));
    }

    /** Withdraws the provider; a second call does nothing. */
    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework withdrew it with the bundle
        }
    }
}
