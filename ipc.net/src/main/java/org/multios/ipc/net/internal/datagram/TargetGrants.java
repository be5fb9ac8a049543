package org.multios.ipc.net.internal.datagram;

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
 * sends, not only to binding. The grant on the last target is kept (registered, so a revocation
 * of the owner's handles on that target reaches it) and tested at every send to it; another
 * target is decided afresh.
 */
final class TargetGrants {
    private final CallerContext owner;
    private volatile Decided last;

    private record Decided(Endpoint target, Grant grant) {
    }

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
        Decided d = last;
        if (d == null || !d.target().equals(target)) {
            Grant grant = owner.authorize(ObjectType.ENDPOINT, target.toString(),
                    Permissions.of(owner.process(), 0600), Rights.WRITE);
            d = new Decided(target, grant);
            last = d;
        }
        if (!d.grant().allows(Rights.WRITE)) {
            owner.denied(ObjectType.ENDPOINT, target.toString(), operation);
            throw IpcException.permissionDenied(operation, "endpoint " + target + " (rights on it revoked)",
                    owner.process().toString());
        }
    }
}
