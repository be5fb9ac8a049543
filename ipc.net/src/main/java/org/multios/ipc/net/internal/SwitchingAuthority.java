package org.multios.ipc.net.internal;

import java.util.Optional;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.AuthToken;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.PeerAuthority;

/**
 * The peer authority of the security bundle while it runs. Without it every handshake is
 * refused (UNAVAILABLE): the network fails closed, and the mechanism itself need not restart
 * when security does.
 */
final class SwitchingAuthority implements PeerAuthority {
    private volatile PeerAuthority current;

    void set(PeerAuthority authority) {
        this.current = authority;
    }

    void unset(PeerAuthority authority) {
        if (current == authority) {
            current = null;
        }
    }

    private PeerAuthority current() {
        PeerAuthority a = current;
        if (a == null) {
            throw new IpcException(IpcError.UNAVAILABLE, "IPC security is not running; no peer is admitted");
        }
        return a;
    }

    @Override
    public CallerContext localPeer(long connection, String user, String group, long pid) {
        return current().localPeer(connection, user, group, pid);
    }

    @Override
    public CallerContext remotePeer(long connection, String address, Optional<AuthToken> token, boolean required) {
        return current().remotePeer(connection, address, token, required);
    }

    @Override
    public CallerContext remotePeer(long connection, String address, Optional<AuthToken> token,
            Optional<String> certificateSubject, boolean required) {
        return current().remotePeer(connection, address, token, certificateSubject, required);
    }

    @Override
    public boolean isAuthenticated(CallerContext peer) {
        PeerAuthority a = current;
        return a != null && a.isAuthenticated(peer);
    }

    @Override
    public void release(CallerContext peer) {
        PeerAuthority a = current;
        if (a != null) {
            a.release(peer);
        }
    }
}
