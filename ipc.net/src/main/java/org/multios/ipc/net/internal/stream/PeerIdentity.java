package org.multios.ipc.net.internal.stream;

import java.util.Optional;

import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Transport;
import org.multios.ipc.net.internal.wire.Handshake;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.PeerAuthority;

import jdk.net.UnixDomainPrincipal;

/**
 * Who the peer of an accepted connection is, as the {@link PeerAuthority} maps it to a caller
 * context: on a Unix socket the user and group the kernel reports (SO_PEERCRED); on TCP the
 * token of its HELLO and the subject of its TLS client certificate, if it presented one.
 */
final class PeerIdentity {
    private PeerIdentity() {
    }

    /**
     * @param id       the connection's number
     * @param endpoint the endpoint the connection was accepted on
     * @param unixPeer on a Unix socket, its peer's credentials as read when it was accepted
     *                 ({@link PeerCredentials}); null on TCP
     * @throws IpcException as the authority refuses
     */
    static CallerContext of(PeerAuthority authority, long id, FramedSocket socket, Endpoint endpoint,
            Handshake.Hello hello, boolean requireAuthentication, UnixDomainPrincipal unixPeer) {
        if (endpoint.transport() == Transport.UNIX) {
            return authority.localPeer(id, unixPeer.user().getName(), unixPeer.group().getName(), hello.pid());
        }
        TlsLink tls = socket.tls();
        return authority.remotePeer(id, SocketEndpoints.remote(socket, endpoint).toString(), hello.token(),
                tls == null ? Optional.empty() : tls.peerSubject(), requireAuthentication);
    }
}
