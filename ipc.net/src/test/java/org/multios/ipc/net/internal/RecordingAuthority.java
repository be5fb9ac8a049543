package org.multios.ipc.net.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.multios.ipc.IpcException;
import org.multios.ipc.net.AuthToken;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.PeerAuthority;

/**
 * A peer authority for tests: accepts TCP peers whose token is {@code token} (or that present
 * none), records every token and certificate subject it is shown, and otherwise acts as the
 * plain-Java one.
 */
final class RecordingAuthority implements PeerAuthority {
    private final PosixPeers posix = new PosixPeers();
    private final AuthToken token;
    final List<AuthToken> tokens = new CopyOnWriteArrayList<>();
    final List<Optional<String>> subjects = new CopyOnWriteArrayList<>();

    RecordingAuthority(AuthToken token) {
        this.token = token;
    }

    @Override
    public CallerContext localPeer(long connection, String user, String group, long pid) {
        return posix.localPeer(connection, user, group, pid);
    }

    @Override
    public CallerContext remotePeer(long connection, String address, Optional<AuthToken> presented,
            boolean required) {
        return remotePeer(connection, address, presented, Optional.empty(), required);
    }

    @Override
    public CallerContext remotePeer(long connection, String address, Optional<AuthToken> presented,
            Optional<String> certificateSubject, boolean required) {
        presented.ifPresent(tokens::add);
        subjects.add(certificateSubject);
        if (presented.isPresent() && !presented.get().equals(token)) {
            throw IpcException.permissionDenied("connect", "with a token the test does not know", address);
        }
        return posix.remotePeer(connection, address, Optional.empty(), false);
    }

    @Override
    public boolean isAuthenticated(CallerContext peer) {
        return posix.isAuthenticated(peer);
    }

    @Override
    public void release(CallerContext peer) {
        posix.release(peer);
    }
}
