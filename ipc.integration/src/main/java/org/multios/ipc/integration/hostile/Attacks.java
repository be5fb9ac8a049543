package org.multios.ipc.integration.hostile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.PeerAuthority;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Every bypass of the guard through ordinary OSGi calls that the local hardening issue lists,
 * tried with the hostile bundle's own context. Each outcome is one report line: {@code GOT ...}
 * when the attack obtained something, {@code nothing: ...} when it did not.
 */
final class Attacks {
    /** The named queue the victim holds a handle on (mode 0600, not the hostile bundle's). */
    static final String VICTIM_QUEUE = "victim";

    private final BundleContext context;
    private final FakeQueueProvider provider;
    private final FakeAuthority authority;

    Attacks(BundleContext context, FakeQueueProvider provider, FakeAuthority authority) {
        this.context = context;
        this.provider = provider;
        this.authority = authority;
    }

    Map<String, String> run(long victim) {
        BundleContext system = context.getBundle(0).getBundleContext();
        Map<String, String> report = new LinkedHashMap<>();
        report.put("look up providers while declaring the guard capability", lookUp(context));
        report.put("look up providers through the system bundle's context", lookUp(system));
        report.put("get providers found by Bundle.getRegisteredServices()", registered(context));
        report.put("get them with the system bundle's context", registered(system));
        report.put("get ipc.security's peer authority", securityAuthority());
        report.put("receive callers through a fake queue provider of the highest ranking",
                provider.binds() == 0 ? "nothing: never bound" : "GOT " + provider.binds() + " callers");
        report.put("decide handshakes through a fake peer authority of the highest ranking",
                authority.asked() == 0 ? "nothing: never asked" : "GOT " + authority.asked() + " peers to admit");
        report.put("revoke the victim's handles (AccessControl.revoke)", revoke(victim));
        report.put("unlink stale objects (IpcRuntime.collectStale)", collectStale());
        report.put("list every object (IpcRuntime.objects)", listing());
        return report;
    }

    private boolean own(ServiceReference<?> r) {
        return context.getBundle().equals(r.getBundle());
    }

    private String lookUp(BundleContext c) {
        ServiceReference<?>[] refs;
        try {
            refs = c.getAllServiceReferences(null, "(" + IpcMechanism.KEY + "=*)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        int seen = 0;
        List<String> got = new ArrayList<>();
        for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
            if (!own(r)) {
                seen++;
                Object o = c.getService(r);
                if (o != null) {
                    got.add(r.getProperty(IpcMechanism.KEY) + " = " + o);
                }
            }
        }
        return got.isEmpty() ? "nothing: " + seen + " provider references visible, every getService null"
                : "GOT " + got;
    }

    private String registered(BundleContext c) {
        int seen = 0;
        List<String> got = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            ServiceReference<?>[] refs = b.getRegisteredServices();
            for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
                if (r.getProperty(IpcMechanism.KEY) != null && !own(r)) {
                    seen++;
                    Object o = c.getService(r);
                    if (o != null) {
                        got.add(r.getProperty(IpcMechanism.KEY) + " = " + o);
                    }
                }
            }
        }
        return got.isEmpty() ? "nothing: " + seen + " provider references, every getService null" : "GOT " + got;
    }

    private String securityAuthority() {
        try {
            for (ServiceReference<PeerAuthority> r : context.getServiceReferences(PeerAuthority.class, null)) {
                if (!own(r) && context.getService(r) != null) {
                    return "GOT the peer authority of " + r.getBundle().getSymbolicName();
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return "nothing: every getService null";
    }

    private String revoke(long victim) {
        AccessControl ac = service(AccessControl.class);
        if (ac == null) {
            return "nothing: no AccessControl";
        }
        try {
            return "GOT " + ac.revoke(victim, ObjectType.QUEUE, VICTIM_QUEUE) + " handles revoked";
        } catch (IpcException e) {
            return "nothing: " + e.error() + ": " + e.getMessage();
        }
    }

    private String collectStale() {
        IpcRuntime runtime = service(IpcRuntime.class);
        if (runtime == null) {
            return "nothing: no IpcRuntime";
        }
        try {
            return "GOT gc ran, removed " + runtime.collectStale();
        } catch (IpcException e) {
            return "nothing: " + e.error() + ": " + e.getMessage();
        }
    }

    private String listing() {
        IpcRuntime runtime = service(IpcRuntime.class);
        if (runtime == null) {
            return "nothing: no IpcRuntime";
        }
        List<ObjectInfo> all = runtime.objects();
        return all.stream().anyMatch(o -> o.name().filter(VICTIM_QUEUE::equals).isPresent())
                ? "GOT the victim's queue in " + all.size() + " objects"
                : "nothing: " + all.size() + " objects listed, not the victim's";
    }

    private <T> T service(Class<T> type) {
        ServiceReference<T> r = context.getServiceReference(type);
        return r == null ? null : context.getService(r);
    }
}
