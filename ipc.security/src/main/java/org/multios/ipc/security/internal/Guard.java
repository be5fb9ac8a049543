package org.multios.ipc.security.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.net.RootEndpoints;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.ConfigurationReader;
import org.multios.ipc.spi.GuardedService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.OperatorAuthority;
import org.multios.ipc.spi.PeerAuthority;
import org.multios.ipc.spi.PlatformConfiguration;
import org.multios.ipc.spi.PolicyState;
import org.multios.ipc.spi.TrustedBundles;
import org.osgi.framework.Bundle;
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
 * Stands between callers and mechanisms. While a valid policy is in force, it publishes, for
 * every mechanism provider, the provider's API service as a bundle-scoped service factory (with
 * the provider's properties and {@value GuardedService#GUARDED}), {@link IpcRuntime} and the
 * {@link PeerAuthority} of network connections. The configuration (and the platform limits') is
 * read whole before it takes effect: one that does not parse is refused, every API service and
 * the peer authority are withdrawn, and they come back only with a valid one; the platform fails
 * closed. {@link AccessControl} stays, saying which policy is in force and since when, or why
 * none is; every change is one line on the audit log. Without this component no API service
 * exists either.
 */
@Component(immediate = true, configurationPid = PlatformConfiguration.SECURITY_PID)
@Designate(ocd = SecurityConfiguration.class)
public final class Guard {
    /**
     * Framework property: {@code true} to publish nothing until the policy's configuration exists
     * (the gateway sets it, so that no caller is served by the defaults before File Install has
     * read the operator's file).
     */
    public static final String REQUIRE_CONFIGURATION = "org.multios.ipc.security.configuration.required";

    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
    private static final Set<String> NOT_COPIED = Set.of(Constants.OBJECTCLASS, Constants.SERVICE_ID,
            Constants.SERVICE_BUNDLEID, Constants.SERVICE_SCOPE, Constants.SERVICE_PID, "component.id",
            "component.name");

    private final BundleContext context;
    private final PlatformLimits limits;
    private final boolean configurationRequired;
    private final TrustedBundles trusted;
    /** The endpoints named in the mechanisms' IPC root (framework property {@value IpcEnvironment#ROOT_PROPERTY}). */
    private final RootEndpoints root;
    private final Sessions sessions = new Sessions();
    private final Map<ServiceReference<?>, MechanismProvider<?>> providers = new ConcurrentHashMap<>();
    private final ServiceRegistration<AccessControl> accessControl;
    private volatile PolicyState state;

    /** Changed under {@code this}: the policy read last (null if refused), why it was refused, the registrations. */
    private SecurityPolicy configured;
    private String configurationSource = PlatformConfiguration.SECURITY_PID;
    private String configurationProblem;
    private final Map<ServiceReference<?>, ServiceRegistration<?>> guarded = new ConcurrentHashMap<>();
    private ServiceRegistration<IpcRuntime> runtime;
    private ServiceRegistration<PeerAuthority> peerAuthority;
    private final ServiceRegistration<OperatorAuthority> operatorAuthority;

    /** Starts guarding with the given configuration, if it parses. */
    @Activate
    public Guard(BundleContext context, Map<String, Object> properties, @Reference PlatformLimits limits) {
        this.context = context;
        this.limits = limits;
        this.configurationRequired = Boolean.parseBoolean(context.getProperty(REQUIRE_CONFIGURATION));
        this.trusted = TrustedBundles.of(context);
        this.root = new RootEndpoints(
                PlatformConfiguration.environment(context.getProperty(IpcEnvironment.ROOT_PROPERTY), Map.of()).root());
        synchronized (this) {
            read(properties);
            enforce();
        }
        this.accessControl = context.registerService(AccessControl.class,
                AccessControlService.factory(sessions, () -> state, trusted), null);
        this.operatorAuthority = context.registerService(OperatorAuthority.class, trusted.onlyFor(
                (OperatorAuthority) new OperatorAuthorityService(sessions, this::guardedProviders, limits::get, () -> state),
                "the operator authority"), null);
        limits.listen(this::limitsChanged);
        LOG.info("IPC security started; trusted bundles ({}): {}", TrustedBundles.PROPERTY, trusted);
    }

    /** Reads a changed configuration whole; applies it to every later open, or fails closed. */
    @Modified
    synchronized void modified(Map<String, Object> properties) {
        read(properties);
        enforce();
    }

    private synchronized void limitsChanged() {
        enforce();
    }

    private void read(Map<String, Object> properties) {
        ConfigurationReader config = ConfigurationReader.of(PlatformConfiguration.SECURITY_PID, properties);
        configurationSource = config.isConfigured() ? config.source() : "defaults";
        configured = null;
        configurationProblem = null;
        if (configurationRequired && !config.isConfigured()) {
            configurationProblem = "waiting for the configuration " + PlatformConfiguration.SECURITY_PID
                    + " (a file " + PlatformConfiguration.SECURITY_PID + ".cfg in the directory File Install watches)";
            return;
        }
        try {
            configured = SecurityPolicy.parse(config, root);
        } catch (IpcException e) {
            configurationProblem = e.getMessage();
        }
    }

    /**
     * Puts the policy read last in force, or, if it or the limits were refused, withdraws every
     * API service and the peer authority; writes the outcome to the audit log.
     */
    private void enforce() {
        PlatformLimits.State limitsState = limits.state();
        PolicyState next;
        if (configured == null) {
            next = new PolicyState(false, Instant.now(), configurationSource, configurationProblem);
        } else if (limitsState.limits() == null) {
            next = new PolicyState(false, Instant.now(), limitsState.source(), limitsState.problem());
        } else if (state != null && state.inForce() && sessions.policyOrNull() == configured) {
            return; // limits changed, the policy did not
        } else {
            next = new PolicyState(true, Instant.now(), configurationSource, configured.summary());
        }
        if (!next.inForce() && state != null && !state.inForce() && state.source().equals(next.source())
                && state.detail().equals(next.detail())) {
            return; // refused for the same reason as before, since the same time
        }
        if (next.inForce()) {
            sessions.policy(configured, new AuditLog(configured.auditRate()));
            open();
        } else {
            close();
            sessions.policy(null, sessions.audit());
        }
        AuditLog.policy(next); // before the state is visible: whoever sees the change finds its audit line
        state = next;
    }

    /**
     * Publishes what is not published yet: every guarded service, then the runtime and the peer
     * authority (so that a console waiting for the runtime finds the services there).
     */
    private void open() {
        providers.forEach((reference, provider) -> guarded.computeIfAbsent(reference, r -> publish(r, provider)));
        if (runtime == null) {
            runtime = context.registerService(IpcRuntime.class,
                    new RuntimeServiceFactory(sessions, this::guardedProviders, limits::get, trusted), null);
        }
        if (peerAuthority == null) {
            peerAuthority = context.registerService(PeerAuthority.class,
                    trusted.onlyFor((PeerAuthority) new PeerAuthorityService(sessions), "the peer authority"), null);
        }
    }

    /** Withdraws every guarded service, the runtime and the peer authority. */
    private void close() {
        List.copyOf(guarded.keySet()).forEach(this::withdraw);
        unregister(runtime);
        runtime = null;
        unregister(peerAuthority);
        peerAuthority = null;
    }

    /**
     * A mechanism came: publish its guarded API service while a policy is in force, if a trusted
     * bundle registered it; a provider of any other bundle is ignored and logged.
     */
    @Reference(service = MechanismProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            updated = "updatedProvider", unbind = "removeProvider",
            target = "(&(" + IpcMechanism.KEY + "=*)(!(" + GuardedService.GUARDED + "=*)))")
    synchronized void addProvider(ServiceReference<MechanismProvider<?>> reference, MechanismProvider<?> provider) {
        if (!trusted.registeredByTrusted(reference)) {
            Bundle b = reference.getBundle();
            LOG.warn("ignored the {} mechanism provider of bundle {} ({}, location {}): it is not on the trusted list "
                    + "{}={}", reference.getProperty(IpcMechanism.KEY), b == null ? "(gone)" : b.getBundleId(),
                    b == null ? "" : b.getSymbolicName(), b == null ? "" : b.getLocation(), TrustedBundles.PROPERTY,
                    trusted);
            return;
        }
        providers.put(reference, provider);
        if (state != null && state.inForce()) {
            guarded.put(reference, publish(reference, provider));
        }
    }

    /** A mechanism's properties changed: the guarded service's follow. */
    synchronized void updatedProvider(ServiceReference<MechanismProvider<?>> reference) {
        ServiceRegistration<?> registration = guarded.get(reference);
        if (registration != null) {
            registration.setProperties(guardedProperties(reference));
        }
    }

    /** A mechanism went: withdraw its guarded service, which releases every bundle's use of it. */
    synchronized void removeProvider(ServiceReference<MechanismProvider<?>> reference) {
        withdraw(reference);
        providers.remove(reference);
    }

    /** Withdraws every service. */
    @Deactivate
    synchronized void deactivate() {
        limits.listen(() -> { });
        int count = guarded.size();
        close();
        unregister(accessControl);
        unregister(operatorAuthority);
        LOG.info("IPC security stopped; {} guarded services withdrawn", count);
    }

    private ServiceRegistration<?> publish(ServiceReference<?> reference, MechanismProvider<?> provider) {
        wireTo(provider.apiType());
        ServiceRegistration<?> registration = context.registerService(provider.apiType().getName(),
                new GuardedServiceFactory(provider, sessions), guardedProperties(reference));
        LOG.info("guarding {} mechanism as {}", reference.getProperty(IpcMechanism.KEY), provider.apiType().getName());
        return registration;
    }

    private Collection<MechanismProvider<?>> guardedProviders() {
        return providers.entrySet().stream().filter(e -> guarded.containsKey(e.getKey()))
                .<MechanismProvider<?>>map(Map.Entry::getValue).toList();
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
    private void withdraw(ServiceReference<?> reference) {
        ServiceRegistration<?> registration = guarded.remove(reference);
        MechanismProvider<?> provider = providers.get(reference);
        if (registration == null || provider == null) {
            return;
        }
        try {
            provider.releasing();
        } catch (RuntimeException e) {
            LOG.warn("{} failed to prepare for the release of its callers", provider, e);
        }
        unregister(registration);
    }

    private static void unregister(ServiceRegistration<?> registration) {
        if (registration == null) {
            return;
        }
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework withdrew it first
        }
    }
}
