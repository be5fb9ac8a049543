package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Transport;

/**
 * The endpoints of a connected socket's two sides: {@code tcp://address:port}, or on a Unix
 * socket the endpoint connected to (its sides have no names of their own). A socket that
 * cannot tell its address any more (it closed) gives the endpoint connected to as well.
 */
final class SocketEndpoints {
    private SocketEndpoints() {
    }

    /** This side of {@code socket}, connected to or accepted on {@code endpoint}. */
    static Endpoint local(FramedSocket socket, Endpoint endpoint) {
        try {
            return endpoint.transport() == Transport.UNIX ? endpoint : tcp(socket.channel().getLocalAddress());
        } catch (IOException e) {
            return endpoint;
        }
    }

    /** The peer's side of {@code socket}, connected to or accepted on {@code endpoint}. */
    static Endpoint remote(FramedSocket socket, Endpoint endpoint) {
        try {
            return endpoint.transport() == Transport.UNIX ? endpoint : tcp(socket.channel().getRemoteAddress());
        } catch (IOException e) {
            return endpoint;
        }
    }

    private static Endpoint tcp(SocketAddress address) {
        InetSocketAddress a = (InetSocketAddress) address;
        return Endpoint.tcp(a.getAddress().getHostAddress(), a.getPort());
    }
}
