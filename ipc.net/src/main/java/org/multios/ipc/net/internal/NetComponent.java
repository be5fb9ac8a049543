package org.multios.ipc.net.internal;

import java.util.Map;
import java.util.Optional;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.net.NetService;
import org.multios.ipc.spi.DelegatingProvider;
import org.multios.ipc.spi.GuardedService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.PeerAuthority;
import org.multios.ipc.spi.PlatformConfiguration;
import org.multios.ipc.spi.TrustedBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network mechanism in OSGi: limits from the platform's limits configuration, its own
 * {@link NetSettings} from {@link NetConfiguration}, peers
 * identified by the security bundle's {@link PeerAuthority} (none admitted while it is away),
 * and the queue and channel
 * mechanisms of the framework for bridges (tracked, so that they may come and go). Only
 * authorities and providers of {@link TrustedBundles trusted} bundles are used: one that
 * another bundle registers, whatever its ranking, is ignored and logged. Stopping
 * the bundle closes every socket and ends the reactor thread; stopping the security bundle
 * releases every caller (their sockets close) and refuses new peers until it is back.
 */
@Component(service = {}, immediate = true, configurationPid = PlatformConfiguration.LIMITS_PID)
@IpcMechanism("net")
public final class NetComponent extends DelegatingProvider<NetService> {
    private static final Logger LOG = LoggerFactory.getLogger(NetComponent.class);

    private final SwitchingAuthority authority;
    private final NetMechanism mechanism;
    private final ServiceTracker<MechanismProvider<?>, MechanismProvider<?>> providers;
    private final String root;
    private final TrustedBundles trusted;

    /** Starts the mechanism. */
    @Activate
    public NetComponent(BundleContext context, Map<String, Object> config,
            @Reference(name = "settings") NetConfiguration settings) {
        this(context, config, settings, new SwitchingAuthority(), tracker(context), TrustedBundles.of(context));
        publish(context, config);
    }

    private NetComponent(BundleContext context, Map<String, Object> config, NetConfiguration settings,
            SwitchingAuthority authority, ServiceTracker<MechanismProvider<?>, MechanismProvider<?>> providers,
            TrustedBundles trusted) {
        super(new NetMechanism(PlatformConfiguration.environment(context.getProperty(IpcEnvironment.ROOT_PROPERTY), config),
                settings.current(), authority,
                new LocalProviders() {
                    @Override
                    @SuppressWarnings("unchecked")
                    public <S> Optional<MechanismProvider<S>> provider(Class<S> apiType) {
                        ServiceReference<MechanismProvider<?>>[] refs = providers.getServiceReferences();
                        for (int i = 0; refs != null && i < refs.length; i++) {
                            MechanismProvider<?> p = providers.getService(refs[i]);
                            if (p != null && p.apiType() == apiType && trusted.registeredByTrusted(refs[i])) {
                                return Optional.of((MechanismProvider<S>) p);
                            }
                        }
                        return Optional.empty();
                    }
                }));
        this.mechanism = (NetMechanism) delegate();
        settings.onChange(mechanism::settings);
        this.authority = authority;
        this.providers = providers;
        this.root = context.getProperty(IpcEnvironment.ROOT_PROPERTY);
        this.trusted = trusted;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ServiceTracker<MechanismProvider<?>, MechanismProvider<?>> tracker(BundleContext context) {
        try {
            ServiceTracker t = new ServiceTracker(context, FrameworkUtil.createFilter("(&(objectClass="
                    + MechanismProvider.class.getName() + ")(|(" + IpcMechanism.KEY + "=queue)(" + IpcMechanism.KEY
                    + "=channel))(!(" + GuardedService.GUARDED + "=*)))"), null);
            t.open();
            return t;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A peer authority came: if a trusted bundle (ipc.security) registered it, handshakes are
     * admitted by it; any other is ignored and logged, whatever its ranking.
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetAuthority")
    void setAuthority(ServiceReference<PeerAuthority> reference, PeerAuthority value) {
        if (trusted.registeredByTrusted(reference)) {
            authority.set(value);
        } else {
            Bundle b = reference.getBundle();
            LOG.warn("ignored the PeerAuthority of bundle {} ({}, location {}): it is not on the trusted list {}={}",
                    b == null ? "(gone)" : b.getBundleId(), b == null ? "" : b.getSymbolicName(),
                    b == null ? "" : b.getLocation(), TrustedBundles.PROPERTY, trusted);
        }
    }

    void unsetAuthority(PeerAuthority value) {
        authority.unset(value);
    }

    @Modified
    void modified(Map<String, Object> config) {
        mechanism.environment(PlatformConfiguration.environment(root, config));
    }

    @Deactivate
    void deactivate() {
        withdraw();
        mechanism.close();
        providers.close();
    }
}
