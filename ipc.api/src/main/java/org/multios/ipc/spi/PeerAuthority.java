package org.multios.ipc.spi;

import java.util.Optional;

import org.multios.ipc.net.AuthToken;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Turns the peers of network connections into callers: the identity a peer acts as, the access
 * decisions and quotas that apply to it, and the audit of its refusals. Registered by
 * ipc.security (its policy maps tokens to users); the plain-Java bootstrap's network mechanism
 * uses a POSIX-only authority of its own. ipc.net asks it once per connection, during the
 * handshake, and releases the peer when the connection ends.
 */
@ProviderType
public interface PeerAuthority {
    /**
     * The caller context of a process of this machine connected through a Unix-domain socket, as
     * the kernel identified it ({@code SO_PEERCRED}).
     *
     * @param connection the connection's number, unique in this framework
     * @param user       the peer's OS user name
     * @param group      the peer's primary OS group name
     * @param pid        the process id the peer declared in its handshake (not verified: shown,
     *                   never trusted), 0 if none
     */
    CallerContext localPeer(long connection, String user, String group, long pid);

    /**
     * The caller context of a TCP peer that presented the given token, or none.
     *
     * @param connection the connection's number, unique in this framework
     * @param address    the peer's address and port, for names and the audit log
     * @param token      the token the peer presented
     * @param required   whether the listener requires authentication
     * @throws org.multios.ipc.IpcException PERMISSION_DENIED if a token was presented and no
     *         identity has it, or none was presented and one is required; the refusal is audited
     */
    CallerContext remotePeer(long connection, String address, Optional<AuthToken> token, boolean required);

    /**
     * The caller context of a TCP peer over TLS: as {@link #remotePeer(long, String, Optional,
     * boolean)}, and the subject of the client certificate it presented (which the TLS handshake
     * verified), for an authority that maps subjects to identities. This default ignores the
     * subject: such a peer is known by its token alone.
     *
     * @param certificateSubject the subject (RFC 2253) of the peer's verified client certificate
     */
    default CallerContext remotePeer(long connection, String address, Optional<AuthToken> token,
            Optional<String> certificateSubject, boolean required) {
        return remotePeer(connection, address, token, required);
    }

    /** Whether the context is of a peer whose token the policy accepted. */
    boolean isAuthenticated(CallerContext peer);

    /** The connection of a peer ended: its grants and quotas are forgotten. */
    void release(CallerContext peer);
}
