package org.multios.ipc.shell.internal;

import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;
import org.multios.ipc.local.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who gets an SSH console: public keys only, checked against the authorized_keys file; at most
 * {@code sessions.max} logged-in sessions (the next login is refused); connections that have not
 * logged in (proved a key by its signature) are not counted against it, so no one without a
 * private key can keep operators out by holding connections open. Those wait at most {@link #LOGIN_TIMEOUT}; beyond {@link #pending}
 * of them the oldest is closed for each new one. Every login, refusal and logout goes to the
 * {@code ipc.audit} logger, the user name a client sent as {@link LogText} (no forged lines).
 */
final class SshLogins implements SessionListener {
    /** How long a connection may take to log in. */
    static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(30);

    private static final AttributeKey<Boolean> ADMITTED = new AttributeKey<>();
    private static final AttributeKey<String> TRIED_USER = new AttributeKey<>();
    private static final Logger AUDIT = LoggerFactory.getLogger("ipc.audit");

    private final AuthorizedKeys keys;
    private final int max;
    private final int pending;
    /** Connections not logged in yet, oldest first. */
    private final Set<Session> waiting = new LinkedHashSet<>();
    private int consoles;

    private SshLogins(AuthorizedKeys keys, int max) {
        this.keys = keys;
        this.max = max;
        this.pending = 4 * max + 16;
    }

    /** Makes {@code server} log in this way, at most {@code max} sessions at once. */
    static void install(SshServer server, AuthorizedKeys keys, int max) {
        SshLogins logins = new SshLogins(keys, max);
        server.setUserAuthFactories(List.of(new Admitting(logins)));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setPublickeyAuthenticator((user, key, session) -> {
            session.setAttribute(TRIED_USER, LogText.of(user));
            return logins.authenticate(user, key, session);
        });
        CoreModuleProperties.AUTH_TIMEOUT.set(server, LOGIN_TIMEOUT);
        server.addSessionListener(logins);
    }

    private boolean authenticate(String user, PublicKey key, ServerSession session) {
        try {
            Optional<Role> role = keys.roleOf(user, key);
            if (role.isPresent()) {
                session.setAttribute(SshListener.ROLE, role.get());
                return true;
            }
            AUDIT.warn("ssh login refused: {} from {}: {}", LogText.of(user), session.getClientAddress(),
                    keys.knows(user) ? "key not authorized for this account" : "unknown account");
        } catch (IOException e) {
            AUDIT.warn("ssh login refused: {} from {}: {} unreadable: {}", LogText.of(user), session.getClientAddress(),
                    keys.file(), e.getMessage());
        }
        return false;
    }

    /**
     * Public-key login that admits a session only once its signature proved it holds the
     * private key: the key alone (the authenticator is asked before any signature) is public.
     */
    private static final class Admitting extends UserAuthPublicKeyFactory {
        private final SshLogins logins;

        Admitting(SshLogins logins) {
            this.logins = logins;
        }

        @Override
        public UserAuthPublicKey createUserAuth(ServerSession session) {
            return new UserAuthPublicKey(getSignatureFactories()) {
                @Override
                protected boolean verifySignature(ServerSession s, String user, String algorithm, PublicKey key,
                        Buffer buffer, Signature verifier, byte[] signature) throws Exception {
                    return super.verifySignature(s, user, algorithm, key, buffer, verifier, signature)
                            && logins.admits(s);
                }
            };
        }
    }

    /**
     * Whether a session that proved its key may have a console: within the limit it counts from
     * now on; beyond it, it is told so and disconnected. Asked when the client waits for the
     * answer to its signature: a disconnect while it is still sending would reset the connection
     * and lose the message.
     */
    private boolean admits(ServerSession session) {
        synchronized (this) {
            if (session.getAttribute(ADMITTED) != null) {
                return true;
            }
            if (consoles < max) {
                consoles++;
                session.setAttribute(ADMITTED, Boolean.TRUE);
                waiting.remove(session);
                return true;
            }
        }
        AUDIT.warn("ssh login refused: {} from {}: {} sessions open, limit {}", session.getAttribute(TRIED_USER),
                session.getClientAddress(), max, max);
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS,
                    "too many SSH sessions on this gateway (limit " + max + "), try later");
        } catch (IOException e) {
            session.close(true);
        }
        return false;
    }

    @Override
    public void sessionCreated(Session session) {
        Session oldest = null;
        synchronized (this) {
            waiting.add(session);
            if (waiting.size() > pending) {
                Iterator<Session> first = waiting.iterator();
                oldest = first.next();
                first.remove();
            }
        }
        if (oldest != null) {
            AUDIT.warn("ssh connection from {} closed: more than {} connections waited to log in",
                    oldest.getRemoteAddress(), pending);
            oldest.close(true);
        }
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated) {
            AUDIT.info("ssh login: {} ({}) from {}", LogText.of(session.getUsername()),
                    session.getAttribute(SshListener.ROLE).label(),
                    session.getRemoteAddress());
        }
    }

    @Override
    public void sessionClosed(Session session) {
        boolean admitted;
        synchronized (this) {
            waiting.remove(session);
            admitted = session.getAttribute(ADMITTED) != null;
            if (admitted) {
                consoles--;
            }
        }
        if (session.isAuthenticated()) {
            AUDIT.info("ssh logout: {} from {}", LogText.of(session.getUsername()), session.getRemoteAddress());
        } else if (!admitted) {
            String user = session.getAttribute(TRIED_USER);
            AUDIT.warn("ssh connection from {} closed without login{}", session.getRemoteAddress(),
                    user == null ? ": no public key offered (only public keys are accepted)" : ": tried " + user);
        }
    }
}
