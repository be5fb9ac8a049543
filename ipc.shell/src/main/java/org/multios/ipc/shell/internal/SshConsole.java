package org.multios.ipc.shell.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;
import org.multios.ipc.spi.OperatorAuthority;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Gogo console over SSH (Apache MINA SSHD): public-key login only, against the
 * operator's authorized_keys file, each session a Gogo session of its own; idle sessions are
 * closed, sessions beyond the limit refused, and every login, refusal and command on the
 * {@code ipc.audit} logger. Off unless configured (configuration PID {@code org.multios.ipc.ssh}).
 */
@Component(immediate = true, configurationPid = SshConsole.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SshConsole.Config.class)
public final class SshConsole {
    static final String PID = "org.multios.ipc.ssh";
    static final AttributeKey<Role> ROLE = new AttributeKey<>();
    private static final AttributeKey<Boolean> OVER_LIMIT = new AttributeKey<>();
    private static final AttributeKey<String> TRIED_USER = new AttributeKey<>();
    private static final Logger LOG = LoggerFactory.getLogger(SshConsole.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("ipc.audit");

    /** The SSH console's configuration. */
    @ObjectClassDefinition(name = "MultiOS IPC SSH console",
            description = "The Gogo console over SSH: public-key login only, loopback by default.")
    public @interface Config {
        @AttributeDefinition(description = "Whether the SSH console listens.")
        boolean enabled() default false;

        @AttributeDefinition(description = "The address it listens on (loopback unless the operator widens it).")
        String address() default "127.0.0.1";

        @AttributeDefinition(description = "The TCP port it listens on.", min = "1", max = "65535")
        int port() default 8022;

        @AttributeDefinition(description = "The authorized_keys file (OpenSSH format; each key with the options "
                + "user=<account> and optionally role=admin, else read-only); relative to the gateway's conf "
                + "folder. No file: nobody logs in.")
        String authorized_keys() default "ssh/authorized_keys";

        @AttributeDefinition(description = "The host key file, generated with mode 0600 at the first start; "
                + "relative to the gateway's conf folder.")
        String host_key() default "ssh/host_key";

        @AttributeDefinition(description = "Seconds without traffic after which a session is closed.", min = "1")
        int idle_timeout() default 900;

        @AttributeDefinition(description = "SSH connections open at most; more are refused.", min = "1")
        int sessions_max() default 8;
    }

    private final SshServer server;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile OperatorAuthority operators;

    /** Starts listening if the configuration says so. */
    @Activate
    public SshConsole(@Reference CommandProcessor processor, BundleContext context, Config config)
            throws IOException, GeneralSecurityException {
        if (!config.enabled()) {
            server = null;
            LOG.info("SSH console off (enable it in {}.cfg)", PID);
            return;
        }
        Path conf = confFolder(context);
        AuthorizedKeys keys = new AuthorizedKeys(conf.resolve(config.authorized_keys()));
        server = SshServer.setUpDefaultServer();
        server.setHost(config.address());
        server.setPort(config.port());
        server.setKeyPairProvider(HostKey.at(conf.resolve(config.host_key())));
        server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        Admission admission = new Admission(config.sessions_max());
        server.setPublickeyAuthenticator((user, key, session) -> {
            session.setAttribute(TRIED_USER, user);
            return admission.admits(session) && authenticate(keys, user, key, session);
        });
        server.setShellFactory(channel -> new SshShell(processor, () -> operators, AUDIT, null));
        server.setCommandFactory((channel, line) -> new SshShell(processor, () -> operators, AUDIT, line));
        CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ofSeconds(config.idle_timeout()));
        // a connection that does not log in soon gives its place back
        CoreModuleProperties.AUTH_TIMEOUT.set(server, Duration.ofSeconds(30));
        server.addSessionListener(admission);
        server.start();
        LOG.info("SSH console listening on {}:{}, keys from {}", config.address(), server.getPort(), keys.file());
    }

    private static Path confFolder(BundleContext context) {
        String dir = context.getProperty("felix.fileinstall.dir");
        return Path.of(dir == null ? "conf" : dir).toAbsolutePath();
    }

    private static boolean authenticate(AuthorizedKeys keys, String user, PublicKey key, ServerSession session) {
        try {
            Optional<Role> role = keys.roleOf(user, key);
            if (role.isPresent()) {
                session.setAttribute(ROLE, role.get());
                return true;
            }
            AUDIT.warn("ssh login refused: {} from {}: {}", user, session.getClientAddress(),
                    keys.knows(user) ? "key not authorized for this account" : "unknown account");
        } catch (IOException e) {
            AUDIT.warn("ssh login refused: {} from {}: {} unreadable: {}", user, session.getClientAddress(),
                    keys.file(), e.getMessage());
        }
        return false;
    }

    /** Counts connections, refuses those beyond the limit, and audits logins. */
    private static final class Admission implements SessionListener {
        private final AtomicInteger open = new AtomicInteger();
        private final int max;

        Admission(int max) {
            this.max = max;
        }

        @Override
        public void sessionCreated(Session session) {
            if (open.incrementAndGet() > max) {
                session.setAttribute(OVER_LIMIT, Boolean.TRUE);
            }
        }

        /**
         * Whether the session is within the limit; if not, it is told so and disconnected. Asked at
         * its first public key, when the client waits for the answer: a disconnect while the client
         * is still sending would reset the connection and lose the message.
         */
        boolean admits(ServerSession session) {
            if (session.getAttribute(OVER_LIMIT) == null) {
                return true;
            }
            AUDIT.warn("ssh connection refused: {} from {}: {} connections open, limit {}",
                    session.getAttribute(TRIED_USER), session.getClientAddress(), open.get(), max);
            try {
                session.disconnect(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS,
                        "too many SSH sessions on this gateway (limit " + max + "), try later");
            } catch (IOException e) {
                session.close(true);
            }
            return false;
        }

        @Override
        public void sessionEvent(Session session, Event event) {
            if (event == Event.Authenticated) {
                AUDIT.info("ssh login: {} ({}) from {}", session.getUsername(), session.getAttribute(ROLE).label(),
                        session.getRemoteAddress());
            }
        }

        @Override
        public void sessionClosed(Session session) {
            open.decrementAndGet();
            if (!session.isAuthenticated() && session.getAttribute(OVER_LIMIT) == null) {
                String user = session.getAttribute(TRIED_USER);
                AUDIT.warn("ssh connection from {} closed without login{}", session.getRemoteAddress(),
                        user == null ? ": no public key offered (only public keys are accepted)" : ": tried " + user);
            } else if (session.isAuthenticated()) {
                AUDIT.info("ssh logout: {} from {}", session.getUsername(), session.getRemoteAddress());
            }
        }
    }

    @Deactivate
    void stop() throws IOException {
        if (server != null) {
            server.stop(true);
        }
    }
}
