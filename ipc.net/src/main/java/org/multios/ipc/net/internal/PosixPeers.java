package org.multios.ipc.net.internal;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.net.AuthToken;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.PeerAuthority;
import org.multios.ipc.local.PosixCaller;

/**
 * The peer authority of the plain-Java bootstrap, where no security policy is configured:
 * Unix-socket peers act as the user and group the kernel reports, with POSIX access; no token
 * is known, so TCP peers are refused where authentication is required and act as
 * {@value #ANONYMOUS_USER} (only the "other" mode bits) where it is not.
 */
final class PosixPeers implements PeerAuthority {
    static final String ANONYMOUS_USER = "nobody";
    private static final String ANONYMOUS_GROUP = "nogroup";

    private final Set<CallerContext> local = ConcurrentHashMap.newKeySet();

    @Override
    public CallerContext localPeer(long connection, String user, String group, long pid) {
        IpcProcess p = new IpcProcess(ProcessKind.REMOTE, connection, "unix peer" + (pid > 0 ? " pid " + pid : ""),
                Math.max(0, pid), 0, user, Set.of(group));
        CallerContext c = PosixCaller.unlimited(p);
        local.add(c);
        return c;
    }

    @Override
    public CallerContext remotePeer(long connection, String address, Optional<AuthToken> token, boolean required) {
        String who = "tcp peer " + address;
        if (token.isPresent()) {
            throw IpcException.permissionDenied("connect with a token", "this process (no tokens are configured "
                    + "outside the gateway)", who);
        }
        if (required) {
            throw IpcException.permissionDenied("connect without a token (authentication required)", "the listener",
                    who);
        }
        IpcProcess p = new IpcProcess(ProcessKind.REMOTE, connection, who, 0, 0, ANONYMOUS_USER,
                Set.of(ANONYMOUS_GROUP));
        return PosixCaller.unlimited(p);
    }

    @Override
    public boolean isAuthenticated(CallerContext peer) {
        return local.contains(peer);
    }

    @Override
    public void release(CallerContext peer) {
        local.remove(peer);
    }
}
