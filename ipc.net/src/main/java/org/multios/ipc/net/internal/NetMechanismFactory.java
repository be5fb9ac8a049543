package org.multios.ipc.net.internal;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.stream.Reactor;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.PeerAuthority;

/**
 * Makes the network mechanism for the plain-Java bootstrap. Bridges find the queue and channel
 * mechanisms through the same {@link ServiceLoader} registrations; this factory starts its own
 * instances of them (they share the IPC root's files with every other instance) and stops them
 * with the network mechanism.
 */
public final class NetMechanismFactory implements MechanismFactory {
    private final Map<NetMechanism, ClassPathProviders> started = new ConcurrentHashMap<>();
    private final NetSettings settings;
    private final Supplier<PeerAuthority> authority;
    private final Reactor.Timing timing;

    /** A factory of mechanisms with the default settings (the {@link ServiceLoader}'s). */
    public NetMechanismFactory() {
        this(NetSettings.DEFAULTS);
    }

    /** A factory of mechanisms with the given settings. */
    public NetMechanismFactory(NetSettings settings) {
        this(settings, PosixPeers::new);
    }

    /** A factory of mechanisms whose peers {@code authority} identifies. */
    NetMechanismFactory(NetSettings settings, Supplier<PeerAuthority> authority) {
        this(settings, authority, Reactor.Timing.DEFAULT);
    }

    /** As above, with another reactor clock (tests). */
    NetMechanismFactory(NetSettings settings, Supplier<PeerAuthority> authority, Reactor.Timing timing) {
        this.settings = settings;
        this.authority = authority;
        this.timing = timing;
    }

    @Override
    public MechanismProvider<?> create(IpcEnvironment environment) {
        ClassPathProviders providers = new ClassPathProviders(environment);
        NetMechanism mechanism = new NetMechanism(environment, settings, authority.get(), providers, timing);
        started.put(mechanism, providers);
        return mechanism;
    }

    /** The mechanisms this factory made and that run. */
    Set<NetMechanism> started() {
        return started.keySet();
    }

    @Override
    public void close(MechanismProvider<?> provider) {
        NetMechanism mechanism = (NetMechanism) provider;
        mechanism.close();
        ClassPathProviders providers = started.remove(mechanism);
        if (providers != null) {
            providers.close();
        }
    }

    /** The other mechanisms on the class path, started when a bridge first needs one. */
    private static final class ClassPathProviders implements LocalProviders {
        private final IpcEnvironment environment;
        private final Map<Class<?>, Started> byType = new ConcurrentHashMap<>();

        private record Started(MechanismFactory factory, MechanismProvider<?> provider) {
        }

        ClassPathProviders(IpcEnvironment environment) {
            this.environment = environment;
        }

        @Override
        @SuppressWarnings("unchecked")
        public synchronized <S> Optional<MechanismProvider<S>> provider(Class<S> apiType) {
            Started s = byType.get(apiType);
            if (s == null) {
                for (MechanismFactory f : ServiceLoader.load(MechanismFactory.class, getClass().getClassLoader())) {
                    if (f instanceof NetMechanismFactory) {
                        continue;
                    }
                    MechanismProvider<?> p = f.create(environment);
                    if (p.apiType() == apiType) {
                        s = new Started(f, p);
                        byType.put(apiType, s);
                        break;
                    }
                    f.close(p);
                }
            }
            return s == null ? Optional.empty() : Optional.of((MechanismProvider<S>) s.provider());
        }

        synchronized void close() {
            byType.values().forEach(s -> s.factory().close(s.provider()));
            byType.clear();
        }
    }
}
