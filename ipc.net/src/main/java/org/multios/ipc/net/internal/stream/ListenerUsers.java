package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.multios.ipc.local.LocalIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whose listeners a client may talk to at an absolute Unix path ({@link ListenerOwner}): this OS
 * user, root (uid 0) and the users of {@code unix.peer.users} (names or numeric uids), each looked
 * up once, when the settings are made (as the configuration is applied), never on the reactor: a
 * name service may take seconds (LDAP, sssd) and the reactor serves every socket. The reactor
 * only compares users, which the JDK's principals do by uid. Immutable.
 *
 * <p>A configured name that named no user when the settings were made allows nobody (fail
 * closed), and a refusal says so: a user added later is allowed once the configuration is applied
 * again. A user's uid is that of the lookup until then too.
 */
public final class ListenerUsers {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerUsers.class);

    private final Set<String> names;
    /** This user, or null where it could not be looked up (then matched by {@link #selfName}). */
    private final UserPrincipal self;
    private final String selfName;
    /** Root, or null where it could not be looked up (then matched by the name {@code root}). */
    private final UserPrincipal root;
    private final Set<UserPrincipal> allowed;
    private final Set<String> unresolved;

    private ListenerUsers(Set<String> names, UserPrincipal self, String selfName, UserPrincipal root,
            Set<UserPrincipal> allowed, Set<String> unresolved) {
        this.names = names;
        this.self = self;
        this.selfName = selfName;
        this.root = root;
        this.allowed = allowed;
        this.unresolved = unresolved;
    }

    /** Looks this user, root and {@code names} up in the system's name service, in the calling thread. */
    public static ListenerUsers of(Set<String> names) {
        return resolve(names, UserLookup.SYSTEM);
    }

    /**
     * Looks this user, root and {@code names} up through {@code lookup}, in the calling thread
     * (never the reactor's: it may block as long as the name service does). A name that names no
     * user is logged and allows nobody.
     */
    public static ListenerUsers resolve(Set<String> names, UserLookup lookup) {
        Set<String> configured = Set.copyOf(names);
        UserPrincipal self = orNull(lookup, null);
        UserPrincipal root = orNull(lookup, "0"); // a number that names no user is a uid
        Set<UserPrincipal> allowed = new HashSet<>();
        Set<String> unresolved = new TreeSet<>();
        for (String name : configured) {
            UserPrincipal user = orNull(lookup, name);
            if (user == null) {
                unresolved.add(name);
                LOG.warn("unix.peer.users names {}, which names no user: it allows no listener until the configuration "
                        + "is applied again once it does", name);
            } else {
                allowed.add(user);
            }
        }
        return new ListenerUsers(configured, self, self != null ? self.getName() : LocalIdentity.user(), root,
                Set.copyOf(allowed), Set.copyOf(unresolved));
    }

    /** The user of {@code name} (this process's for null), or null where it cannot be looked up. */
    private static UserPrincipal orNull(UserLookup lookup, String name) {
        try {
            return name == null ? lookup.self() : lookup.user(name);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The users as configured (names or uids). */
    public Set<String> names() {
        return names;
    }

    /**
     * Whether a listener of {@code user} may be talked to: this user, root or one configured, by
     * uid. Compares only: no lookup.
     */
    boolean admits(UserPrincipal user) {
        boolean isSelf = self != null ? user.equals(self) : user.getName().equals(selfName);
        boolean isRoot = root != null ? user.equals(root) : user.getName().equals("root");
        return isSelf || isRoot || allowed.contains(user);
    }

    /** This user's name, for messages. */
    String selfName() {
        return selfName;
    }

    /** For a refusal: the configured names that named no user when the settings were made, or "". */
    String unresolvedNote() {
        return unresolved.isEmpty() ? "" : "; unix.peer.users names " + String.join(", ", new TreeSet<>(unresolved))
                + ", which named no user when the configuration was applied (a user added since is allowed once it "
                + "is applied again)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ListenerUsers u && names.equals(u.names) && Objects.equals(self, u.self)
                && selfName.equals(u.selfName) && Objects.equals(root, u.root) && allowed.equals(u.allowed)
                && unresolved.equals(u.unresolved);
    }

    @Override
    public int hashCode() {
        return Objects.hash(names, self, root, allowed, unresolved);
    }

    @Override
    public String toString() {
        return "unix.peer.users " + names + (unresolved.isEmpty() ? "" : " (naming no user: " + unresolved + ")");
    }
}
