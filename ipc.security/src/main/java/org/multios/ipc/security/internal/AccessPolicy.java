package org.multios.ipc.security.internal;

import java.util.ArrayList;
import java.util.List;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.RootEndpoints;

/**
 * Decides rights at open: the object's owner, group and mode give the POSIX rights; every
 * matching allow rule adds its rights and every matching deny rule takes its rights away, deny
 * winning over allow. A rule matches an endpoint by any of its socket's texts: a socket named in
 * the IPC root by its name and by its file's path ({@link RootEndpoints#texts}), so that a rule
 * written either way, or a glob over the root's folders, covers both; a host with a final dot by
 * its text without it too. What a handle reaches (the addresses of its host, the real path of a
 * socket file) the network mechanism has decided as endpoints of their own. Immutable.
 */
final class AccessPolicy {
    private final List<AccessRule> rules;
    private final RootEndpoints root;

    private AccessPolicy(List<AccessRule> rules, RootEndpoints root) {
        this.rules = rules;
        this.root = root;
    }

    /** A policy of the given rules, for the mechanisms' default IPC root ({@link IpcEnvironment#defaultRoot()}). */
    static AccessPolicy of(List<String> texts) {
        return of(texts, new RootEndpoints(IpcEnvironment.defaultRoot()));
    }

    /**
     * A policy of the given rules; each is checked, a bad one is refused with its text.
     *
     * @param root the endpoints named in the mechanisms' IPC root
     */
    static AccessPolicy of(List<String> texts, RootEndpoints root) {
        List<AccessRule> parsed = new ArrayList<>();
        for (String t : texts) {
            if (!t.isBlank()) {
                parsed.add(AccessRule.parse(t));
            }
        }
        return new AccessPolicy(List.copyOf(parsed), root);
    }

    /**
     * The rights a process has on an object.
     *
     * @param bundle the facts of the process's bundle; null for a process that is no bundle
     */
    int rights(IpcProcess process, BundleFacts bundle, ObjectType type, String name, Permissions permissions) {
        int allowed = permissions.rightsOf(process);
        int denied = 0;
        List<String> names = names(type, name);
        for (AccessRule r : rules) {
            if (r.matches(process, bundle, type, names)) {
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
     * The name an object's grants are registered under, for an operator's revoke: an endpoint in
     * the one text the network mechanism gives it (a socket named in the IPC root by its name, a
     * host in lower case, ...), however the operator wrote it, and a host without its final dot
     * (the mechanism registers a handle on {@code db.} under {@code db} too, so that revoking
     * either name reaches both); another object's name as it is.
     */
    String registeredName(ObjectType type, String name) {
        if (type != ObjectType.ENDPOINT) {
            return name;
        }
        try {
            return root.named(Endpoint.parse(name)).ruleText();
        } catch (IpcException e) {
            return name; // no endpoint: nothing is registered under it either
        }
    }

    /** The texts rules match an object by: an endpoint's every text, another object's name. */
    private List<String> names(ObjectType type, String name) {
        return type == ObjectType.ENDPOINT ? root.texts(name) : List.of(name);
    }

    /**
     * The first deny rule that takes some of {@code rights} away from a process on an object, for a
     * denial to name what decided it (the mode alone, when there is none).
     *
     * @return the rule's text, or null
     */
    String denyingRule(IpcProcess process, BundleFacts bundle, ObjectType type, String name, int rights) {
        List<String> names = names(type, name);
        for (AccessRule r : rules) {
            if (!r.allow() && (r.rights() & rights) != 0 && r.matches(process, bundle, type, names)) {
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
