package org.multios.ipc.security.internal;

import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of ipc.security (PID {@value PlatformConfiguration#SECURITY_PID}), as configuration editors see it. The
 * configuration itself is read, whole and strictly, by {@link SecurityPolicy#parse}.
 */
@ObjectClassDefinition(name = "MultiOS IPC security",
        description = "Who each bundle, network peer and SSH operator acts as when it uses IPC objects, and its quotas.")
@interface SecurityConfiguration {
    @AttributeDefinition(name = "Default user",
            description = "User of bundles not listed below; empty for the OS user of the framework.")
    String default_user() default "";

    @AttributeDefinition(name = "Default groups",
            description = "Groups of bundles not listed below; empty for the OS primary group of the framework.")
    String[] default_groups() default {};

    @AttributeDefinition(name = "Bundle identities",
            description = "Entries <location glob>[;name=<symbolic name glob>][;signer=<DN glob>]=user:group1,group2 "
                    + "giving the bundles installed from that location its own user and groups; first match wins.")
    String[] bundle_identities() default {};

    @AttributeDefinition(name = "Peer tokens",
            description = "Entries sha256:<64 hex digits>=user:group1,group2 giving the TCP peers that present a "
                    + "token of that SHA-256 digest a user and groups (groups optional: a group named like the user). "
                    + "Only digests are configured: printf %s \"$SECRET\" | sha256sum")
    String[] peer_tokens() default {};

    @AttributeDefinition(name = "Operator identities",
            description = "Entries ssh:<account>=user:group1,group2 giving the SSH console's account the user and "
                    + "groups its commands act as (groups optional: a group named like the user); an account not "
                    + "listed acts as the user and group named like the account.")
    String[] operator_identities() default {};

    @AttributeDefinition(name = "Peer certificates",
            description = "Entries <subject DN> => user:group1,group2 giving the TLS peers whose verified client "
                    + "certificate has that subject a user and groups (groups optional), e.g. "
                    + "O=Example,CN=sensor-7 => sensors:telemetry. The subject as "
                    + "openssl x509 -noout -subject -nameopt RFC2253 prints it. A token, if also presented, must "
                    + "name the same user.")
    String[] peer_certificates() default {};

    @AttributeDefinition(name = "Remote user",
            description = "User of TCP peers that present no token, where the listener does not require one.")
    String remote_user() default "nobody";

    @AttributeDefinition(name = "Remote groups",
            description = "Groups of TCP peers that present no token; empty for the group nogroup.")
    String[] remote_groups() default {};

    @AttributeDefinition(name = "Rules",
            description = "allow|deny <subject> <rights> <type>:<name glob>, evaluated on every open; subject is "
                    + "user:NAME, group:NAME, bundle:LOCATION-GLOB[;name=GLOB] or *; rights r, w, a or *; deny wins over allow. "
                    + "Example: allow group:sensors rw queue:telemetry.*")
    String[] rules() default {};

    @AttributeDefinition(name = "Platform administrators",
            description = "Who may revoke handles, collect stale objects and list every object: user:NAME, group:NAME "
                    + "or bundle:LOCATION-GLOB[;name=GLOB]; empty for the trusted bundles (the console among them).")
    String[] admins() default {};

    @AttributeDefinition(name = "Audit lines per second",
            description = "At most this many denial lines a second on the ipc.audit logger; the rest are counted.")
    int audit_rate() default 10;

    @AttributeDefinition(name = "Objects per process", description = "0 for no quota.")
    long quota_objects() default 0;

    @AttributeDefinition(name = "Shared memory bytes per process", description = "0 for no quota.")
    long quota_shm_bytes() default 0;

    @AttributeDefinition(name = "Queued messages per process", description = "0 for no quota.")
    long quota_queued_messages() default 0;

    @AttributeDefinition(name = "Signal handlers per process", description = "0 for no quota.")
    long quota_signal_handlers() default 0;
}
