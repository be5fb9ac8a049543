package org.multios.ipc.net.internal;

import java.util.Map;
import java.util.Optional;

import org.multios.ipc.net.NetService;
import org.multios.ipc.spi.GuardedService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismComponent;
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
 * another bundle registers, whatever its ranking, is ignored and logged. Like every mechanism,
 * made at its first use ({@link MechanismComponent}): the reactor thread and its selector come
 * with the first caller (or configured bridge), not with the gateway's start. Stopping
 * the bundle closes every socket and ends the reactor thread; stopping the security bundle
 * releases every caller (their sockets close) and refuses new peers until it is back.
 */
@Component(service = {}, immediate = true, configurationPid = PlatformConfiguration.LIMITS_PID)
@IpcMechanism("net")
public final class NetComponent extends MechanismComponent<NetService, NetMechanism> {
    private static final Logger LOG = LoggerFactory.getLogger(NetComponent.class);

    private final SwitchingAuthority authority;
    private final ServiceTracker<MechanismProvider<?>, MechanismProvider<?>> providers;
    private final TrustedBundles trusted;

    /** Publishes the mechanism, made at its first use. */
    @Activate
    public NetComponent(BundleContext context, Map<String, Object> config,
            @Reference(name = "settings") NetConfiguration settings) {
        this(context, config, settings, new SwitchingAuthority(), tracker(context), TrustedBundles.of(context));
        settings.onChange(changed -> ifMade(m -> m.settings(changed)));
    }

    private NetComponent(BundleContext context, Map<String, Object> config, NetConfiguration settings,
            SwitchingAuthority authority, ServiceTracker<MechanismProvider<?>, MechanismProvider<?>> providers,
            TrustedBundles trusted) {
        super(context, config, environment -> new NetMechanism(environment, settings.current(), authority,
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
        this.authority = authority;
        this.providers = providers;
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

    /** Withdraws the service, closes the mechanism if it was made, then stops tracking providers. */
    @Override
    @Deactivate
    protected void deactivate() {
        super.deactivate();
        providers.close();
    }
}
