package org.multios.ipc.spi;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.multios.ipc.IpcException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * The operator's list of the bundles the platform trusts: only they may see and get mechanism
 * providers, and only their {@link MechanismProvider} and {@link PeerAuthority} services are
 * used; the same services from any other bundle are ignored and logged. Read once from the
 * framework property {@value #PROPERTY}: comma-separated entries
 * {@code <location glob>[;name=<symbolic name>]}, where {@code *} in the location matches any run
 * of characters; a bundle is trusted when its location matches an entry and, where the entry
 * names one, its symbolic name is exactly that name. Without the property, the platform's own
 * bundles ({@value #DEFAULT}) are trusted by symbolic name alone: the gateway sets the property
 * to their locations too. Nothing a bundle declares about itself (a capability, a service
 * property) makes it trusted. Immutable.
 */
public final class TrustedBundles implements Predicate<Bundle> {
    /** The framework property holding the list. */
    public static final String PROPERTY = "org.multios.ipc.trusted.bundles";
    /** The list where the property is not set: the platform's bundles, by symbolic name. */
    public static final String DEFAULT = "*;name=ipc.security,*;name=ipc.net,*;name=ipc.shm,*;name=ipc.sync,"
            + "*;name=ipc.channels,*;name=ipc.console";
    private static final String NAME = "name=";
    private static final System.Logger LOG = System.getLogger(TrustedBundles.class.getName());

    private final List<Entry> entries;
    private final String text;

    private record Entry(String location, String name) {
        boolean matches(Bundle bundle) {
            return glob(location, bundle.getLocation()) && (name == null || name.equals(bundle.getSymbolicName()));
        }
    }

    private TrustedBundles(List<Entry> entries, String text) {
        this.entries = entries;
        this.text = text;
    }

    /** The list the framework property of the context's framework names, or the default. */
    public static TrustedBundles of(BundleContext context) {
        String value = context.getProperty(PROPERTY);
        return parse(value == null || value.isBlank() ? DEFAULT : value);
    }

    /**
     * Parses a list.
     *
     * @throws IpcException INVALID_ARGUMENT naming the property and the entry that does not parse
     */
    public static TrustedBundles parse(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String raw : text.split(",")) {
            String e = raw.strip();
            if (e.isEmpty()) {
                continue;
            }
            int semi = e.indexOf(';');
            String location = (semi < 0 ? e : e.substring(0, semi)).strip();
            String name = null;
            if (semi >= 0) {
                String rest = e.substring(semi + 1).strip();
                if (!rest.startsWith(NAME) || rest.length() == NAME.length() || rest.contains(";")) {
                    throw IpcException.invalidArgument(PROPERTY + ": entry '" + e + "' is not <location glob>[;name="
                            + "<symbolic name>]");
                }
                name = rest.substring(NAME.length()).strip();
            }
            if (location.isEmpty()) {
                throw IpcException.invalidArgument(PROPERTY + ": entry '" + e + "' names no location (write * for any)");
            }
            entries.add(new Entry(location, name));
        }
        return new TrustedBundles(List.copyOf(entries), text.strip());
    }

    /** Whether the bundle is on the list. */
    @Override
    public boolean test(Bundle bundle) {
        return bundle != null && entries.stream().anyMatch(e -> e.matches(bundle));
    }

    /** Whether the service was registered by a bundle on the list (false once it is unregistered). */
    public boolean registeredByTrusted(ServiceReference<?> reference) {
        return test(reference.getBundle());
    }

    /**
     * A service factory that gives the service to bundles on the list and nothing (null) to any
     * other, logging who asked: registered in place of the service itself, it closes every route
     * to it that service hooks do not see ({@code Bundle.getRegisteredServices()}, the system
     * bundle's context).
     */
    public <S> ServiceFactory<S> onlyFor(S service, String what) {
        return new ServiceFactory<>() {
            @Override
            public S getService(Bundle bundle, ServiceRegistration<S> registration) {
                if (test(bundle)) {
                    return service;
                }
                LOG.log(Level.WARNING, "bundle {0} ({1}, location {2}) asked for {3}; it is not on the trusted list "
                        + "({4}={5}) and gets nothing", bundle.getBundleId(), bundle.getSymbolicName(),
                        bundle.getLocation(), what, PROPERTY, text);
                return null;
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<S> registration, S unused) {
                // the service outlives its users
            }
        };
    }

    /** The list as configured. */
    @Override
    public String toString() {
        return text;
    }

    /** Whether the glob ({@code *}: any run of characters) matches the whole text; linear in the text's length. */
    static boolean glob(String glob, String text) {
        String[] parts = glob.split("\\*", -1);
        if (parts.length == 1) {
            return glob.equals(text);
        }
        if (!text.startsWith(parts[0])) {
            return false;
        }
        int at = parts[0].length();
        for (int i = 1; i < parts.length - 1; i++) {
            int found = text.indexOf(parts[i], at);
            if (found < 0) {
                return false;
            }
            at = found + parts[i].length();
        }
        String last = parts[parts.length - 1];
        return text.length() - at >= last.length() && text.endsWith(last);
    }
}
