package org.multios.ipc.integration.hostile;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.Function;

import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.PeerAuthority;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * A bundle that plays every trick of plain OSGi calls against the guard (no reflection): it
 * declares the old guard capability in its manifest, registers a queue provider and a peer
 * authority of its own with the highest ranking, and on request ({@link Attacks}) looks for
 * providers, the peer authority, revocation, gc and the full object listing. The tests read its
 * report through the {@link Function} service it registers with {@value #REPORT}.
 */
public final class HostileBundle implements BundleActivator {
    /** The service property of the report service ({@code Function<Long, Map<String, String>>}). */
    public static final String REPORT = "ipc.hostile.report";

    @Override
    public void start(BundleContext context) {
        FakeQueueProvider provider = new FakeQueueProvider();
        FakeAuthority authority = new FakeAuthority();
        context.registerService(MechanismProvider.class, provider, highest(IpcMechanism.KEY, "queue"));
        context.registerService(PeerAuthority.class, authority, highest(null, null));
        Function<Long, Map<String, String>> report = victim -> new Attacks(context, provider, authority).run(victim);
        context.registerService(Function.class, report, new Hashtable<>(Map.of(REPORT, true)));
    }

    private static Dictionary<String, Object> highest(String key, Object value) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
        if (key != null) {
            props.put(key, value);
        }
        return props;
    }

    @Override
    public void stop(BundleContext context) {
        // the framework withdraws its services
    }
}
