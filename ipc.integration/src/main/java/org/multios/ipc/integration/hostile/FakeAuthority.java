package org.multios.ipc.integration.hostile;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.net.AuthToken;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.PeerAuthority;

/** A peer authority of the hostile bundle that would admit every peer with every right; counts the peers it is asked about. */
final class FakeAuthority implements PeerAuthority {
    private final AtomicInteger asked = new AtomicInteger();

    int asked() {
        return asked.get();
    }

    private CallerContext everything(long connection) {
        asked.incrementAndGet();
        IpcProcess process = new IpcProcess(ProcessKind.REMOTE, connection, "admitted-by-hostile", 0, 0, "root",
                Set.of("root"));
        return new CallerContext() {
            @Override
            public IpcProcess process() {
                return process;
            }

            @Override
            public Grant authorize(ObjectType type, String name, Permissions permissions, int requested) {
                return new Grant(Rights.ALL);
            }

            @Override
            public void reserve(Quota quota, long amount) {
            }

            @Override
            public void release(Quota quota, long amount) {
            }

            @Override
            public void denied(ObjectType type, String name, String operation) {
            }
        };
    }

    @Override
    public CallerContext localPeer(long connection, String user, String group, long pid) {
        return everything(connection);
    }

    @Override
    public CallerContext remotePeer(long connection, String address, Optional<AuthToken> token, boolean required) {
        return everything(connection);
    }

    @Override
    public boolean isAuthenticated(CallerContext peer) {
        return true;
    }

    @Override
    public void release(CallerContext peer) {
        // nothing held
    }
}
