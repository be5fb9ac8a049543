package org.multios.ipc.security.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.multios.ipc.IpcException;
import org.multios.ipc.spi.OperatorAuthority;

/**
 * The user and groups each console operator acts as, from entries
 * {@code ssh:<account>=user:group1,group2} (groups optional: a group named like the user); an
 * account no entry names acts as the user and group named like the account, so that it has no
 * right on anyone else's objects until the policy gives it one. Immutable.
 */
final class OperatorIdentities {
    /** No operator mapped: every account acts as itself. */
    static final OperatorIdentities NONE = new OperatorIdentities(Map.of());

    private final Map<String, PeerIdentities.Identity> byAccount;

    private OperatorIdentities(Map<String, PeerIdentities.Identity> byAccount) {
        this.byAccount = byAccount;
    }

    /**
     * Parses the configuration.
     *
     * @throws IpcException INVALID_ARGUMENT naming the malformed entry and what is wrong with it
     */
    static OperatorIdentities parse(List<String> entries) {
        Map<String, PeerIdentities.Identity> parsed = new HashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            String account = eq < 0 ? "" : entry.substring(0, eq).strip();
            if (!account.startsWith(OperatorAuthority.SSH) || account.length() == OperatorAuthority.SSH.length()) {
                throw bad(entry, "is not of the form " + OperatorAuthority.SSH + "<account>=user[:group,...]");
            }
            BundleIdentities.checkName(account.substring(OperatorAuthority.SSH.length()), "account in operator '"
                    + entry + "'");
            String rest = entry.substring(eq + 1).strip();
            int colon = rest.indexOf(':');
            String user = (colon < 0 ? rest : rest.substring(0, colon)).strip();
            if (user.isEmpty()) {
                throw bad(entry, "names no user");
            }
            String what = "name in operator '" + entry + "'";
            BundleIdentities.checkName(user, what);
            Set<String> groups = colon < 0 ? Set.of()
                    : BundleIdentities.names(List.of(rest.substring(colon + 1).split(",")), what);
            if (parsed.put(account, new PeerIdentities.Identity(user, groups.isEmpty() ? Set.of(user) : groups)) != null) {
                throw bad(entry, "repeats the account " + account);
            }
        }
        return new OperatorIdentities(Map.copyOf(parsed));
    }

    private static IpcException bad(String entry, String problem) {
        return IpcException.invalidArgument("operator '" + entry + "' " + problem);
    }

    /**
     * The identity of an account ({@code ssh:alice}).
     *
     * @throws IpcException INVALID_ARGUMENT if it has no known prefix or is no name
     */
    PeerIdentities.Identity of(String account) {
        if (!account.startsWith(OperatorAuthority.SSH)) {
            throw IpcException.invalidArgument("operator account '" + account + "' does not start with "
                    + OperatorAuthority.SSH);
        }
        PeerIdentities.Identity mapped = byAccount.get(account);
        if (mapped != null) {
            return mapped;
        }
        String name = BundleIdentities.checkName(account.substring(OperatorAuthority.SSH.length()), "operator account");
        return new PeerIdentities.Identity(name, Set.of(name));
    }

    /** How many accounts are mapped. */
    int size() {
        return byAccount.size();
    }
}
