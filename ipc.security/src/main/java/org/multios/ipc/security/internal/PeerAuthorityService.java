package org.multios.ipc.security.internal;

import java.util.Optional;
import java.util.Set;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.net.AuthToken;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.PeerAuthority;

/**
 * The peers of network connections as the policy sees them. A Unix-domain peer acts as the
 * user and group the kernel gave; a TCP peer as the identity its token's digest is mapped to,
 * or, without a token where the listener allows it, as the remote user. The access rules, the
 * mode bits and the per-process quotas then apply to peers as to bundles, and every refused
 * handshake is audited. Thread-safe.
 *
 * <p>A peer's process id is its connection's number. ipc.net numbers connections from
 * {@value #FIRST_CONNECTION} (2<sup>32</sup>) up, above every bundle id, so that grants,
 * revocation and the process list never take a peer for a bundle; a lower number is refused.
 */
final class PeerAuthorityService implements PeerAuthority {
    /** The lowest connection number: 2<sup>32</sup>. */
    static final long FIRST_CONNECTION = 1L << 32;

    private final Sessions sessions;

    PeerAuthorityService(Sessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public CallerContext localPeer(long connection, String user, String group, long pid) {
        checkConnection(connection);
        return sessions.connect(new IpcProcess(ProcessKind.REMOTE, connection,
                "unix peer" + (pid > 0 ? " pid " + pid : ""), pid > 0 ? pid : 0, 0, user, Set.of(group)), true);
    }

    @Override
    public CallerContext remotePeer(long connection, String address, Optional<AuthToken> token, boolean required) {
        checkConnection(connection);
        String name = "tcp peer " + address;
        PeerIdentities peers = sessions.policy().peers();  // UNAVAILABLE while no policy is in force
        if (token.isPresent()) {
            PeerIdentities.Identity id = peers.byToken(token.get());
            if (id == null) {
                throw refused(connection, name, "with a token the policy does not know");
            }
            return sessions.connect(peer(connection, name, id), true);
        }
        if (required) {
            throw refused(connection, name, "without a token (authentication required)");
        }
        return sessions.connect(peer(connection, name, peers.anonymous()), false);
    }

    /**
     * A TLS peer whose verified client certificate's subject the policy maps acts as that
     * identity; a token it presents as well must map to the same user. Otherwise the token decides.
     */
    @Override
    public CallerContext remotePeer(long connection, String address, Optional<AuthToken> token,
            Optional<String> certificateSubject, boolean required) {
        PeerIdentities.Identity byCertificate = certificateSubject.map(s -> sessions.policy().peers().bySubject(s))
                .orElse(null);
        if (byCertificate == null) {
            return remotePeer(connection, address, token, required);
        }
        checkConnection(connection);
        String name = "tcp peer " + address + " (certificate " + certificateSubject.get() + ")";
        if (token.isPresent()) {
            PeerIdentities.Identity byToken = sessions.policy().peers().byToken(token.get());
            if (byToken == null || !byToken.user().equals(byCertificate.user())) {
                throw refused(connection, name, "with a token that does not name its certificate's user "
                        + byCertificate.user());
            }
        }
        return sessions.connect(peer(connection, name, byCertificate), true);
    }

    @Override
    public boolean isAuthenticated(CallerContext peer) {
        return sessions.isAuthenticated(peer);
    }

    @Override
    public void release(CallerContext peer) {
        sessions.disconnect(peer);
    }

    private static IpcProcess peer(long connection, String name, PeerIdentities.Identity id) {
        return new IpcProcess(ProcessKind.REMOTE, connection, name, 0, 0, id.user(), id.groups());
    }

    /** Audits a refused handshake; the message names the peer, never its token. */
    private IpcException refused(long connection, String name, String how) {
        String who = "peer " + connection + " (" + name + ")";
        sessions.audit().denied(who, "connect", how);
        return IpcException.permissionDenied("connect", how, who);
    }

    private static void checkConnection(long connection) {
        if (connection < FIRST_CONNECTION) {
            throw IpcException.invalidArgument("connection number " + connection + " is below " + FIRST_CONNECTION
                    + ", where it could be taken for a bundle id");
        }
    }
}
