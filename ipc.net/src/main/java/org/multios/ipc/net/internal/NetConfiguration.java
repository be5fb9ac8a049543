package org.multios.ipc.net.internal;

import java.util.Map;
import java.util.function.Consumer;

import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network mechanism's {@link NetSettings} from configuration {@value NetSettings#PID}
 * (described by Metatype; every key is optional). A change applies to the running mechanism at
 * once, for connections and requests from then on. A value that does not parse keeps the
 * settings in force and is logged naming the key.
 */
@Component(configurationPid = NetSettings.PID, service = NetConfiguration.class)
@Designate(ocd = NetConfiguration.Config.class)
public final class NetConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(NetConfiguration.class);

    /** How the network mechanism protects itself from its peers ({@link NetSettings}). */
    @ObjectClassDefinition(name = "MultiOS IPC network",
            description = "How the network mechanism protects itself from peers that stall, flood or idle, and "
                    + "TLS of TCP listeners and connectors.")
    public @interface Config {
        @AttributeDefinition(name = "Idle timeout", description = "Seconds after which an accepted connection that "
                + "carries nothing (and has no request running) is closed, unless its listener or bridge sets its "
                + "own; 0 for none.")
        long idle_timeout_seconds() default 600;

        @AttributeDefinition(name = "Output stall timeout", description = "Seconds a bridge peer has to take all "
                + "the bytes of replies that waited for it when the clock started (a byte now and then is not "
                + "enough) before it is dropped (and audited); 0 for never.")
        long output_stall_timeout_seconds() default 30;

        @AttributeDefinition(name = "Handshakes per address", description = "Connections one remote address (one "
                + "user on a Unix socket) may have in their handshake at once on one listener.")
        int handshakes_per_address() default 16;

        @AttributeDefinition(name = "Requests in flight", description = "Requests one bridge connection may have "
                + "running at once; more are answered LIMIT_EXCEEDED.")
        int requests_in_flight() default 128;

        @AttributeDefinition(name = "Workers per bridge", description = "Threads one bridge runs requests on.")
        int bridge_workers() default 256;

        @AttributeDefinition(name = "Workers in all", description = "Threads every bridge together runs requests on.")
        int workers_total() default 1024;

        @AttributeDefinition(name = "TLS certificate", required = false, description = "The server certificate of "
                + "every TCP listener (which then speaks TLS only), also shown to listeners that ask connectors for "
                + "one: a PEM file (certificate first, then its issuers) or a PKCS#12 file (.p12, .pfx). Empty: "
                + "no TLS listeners.")
        String tls_certificate() default "";

        @AttributeDefinition(name = "TLS key", required = false, description = "The PEM file of the certificate's "
                + "private key, unencrypted PKCS#8 (BEGIN PRIVATE KEY); empty for PKCS#12.")
        String tls_key() default "";

        @AttributeDefinition(name = "TLS password", required = false, type = AttributeType.PASSWORD,
                description = "The password of PKCS#12 files.")
        String tls_password() default "";

        @AttributeDefinition(name = "TLS versions", description = "TLSv1.3, and TLSv1.2 only if listed too.")
        String[] tls_protocols() default {"TLSv1.3"};

        @AttributeDefinition(name = "Client certificates", description = "Whether TLS listeners ask connectors for "
                + "a certificate (need: refuse those without one). The security policy maps verified subjects to "
                + "users (peer.certificates).", options = {
                    @Option(label = "none", value = "none"), @Option(label = "want", value = "want"),
                    @Option(label = "need", value = "need")})
        String tls_client_auth() default "none";

        @AttributeDefinition(name = "Client certificate trust", required = false, description = "The certificates "
                + "(PEM or PKCS#12) that client certificates must chain to.")
        String tls_client_trust() default "";

        @AttributeDefinition(name = "TLS trust", required = false, description = "The certificates (PEM or "
                + "PKCS#12) listeners must chain to when a connection's options name none; empty for the JDK's.")
        String tls_trust() default "";

        @AttributeDefinition(name = "Plaintext TCP beyond loopback", description = "Allow listeners and "
                + "connections without TLS on addresses other than loopback (tokens and messages then cross the "
                + "network in the clear).")
        boolean tcp_plaintext_allowed() default false;

        @AttributeDefinition(name = "Unix peer users", required = false, description = "Users, besides the "
                + "gateway's own and root, whose processes clients may talk to at absolute Unix socket paths "
                + "(unix:/path), as names or numeric uids (compared by uid); a socket there that another user listens "
                + "on is refused before anything is sent. Names are looked up when the configuration is applied: "
                + "one that names no user then allows nobody, until the configuration is applied again.")
        String[] unix_peer_users() default {};
    }

    private volatile NetSettings current;
    private volatile Consumer<NetSettings> listener = s -> {
    };

    /** Reads the configuration (the defaults if it does not parse). */
    @Activate
    public NetConfiguration(Map<String, Object> properties) {
        this.current = read(properties, NetSettings.DEFAULTS);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        current = read(properties, current);
        listener.accept(current);
    }

    private static NetSettings read(Map<String, Object> properties, NetSettings fallback) {
        try {
            return NetSettings.of(properties);
        } catch (IpcException e) {
            LOG.error("network settings not changed: {}", e.getMessage());
            return fallback;
        }
    }

    /** The settings in force. */
    NetSettings current() {
        return current;
    }

    /** Tells {@code action} of every change from now on. */
    void onChange(Consumer<NetSettings> action) {
        this.listener = action;
    }
}
