package org.multios.ipc.security.internal;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.multios.ipc.Quota;

/**
 * The policy in force, made from the configuration: who each bundle and network peer is, the
 * quotas of each and the access rules. Immutable; a configuration change makes a new one that
 * applies to later opens.
 */
record SecurityPolicy(BundleIdentities identities, PeerIdentities peers, Map<Quota, Long> quotas,
        AccessPolicy access) {

    static SecurityPolicy of(SecurityConfiguration config) {
        Map<Quota, Long> quotas = new EnumMap<>(Quota.class);
        put(quotas, Quota.OBJECTS, config.quota_objects());
        put(quotas, Quota.SHARED_MEMORY_BYTES, config.quota_shm_bytes());
        put(quotas, Quota.QUEUED_MESSAGES, config.quota_queued_messages());
        put(quotas, Quota.SIGNAL_HANDLERS, config.quota_signal_handlers());
        return new SecurityPolicy(
                BundleIdentities.parse(config.default_user(), List.of(config.default_groups()),
                        List.of(config.bundle_identities())),
                PeerIdentities.parse(config.remote_user(), List.of(config.remote_groups()),
                        List.of(config.peer_tokens())),
                Map.copyOf(quotas), AccessPolicy.of(List.of(config.rules())));
    }

    private static void put(Map<Quota, Long> quotas, Quota quota, long max) {
        if (max > 0) {
            quotas.put(quota, max);
        }
    }
}
