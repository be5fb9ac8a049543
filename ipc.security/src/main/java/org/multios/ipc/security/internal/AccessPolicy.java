package org.multios.ipc.security.internal;

import java.util.ArrayList;
import java.util.List;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;

/**
 * Decides rights at open: the object's owner, group and mode give the POSIX rights; every
 * matching allow rule adds its rights and every matching deny rule takes its rights away, deny
 * winning over allow. Immutable.
 */
final class AccessPolicy {
    private final List<AccessRule> rules;

    private AccessPolicy(List<AccessRule> rules) {
        this.rules = rules;
    }

    /** A policy of the given rules; each is checked, a bad one is refused with its text. */
    static AccessPolicy of(List<String> texts) {
        List<AccessRule> parsed = new ArrayList<>();
        for (String t : texts) {
            if (!t.isBlank()) {
                parsed.add(AccessRule.parse(t));
            }
        }
        return new AccessPolicy(List.copyOf(parsed));
    }

    /**
     * The rights a process has on an object.
     *
     * @param bundle the facts of the process's bundle; null for a process that is no bundle
     */
    int rights(IpcProcess process, BundleFacts bundle, ObjectType type, String name, Permissions permissions) {
        int allowed = permissions.rightsOf(process);
        int denied = 0;
        for (AccessRule r : rules) {
            if (r.matches(process, bundle, type, name)) {
                if (r.allow()) {
                    allowed |= r.rights();
                } else {
                    denied |= r.rights();
                }
            }
        }
        return allowed & ~denied;
    }

    /**
     * The first deny rule that takes some of {@code rights} away from a process on an object, for a
     * denial to name what decided it (the mode alone, when there is none).
     *
     * @return the rule's text, or null
     */
    String denyingRule(IpcProcess process, BundleFacts bundle, ObjectType type, String name, int rights) {
        for (AccessRule r : rules) {
            if (!r.allow() && (r.rights() & rights) != 0 && r.matches(process, bundle, type, name)) {
                return r.text();
            }
        }
        return null;
    }

    /** The rules as written, in order. */
    List<String> texts() {
        return rules.stream().map(AccessRule::text).toList();
    }
}
