package org.multios.ipc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.multios.ipc.spi.IpcMechanism;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;

class ProviderHidingHooksTest {
    private static final long SECURITY = 5;

    private final ProviderHidingHooks hooks = new ProviderHidingHooks(b -> b.getBundleId() == SECURITY);

    private final ServiceReference<?> provider = reference(Map.of(IpcMechanism.KEY, "queue", "service.id", 11L));
    private final ServiceReference<?> guarded = reference(Map.of("ipc.guarded", true, "service.id", 12L));
    private final ServiceReference<?> unrelated = reference(Map.of("service.id", 13L));

    /** A fake whose every method answers from the handler, or fails if the test did not expect the call. */
    @SuppressWarnings("unchecked")
    private static <T> T fake(Class<T> type, String description, Map<String, Object> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
            switch (method.getName()) {
                case "toString":
                    return description;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    if (answers.containsKey(method.getName())) {
                        return answers.get(method.getName());
                    }
                    throw new UnsupportedOperationException(description + "." + method.getName());
            }
        });
    }

    private static ServiceReference<?> reference(Map<String, Object> properties) {
        return (ServiceReference<?>) Proxy.newProxyInstance(ServiceReference.class.getClassLoader(),
                new Class<?>[] { ServiceReference.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "toString" -> "reference " + properties;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("ServiceReference." + method.getName());
                });
    }

    private static BundleContext contextOf(long bundleId) {
        Bundle bundle = fake(Bundle.class, "bundle " + bundleId, Map.of("getBundleId", bundleId));
        return fake(BundleContext.class, "context of bundle " + bundleId, Map.of("getBundle", bundle));
    }

    private static BundleContext contextWithoutBundle() {
        Map<String, Object> answers = new HashMap<>();
        answers.put("getBundle", null);
        return fake(BundleContext.class, "invalid context", answers);
    }

    private List<ServiceReference<?>> all() {
        return new ArrayList<>(List.of(provider, guarded, unrelated));
    }

    private List<ServiceReference<?>> find(BundleContext context) {
        List<ServiceReference<?>> refs = all();
        hooks.find(context, null, null, false, refs);
        return refs;
    }

    @Test
    void findHidesProvidersFromOtherBundles() {
        assertThat(find(contextOf(42))).containsExactly(guarded, unrelated);
    }

    @Test
    void findShowsProvidersToTheSecurityBundle() {
        assertThat(find(contextOf(SECURITY))).containsExactly(provider, guarded, unrelated);
    }

    @Test
    void findHidesProvidersFromTheSystemBundleUnlessItIsTrusted() {
        assertThat(find(contextOf(0))).containsExactly(guarded, unrelated);
    }

    @Test
    void findHidesProvidersFromAContextWhoseBundleIsGone() {
        assertThat(find(contextWithoutBundle())).containsExactly(guarded, unrelated);
    }

    private Map<BundleContext, Collection<ListenerInfo>> listeners(BundleContext... contexts) {
        Map<BundleContext, Collection<ListenerInfo>> map = new HashMap<>();
        for (BundleContext c : contexts) {
            map.put(c, new ArrayList<>());
        }
        return map;
    }

    @Test
    void providerEventsReachOnlyTheTrustedBundles() {
        BundleContext security = contextOf(SECURITY);
        BundleContext system = contextOf(0);
        BundleContext client = contextOf(42);
        BundleContext another = contextOf(43);
        Map<BundleContext, Collection<ListenerInfo>> listeners = listeners(security, system, client, another);

        hooks.event(new ServiceEvent(ServiceEvent.REGISTERED, provider), listeners);

        assertThat(listeners.keySet()).containsExactly(security);
    }

    @Test
    void otherEventsReachEveryone() {
        BundleContext security = contextOf(SECURITY);
        BundleContext client = contextOf(42);

        for (ServiceReference<?> ref : List.of(guarded, unrelated)) {
            Map<BundleContext, Collection<ListenerInfo>> listeners = listeners(security, client);
            hooks.event(new ServiceEvent(ServiceEvent.UNREGISTERING, ref), listeners);
            assertThat(listeners.keySet()).as(ref.toString()).containsExactlyInAnyOrder(security, client);
        }
    }

    @Test
    void recognisesProvidersByTheMechanismProperty() {
        assertThat(ProviderHidingHooks.isProvider(provider)).isTrue();
        assertThat(ProviderHidingHooks.isProvider(guarded)).isFalse();
        assertThat(ProviderHidingHooks.isProvider(unrelated)).isFalse();
    }
}
