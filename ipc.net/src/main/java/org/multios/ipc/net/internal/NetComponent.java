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
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The network mechanism in OSGi: limits from the platform's limits configuration, its own
 * {@link NetSettings} from {@link NetConfiguration}, peers
 * identified by the security bundle's {@link PeerAuthority} (none admitted while it is away),
 * and the queue and channel
 * mechanisms of the framework for bridges (tracked, so that they may come and go). Stopping
 * the bundle closes every socket and ends the reactor thread; stopping the security bundle
 * releases every caller (their sockets close) and refuses new peers until it is back.
 */
@Component(service = MechanismProvider.class, immediate = true, configurationPid = NetComponent.LIMITS_PID)
@IpcMechanism("net")
public final class NetComponent extends DelegatingProvider<NetService> {
    static final String LIMITS_PID = "org.multios.ipc.limits";


    private final SwitchingAuthority authority;
    private final NetMechanism mechanism;
    private final ServiceTracker<MechanismProvider<?>, MechanismProvider<?>> providers;
    private final String root;

    /** Starts the mechanism. */
    @Activate
    public NetComponent(BundleContext context, Map<String, Object> config,
            @Reference(name = "settings") NetConfiguration settings) {
        this(context, config, settings, new SwitchingAuthority(), tracker(context));
    }

    private NetComponent(BundleContext context, Map<String, Object> config, NetConfiguration settings,
            SwitchingAuthority authority, ServiceTracker<MechanismProvider<?>, MechanismProvider<?>> providers) {
        super(new NetMechanism(IpcEnvironment.of(context.getProperty(IpcEnvironment.ROOT_PROPERTY), config),
                settings.current(), authority,
                new LocalProviders() {
                    @Override
                    @SuppressWarnings("unchecked")
                    public <S> Optional<MechanismProvider<S>> provider(Class<S> apiType) {
                        for (MechanismProvider<?> p : providers.getServices(new MechanismProvider<?>[0])) {
                            if (p.apiType() == apiType) {
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

    /** The security bundle's authority came: handshakes are admitted by it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetAuthority")
    void setAuthority(PeerAuthority value) {
        authority.set(value);
    }

    void unsetAuthority(PeerAuthority value) {
        authority.unset(value);
    }

    @Modified
    void modified(Map<String, Object> config) {
        mechanism.environment(IpcEnvironment.of(root, config));
    }

    @Deactivate
    void deactivate() {
        mechanism.close();
        providers.close();
    }
}
