package org.multios.ipc.security.internal;

import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.IpcRuntime;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.GuardedService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.PeerAuthority;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands between callers and mechanisms. For every mechanism provider that comes, it
 * publishes the provider's API service as a bundle-scoped service factory, with the provider's
 * properties and {@value GuardedService#GUARDED}; when the provider goes, so does the guarded
 * service. It also publishes {@link IpcRuntime}, {@link AccessControl} and the
 * {@link PeerAuthority} of network connections. Without this component no API service exists:
 * the platform fails closed.
 */
@Component(immediate = true, configurationPid = Guard.PID)
@Designate(ocd = SecurityConfiguration.class)
public final class Guard {
    /** Configuration PID of the security policy. */
    public static final String PID = "org.multios.ipc.security";

    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
    private static final Set<String> NOT_COPIED = Set.of(Constants.OBJECTCLASS, Constants.SERVICE_ID,
            Constants.SERVICE_BUNDLEID, Constants.SERVICE_SCOPE, Constants.SERVICE_PID, "component.id",
            "component.name");

    private final BundleContext context;
    private final Sessions sessions;
    private final Map<ServiceReference<?>, Guarded> guarded = new ConcurrentHashMap<>();
    private final ServiceRegistration<IpcRuntime> runtime;
    private final ServiceRegistration<AccessControl> accessControl;
    private final ServiceRegistration<PeerAuthority> peerAuthority;

    private record Guarded(MechanismProvider<?> provider, ServiceRegistration<?> registration) {
    }

    /** Starts guarding with the given policy. */
    @Activate
    public Guard(BundleContext context, SecurityConfiguration config, @Reference PlatformLimits limits) {
        this.context = context;
        this.sessions = new Sessions(SecurityPolicy.of(config), new AuditLog(config.audit_rate()));
        this.runtime = context.registerService(IpcRuntime.class,
                new RuntimeServiceFactory(sessions, this::providers, limits::get), null);
        this.accessControl = context.registerService(AccessControl.class, new AccessControlService(sessions), null);
        this.peerAuthority = context.registerService(PeerAuthority.class, new PeerAuthorityService(sessions), null);
        LOG.info("IPC security started");
    }

    /** Applies a changed policy to every later open, without restarting anything. */
    @Modified
    void modified(SecurityConfiguration config) {
        sessions.policy(SecurityPolicy.of(config), new AuditLog(config.audit_rate()));
        LOG.info("IPC security policy updated");
    }

    /** A mechanism came: publish its guarded API service. */
    @Reference(service = MechanismProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            updated = "updatedProvider", unbind = "removeProvider",
            target = "(&(" + IpcMechanism.KEY + "=*)(!(" + GuardedService.GUARDED + "=*)))")
    void addProvider(ServiceReference<MechanismProvider<?>> reference, MechanismProvider<?> provider) {
        wireTo(provider.apiType());
        ServiceRegistration<?> registration = context.registerService(provider.apiType().getName(),
                new GuardedServiceFactory(provider, sessions), guardedProperties(reference));
        guarded.put(reference, new Guarded(provider, registration));
        LOG.info("guarding {} mechanism as {}", reference.getProperty(IpcMechanism.KEY), provider.apiType().getName());
    }

    /** A mechanism's properties changed: the guarded service's follow. */
    void updatedProvider(ServiceReference<MechanismProvider<?>> reference) {
        Guarded g = guarded.get(reference);
        if (g != null) {
            g.registration().setProperties(guardedProperties(reference));
        }
    }

    /** A mechanism went: withdraw its guarded service, which releases every bundle's use of it. */
    void removeProvider(ServiceReference<MechanismProvider<?>> reference) {
        Guarded g = guarded.remove(reference);
        if (g != null) {
            withdraw(g);
        }
    }

    /** Withdraws every guarded service. */
    @Deactivate
    void deactivate() {
        int count = guarded.size();
        guarded.values().forEach(this::withdraw);
        guarded.clear();
        unregister(runtime);
        unregister(accessControl);
        unregister(peerAuthority);
        LOG.info("IPC security stopped; {} guarded services withdrawn", count);
    }

    private Collection<MechanismProvider<?>> providers() {
        return guarded.values().stream().<MechanismProvider<?>>map(Guarded::provider).toList();
    }

    private static Dictionary<String, Object> guardedProperties(ServiceReference<?> reference) {
        Dictionary<String, Object> props = new Hashtable<>();
        for (String key : reference.getPropertyKeys()) {
            if (!NOT_COPIED.contains(key) && !key.equals(IpcMechanism.KEY)) {
                props.put(key, reference.getProperty(key));
            }
        }
        props.put(GuardedService.MECHANISM, reference.getProperty(IpcMechanism.KEY));
        props.put(GuardedService.GUARDED, Boolean.TRUE);
        props.put(GuardedService.PROVIDER_ID, reference.getProperty(Constants.SERVICE_ID));
        return props;
    }

    /**
     * Loads the API type through this bundle, so that it is wired to the API package (the
     * framework then finds the guarded service assignable for every client wired to the same
     * package). JDK types need no wire.
     */
    private void wireTo(Class<?> apiType) {
        try {
            context.getBundle().loadClass(apiType.getName());
        } catch (ClassNotFoundException e) {
            LOG.debug("{} is not visible to ipc.security; clients see it by their own wiring", apiType.getName());
        }
    }

    /** Withdraws a guarded service, telling its provider first that every caller is going. */
    private void withdraw(Guarded g) {
        try {
            g.provider().releasing();
        } catch (RuntimeException e) {
            LOG.warn("{} failed to prepare for the release of its callers", g.provider(), e);
        }
        unregister(g.registration());
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework withdrew it first
        }
    }
}
