package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.util.Optional;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Transport;
import org.multios.ipc.net.internal.wire.Handshake;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.PeerAuthority;

import jdk.net.ExtendedSocketOptions;
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
     * @param listener how messages name the listener
     * @throws IpcException as the authority refuses; IO_ERROR if the socket cannot tell
     */
    static CallerContext of(PeerAuthority authority, long id, FramedSocket socket, Endpoint endpoint,
            Handshake.Hello hello, boolean requireAuthentication, String listener) {
        try {
            if (endpoint.transport() == Transport.UNIX) {
                UnixDomainPrincipal p = socket.channel().getOption(ExtendedSocketOptions.SO_PEERCRED);
                return authority.localPeer(id, p.user().getName(), p.group().getName(), hello.pid());
            }
            TlsLink tls = socket.tls();
            return authority.remotePeer(id, SocketEndpoints.remote(socket, endpoint).toString(), hello.token(),
                    tls == null ? Optional.empty() : tls.peerSubject(), requireAuthentication);
        } catch (IOException e) {
            throw new IpcException(IpcError.IO_ERROR, listener + ": cannot identify the peer: " + e.getMessage(), e);
        }
    }
}
