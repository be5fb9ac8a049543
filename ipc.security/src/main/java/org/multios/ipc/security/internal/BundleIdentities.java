package org.multios.ipc.security.internal;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.spi.LocalIdentity;

/**
 * The user and groups each bundle acts as: by symbolic name from entries of the form
 * {@code symbolic.name=user:group1,group2}, else the default user and groups. Immutable.
 */
final class BundleIdentities {
    private final String defaultUser;
    private final Set<String> defaultGroups;
    private final Map<String, Identity> bySymbolicName;

    private record Identity(String user, Set<String> groups) {
    }

    private BundleIdentities(String defaultUser, Set<String> defaultGroups, Map<String, Identity> bySymbolicName) {
        this.defaultUser = defaultUser;
        this.defaultGroups = defaultGroups;
        this.bySymbolicName = bySymbolicName;
    }

    /**
     * Parses the configuration.
     *
     * @param defaultUser   user of unlisted bundles; empty for the framework's OS user
     * @param defaultGroups groups of unlisted bundles; empty for the OS primary group
     * @param entries       {@code symbolic.name=user:group1,group2} (groups optional)
     * @throws IpcException INVALID_ARGUMENT naming the malformed entry
     */
    static BundleIdentities parse(String defaultUser, List<String> defaultGroups, List<String> entries) {
        String user = defaultUser == null || defaultUser.isBlank() ? LocalIdentity.user() : defaultUser.strip();
        Set<String> groups = defaultGroups.isEmpty() ? LocalIdentity.defaultGroups() : clean(defaultGroups);
        Map<String, Identity> map = new HashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw IpcException.invalidArgument("bundle identity '" + entry
                        + "' is not of the form symbolic.name=user[:group,...]");
            }
            String bsn = entry.substring(0, eq).trim();
            if (bsn.isEmpty() || map.containsKey(bsn)) {
                throw IpcException.invalidArgument("bundle identity '" + entry + "' "
                        + (bsn.isEmpty() ? "names no bundle" : "repeats bundle " + bsn));
            }
            String rest = entry.substring(eq + 1).trim();
            int colon = rest.indexOf(':');
            String u = colon < 0 ? rest : rest.substring(0, colon).trim();
            if (u.isEmpty()) {
                throw IpcException.invalidArgument("bundle identity '" + entry + "' names no user");
            }
            Set<String> g = colon < 0 ? Set.of(u) : clean(List.of(rest.substring(colon + 1).split(",")));
            map.put(bsn, new Identity(u, g.isEmpty() ? Set.of(u) : g));
        }
        return new BundleIdentities(user, groups, Map.copyOf(map));
    }

    /** The names that are not blank, trimmed, in order, without repeats. */
    static Set<String> clean(List<String> names) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (!n.isBlank()) {
                out.add(n.strip());
            }
        }
        return out;
    }

    /** The IPC process of a bundle. */
    IpcProcess processOf(long bundleId, String symbolicName) {
        Identity id = bySymbolicName.get(symbolicName);
        return id == null
                ? LocalIdentity.bundle(bundleId, symbolicName, defaultUser, defaultGroups)
                : LocalIdentity.bundle(bundleId, symbolicName, id.user(), id.groups());
    }
}
