package org.multios.ipc.shell.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH console's listening server (Apache MINA SSHD), made only when the console is enabled:
 * every SSHD type is named here, not in {@link SshConsole}, so that a gateway whose SSH console
 * is off loads no SSHD class (SCR reads the component class's members as it activates it).
 */
final class SshListener {
    static final AttributeKey<Role> ROLE = new AttributeKey<>();
    private static final AttributeKey<Boolean> OVER_LIMIT = new AttributeKey<>();
    private static final AttributeKey<String> TRIED_USER = new AttributeKey<>();
    private static final Logger LOG = LoggerFactory.getLogger(SshConsole.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("ipc.audit");

    private final SshServer server;

    /** Starts listening as the configuration says; {@code conf} is the gateway's conf folder. */
    SshListener(CommandProcessor processor, Supplier<OperatorAuthority> operators, Path conf, SshConsole.Config config)
            throws IOException, GeneralSecurityException {
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
        server.setShellFactory(channel -> new SshShell(processor, operators, AUDIT, null));
        server.setCommandFactory((channel, line) -> new SshShell(processor, operators, AUDIT, line));
        CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ofSeconds(config.idle_timeout()));
        // a connection that does not log in soon gives its place back
        CoreModuleProperties.AUTH_TIMEOUT.set(server, Duration.ofSeconds(30));
        server.addSessionListener(admission);
        server.start();
        LOG.info("SSH console listening on {}:{}, keys from {}", config.address(), server.getPort(), keys.file());
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

    /** Stops listening and closes every session. */
    void stop() throws IOException {
        server.stop(true);
    }
}
