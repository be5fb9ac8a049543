package org.multios.ipc.security.internal;

import java.util.List;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;

/**
 * Who holds the platform's ADMIN right, which revoking handles, collecting stale objects and
 * listing every object need: the subjects of the key {@code admins} ({@code user:NAME},
 * {@code group:NAME}, {@code bundle:SELECTOR}, as in rules), or, where none is
 * configured, the trusted bundles (so the console acts with it by default). A console operator
 * holds it only where a configured user or group subject names it; network peers never hold it.
 * Immutable.
 */
record PlatformAdmins(List<AccessRule> subjects, boolean configured) {
    /**
     * Parses the configured subjects; none for the trusted bundles.
     *
     * @throws IpcException INVALID_ARGUMENT naming the subject that does not parse
     */
    static PlatformAdmins parse(List<String> subjects) {
        return new PlatformAdmins(subjects.stream().map(s -> {
            if (s.strip().equals("*") || s.strip().contains(" ")) {
                throw IpcException.invalidArgument("admin '" + s + "': expected user:NAME, group:NAME or "
                        + "bundle:LOCATION[;name=GLOB]");
            }
            return AccessRule.parse("allow " + s.strip() + " a *:*");
        }).toList(), !subjects.isEmpty());
    }

    /**
     * Whether the process holds the right.
     *
     * @param bundle  the facts of its bundle; null for a network peer
     * @param trusted whether its bundle is on the trusted list
     */
    boolean includes(IpcProcess process, BundleFacts bundle, boolean trusted) {
        if (bundle == null) {
            return false;
        }
        return configured ? subjects.stream().anyMatch(r -> r.matchesSubject(process, bundle)) : trusted;
    }

    /** The holders, for operators. */
    String describe() {
        return configured ? subjects.stream().map(r -> r.text().split(" ")[1]).toList().toString()
                : "the trusted bundles";
    }

    /** Whether a console operator holds the right: only where a configured subject names it. */
    boolean includesOperator(IpcProcess operator) {
        return configured && subjects.stream().anyMatch(r -> r.matchesSubject(operator, null));
    }
}
