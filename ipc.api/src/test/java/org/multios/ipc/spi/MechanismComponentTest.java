package org.multios.ipc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectInfo;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** A mechanism component publishes its provider at activation and makes the mechanism at its first use. */
class MechanismComponentTest {
    /** A mechanism counting what is done to it; its API type is {@link Runnable}. */
    static final class Counted implements ConfigurableMechanism<Runnable> {
        final IpcEnvironment madeIn;
        final List<Map<String, ?>> configured = new ArrayList<>();
        int bound;
        int released;
        boolean closed;

        Counted(IpcEnvironment environment) {
            this.madeIn = environment;
        }

        @Override
        public Class<Runnable> apiType() {
            return Runnable.class;
        }

        @Override
        public Runnable bind(CallerContext caller) {
            bound++;
            return () -> { };
        }

        @Override
        public void release(CallerContext caller) {
            released++;
        }

        @Override
        public List<ObjectInfo> objects() {
            return List.of();
        }

        @Override
        public int connectionCount() {
            return bound - released;
        }

        @Override
        public void environment(IpcEnvironment changed) {
        }

        @Override
        public void configure(Map<String, ?> config) {
            configured.add(config);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The component as a mechanism bundle writes it. */
    static final class Component extends MechanismComponent<Runnable, Counted> {
        Component(BundleContext context, Map<String, Object> config, List<Counted> made) {
            super(context, config, environment -> {
                Counted m = new Counted(environment);
                made.add(m);
                return m;
            });
        }

        Counted made() {
            return mechanism();
        }

        void ifMadeConfigure(Map<String, ?> config) {
            ifMade(m -> m.configure(config));
        }
    }

    private final List<String> registered = new ArrayList<>();
    private final AtomicInteger unregistered = new AtomicInteger();
    private final List<Counted> made = new ArrayList<>();

    private BundleContext context() {
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] { ServiceRegistration.class }, (p, m, a) -> {
                    if (m.getName().equals("unregister")) {
                        unregistered.incrementAndGet();
                    }
                    return null;
                });
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class }, (p, m, a) -> switch (m.getName()) {
                    case "getProperty" -> IpcEnvironment.ROOT_PROPERTY.equals(a[0]) ? "/ipc-root-of-the-test" : null;
                    case "registerService" -> {
                        registered.add((String) a[0]);
                        yield registration;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static Map<String, Object> config(long channels) {
        return Map.of(IpcMechanism.KEY, "counted", Limit.CHANNELS.key(), channels);
    }

    @Test
    void activationPublishesTheProviderAndMakesNoMechanism() {
        Component c = new Component(context(), config(7), made);

        assertThat(registered).containsExactly(MechanismProvider.class.getName());
        assertThat(c.apiType()).as("the API type is the type argument").isEqualTo(Runnable.class);
        assertThat(c.connectionCount()).isZero();
        c.releasing();
        c.deactivate();
        assertThat(unregistered).hasValue(1);
        assertThat(made).as("nothing made a mechanism").isEmpty();
        assertThatThrownBy(() -> c.bind(RecordingCaller.osUser(1))).isInstanceOf(IpcException.class)
                .matches(e -> ((IpcException) e).error() == IpcError.UNAVAILABLE);
        assertThat(made).as("nor a bind after the deactivation").isEmpty();
    }

    @Test
    void theFirstUseMakesTheMechanismOnceWithTheConfigurationInForce() {
        Component c = new Component(context(), config(7), made);
        c.modified(config(9));

        c.bind(RecordingCaller.osUser(1));
        Counted m = c.made();
        c.bind(RecordingCaller.osUser(2));
        c.objects();

        assertThat(made).as("one mechanism").containsExactly(m);
        assertThat(m.bound).isEqualTo(2);
        assertThat(m.madeIn.root()).isEqualTo(Path.of("/ipc-root-of-the-test"));
        assertThat(m.madeIn.limits().get(Limit.CHANNELS)).as("the limits read last").isEqualTo(9);
        assertThat(m.configured).containsExactly(config(9));
        c.release(RecordingCaller.osUser(1));
        assertThat(c.connectionCount()).isEqualTo(1);

        c.deactivate();
        assertThat(unregistered).hasValue(1);
        assertThat(m.closed).isTrue();
    }

    @Test
    void theObjectsOrStaleObjectsMakeTheMechanism() {
        Component c = new Component(context(), config(7), made);
        c.collectStaleObjects();
        assertThat(made).hasSize(1);
        c.objects();
        assertThat(made).hasSize(1);
    }

    @Test
    void aChangeForTheMadeMechanismReachesItOnlyOnceItIsMade() {
        Component c = new Component(context(), config(7), made);
        c.ifMadeConfigure(config(8));
        assertThat(made).as("ifMade makes no mechanism").isEmpty();

        Counted m = c.made();
        c.ifMadeConfigure(config(9));
        assertThat(m.configured).as("made with the configuration of its making, then changed")
                .containsExactly(config(7), config(9));
        c.deactivate();
    }
}
