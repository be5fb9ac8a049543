package org.multios.ipc.security.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.local.LocalIdentity;

/**
 * The user and groups each bundle acts as, from entries {@code <bundle selector>=user:group1,group2}
 * (see {@link BundleSelector}: the bundle's location, optionally its symbolic name and signer),
 * the first matching entry deciding; else the default user and groups. Immutable.
 */
final class BundleIdentities {
    /** A user or group name: no blanks and none of the characters that separate entries. */
    private static final Pattern NAME = Pattern.compile("[^\\s,:;=\"'\\[\\]]+");

    private final String defaultUser;
    private final Set<String> defaultGroups;
    private final List<Entry> entries;

    private record Entry(BundleSelector selector, String user, Set<String> groups) {
    }

    private BundleIdentities(String defaultUser, Set<String> defaultGroups, List<Entry> entries) {
        this.defaultUser = defaultUser;
        this.defaultGroups = defaultGroups;
        this.entries = entries;
    }

    /**
     * Parses the configuration.
     *
     * @param defaultUser   user of unlisted bundles; blank for the framework's OS user
     * @param defaultGroups groups of unlisted bundles; empty for the OS primary group
     * @param entries       {@code <bundle selector>=user[:group,...]}, split at the last {@code =}
     * @throws IpcException INVALID_ARGUMENT naming the malformed entry or name
     */
    static BundleIdentities parse(String defaultUser, List<String> defaultGroups, List<String> entries) {
        String user = defaultUser == null || defaultUser.isBlank() ? LocalIdentity.user()
                : checkName(defaultUser.strip(), "default user");
        Set<String> groups = defaultGroups.isEmpty() ? LocalIdentity.defaultGroups() : names(defaultGroups, "group");
        List<Entry> parsed = new ArrayList<>();
        for (String entry : entries) {
            int eq = entry.lastIndexOf('=');
            if (eq <= 0 || entry.substring(eq + 1).isBlank()) {
                throw IpcException.invalidArgument("bundle identity '" + entry
                        + "' is not of the form <location glob>[;name=GLOB][;signer=GLOB]=user[:group,...]");
            }
            BundleSelector selector;
            try {
                selector = BundleSelector.parse(entry.substring(0, eq));
            } catch (IpcException e) {
                throw IpcException.invalidArgument("bundle identity '" + entry + "': " + e.getMessage());
            }
            if (parsed.stream().anyMatch(p -> p.selector().text().equals(selector.text()))) {
                throw IpcException.invalidArgument("bundle identity '" + entry + "' repeats bundle " + selector.text());
            }
            String rest = entry.substring(eq + 1).strip();
            int colon = rest.indexOf(':');
            String u = (colon < 0 ? rest : rest.substring(0, colon)).strip();
            if (u.isEmpty()) {
                throw IpcException.invalidArgument("bundle identity '" + entry + "' names no user");
            }
            checkName(u, "user in bundle identity '" + entry + "'");
            Set<String> g = colon < 0 ? Set.of()
                    : names(List.of(rest.substring(colon + 1).split(",")), "group in bundle identity '" + entry + "'");
            parsed.add(new Entry(selector, u, g.isEmpty() ? Set.of(u) : g));
        }
        return new BundleIdentities(user, groups, List.copyOf(parsed));
    }

    /** The names that are not blank, trimmed, in order, without repeats; each checked. */
    static Set<String> names(List<String> names, String what) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (!n.isBlank()) {
                out.add(checkName(n.strip(), what));
            }
        }
        return out;
    }

    /**
     * Checks a user or group name.
     *
     * @throws IpcException INVALID_ARGUMENT naming it and what it is
     */
    static String checkName(String name, String what) {
        if (!NAME.matcher(name).matches()) {
            throw IpcException.invalidArgument(what + " '" + name + "' is not a name (no blanks, none of , : ; = \" ' [ ])");
        }
        return name;
    }

    /** The identity of bundles no entry matches, as {@code user:group,...}. */
    String defaultIdentity() {
        return defaultUser + ":" + String.join(",", defaultGroups);
    }

    /** How many bundles are given their own identity. */
    int size() {
        return entries.size();
    }

    /** The IPC process of a bundle. */
    IpcProcess processOf(long bundleId, BundleFacts bundle) {
        for (Entry e : entries) {
            if (e.selector().matches(bundle)) {
                return LocalIdentity.bundle(bundleId, bundle.symbolicName(), e.user(), e.groups());
            }
        }
        return LocalIdentity.bundle(bundleId, bundle.symbolicName(), defaultUser, defaultGroups);
    }
}
