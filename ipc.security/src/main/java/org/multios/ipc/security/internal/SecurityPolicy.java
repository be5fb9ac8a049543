package org.multios.ipc.security.internal;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.Quota;
import org.multios.ipc.net.RootEndpoints;
import org.multios.ipc.spi.ConfigurationReader;

/**
 * The policy in force, made from the configuration: who each bundle, network peer and console operator is, the
 * quotas of each, the access rules and the audit rate. Immutable; a configuration change makes
 * a new one that applies to later opens.
 */
record SecurityPolicy(BundleIdentities identities, PeerIdentities peers, Map<Quota, Long> quotas,
        AccessPolicy access, PlatformAdmins admins, int auditRate, OperatorIdentities operators) {

    /** A policy that maps no console operator (each acts as the user named like its account). */
    SecurityPolicy(BundleIdentities identities, PeerIdentities peers, Map<Quota, Long> quotas, AccessPolicy access,
            PlatformAdmins admins, int auditRate) {
        this(identities, peers, quotas, access, admins, auditRate, OperatorIdentities.NONE);
    }

    /** Denial lines a second on the audit log where none is configured. */
    static final int DEFAULT_AUDIT_RATE = 10;

    /**
     * Reads a whole configuration (keys as in {@link SecurityConfiguration}), for the mechanisms'
     * default IPC root.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT naming the configuration, the key and
     *         what was expected, for the first value that does not parse or a key not known
     */
    static SecurityPolicy parse(ConfigurationReader config) {
        return parse(config, new RootEndpoints(IpcEnvironment.defaultRoot()));
    }

    /**
     * Reads a whole configuration, its endpoint rules for the endpoints named in the mechanisms'
     * IPC root.
     *
     * @throws org.multios.ipc.IpcException as {@link #parse(ConfigurationReader)}
     */
    static SecurityPolicy parse(ConfigurationReader config, RootEndpoints root) {
        String defaultUser = config.string("default.user", "");
        List<String> defaultGroups = config.strings("default.groups");
        List<String> bundleIdentities = config.strings("bundle.identities");
        String remoteUser = config.string("remote.user", "nobody");
        List<String> remoteGroups = config.strings("remote.groups");
        List<String> peerTokens = config.strings("peer.tokens");
        List<String> operators = config.strings("operator.identities");
        List<String> peerCertificates = config.strings("peer.certificates");
        List<String> rules = config.strings("rules");
        List<String> admins = config.strings("admins");
        int auditRate = (int) config.whole("audit.rate", DEFAULT_AUDIT_RATE, 1, 1_000_000);
        Map<Quota, Long> quotas = new EnumMap<>(Quota.class);
        quota(config, quotas, "quota.objects", Quota.OBJECTS);
        quota(config, quotas, "quota.shm.bytes", Quota.SHARED_MEMORY_BYTES);
        quota(config, quotas, "quota.queued.messages", Quota.QUEUED_MESSAGES);
        quota(config, quotas, "quota.signal.handlers", Quota.SIGNAL_HANDLERS);
        config.finish();
        config.parse("default.user", defaultUser, u -> u.isEmpty() ? u : BundleIdentities.checkName(u, "default user"));
        config.parse("default.groups", defaultGroups, g -> BundleIdentities.names(g, "default group"));
        config.parse("remote.user", remoteUser, u -> BundleIdentities.checkName(u, "remote user"));
        config.parse("remote.groups", remoteGroups, g -> BundleIdentities.names(g, "remote group"));
        PeerIdentities peers = config.parse("peer.tokens", peerTokens,
                t -> PeerIdentities.parse(remoteUser, remoteGroups, t));
        return new SecurityPolicy(
                config.parse("bundle.identities", bundleIdentities,
                        e -> BundleIdentities.parse(defaultUser, defaultGroups, e)),
                config.parse("peer.certificates", peerCertificates, peers::withCertificates),
                Map.copyOf(quotas), config.parse("rules", rules, r -> AccessPolicy.of(r, root)),
                config.parse("admins", admins, PlatformAdmins::parse),
                auditRate, config.parse("operator.identities", operators, OperatorIdentities::parse));
    }

    private static void quota(ConfigurationReader config, Map<Quota, Long> quotas, String key, Quota quota) {
        long max = config.whole(key, 0, 0, Long.MAX_VALUE);
        if (max > 0) {
            quotas.put(quota, max);
        }
    }

    /** What the policy holds, for operators. */
    String summary() {
        return access.texts().size() + " rule(s), " + identities.size() + " bundle identit"
                + (identities.size() == 1 ? "y" : "ies") + ", " + peers.size() + " peer token(s), "
                + peers.certificates() + " peer certificate subject(s), " + operators.size()
                + " operator identit" + (operators.size() == 1 ? "y" : "ies") + ", "
                + (quotas.isEmpty() ? "no quotas" : "quotas " + quotas) + "; unlisted bundles act as "
                + identities.defaultIdentity() + "; token-less TCP peers as " + peers.anonymous()
                + "; platform admins: " + admins.describe() + "; at most " + auditRate + " audit lines a second";
    }
}
