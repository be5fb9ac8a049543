package org.multios.ipc.net.internal.datagram;

import java.util.LinkedHashMap;
import java.util.Map;

import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;

/**
 * The owner's access decision on each target a {@link UdpEndpoint} sends to, as a connection's is
 * on the endpoint it reaches: the policy's rules on {@code endpoint:udp://host:port} apply to
 * sends, not only to binding. The grants of the {@value #KEPT} targets sent to last are kept
 * (each registered, so a revocation of the owner's handles on that target reaches it) and tested
 * at every send: a server answering many clients decides each client once, not at every change
 * of target, and a revoked target stays refused while it is kept. A target no longer kept is
 * decided afresh, as a new connection would be.
 */
final class TargetGrants {
    /** Targets whose grants are kept. */
    static final int KEPT = 64;

    private final CallerContext owner;
    /** Guarded by itself; in order of use, the least recent first. */
    private final Map<Endpoint, Grant> grants = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Endpoint, Grant> eldest) {
            return size() > KEPT;
        }
    };

    TargetGrants(CallerContext owner) {
        this.owner = owner;
    }

    /**
     * Checks that the owner may send to {@code target} (a UDP endpoint).
     *
     * @param operation what a refusal names, {@code send to}
     * @throws IpcException PERMISSION_DENIED, audited, if the policy denies it or the grant on it
     *         was revoked
     */
    void requireWrite(Endpoint target, String operation) {
        Grant grant;
        synchronized (grants) {
            grant = grants.get(target);
        }
        if (grant == null) {
            grant = owner.authorize(ObjectType.ENDPOINT, target.toString(), Permissions.of(owner.process(), 0600),
                    Rights.WRITE); // outside the lock: the policy decides, and may refuse
            synchronized (grants) {
                Grant raced = grants.putIfAbsent(target, grant);
                grant = raced != null ? raced : grant;
            }
        }
        if (!grant.allows(Rights.WRITE)) {
            owner.denied(ObjectType.ENDPOINT, target.toString(), operation);
            throw IpcException.permissionDenied(operation, "endpoint " + target + " (rights on it revoked)",
                    owner.process().toString());
        }
    }
}
