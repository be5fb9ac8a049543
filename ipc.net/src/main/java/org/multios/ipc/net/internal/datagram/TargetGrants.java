package org.multios.ipc.net.internal.datagram;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.internal.stream.Reach;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;

/**
 * The owner's access decision on each target a {@link UdpEndpoint} sends to, as a connection's is
 * on the endpoint it reaches: the policy's rules on {@code endpoint:udp://host:port} apply to
 * sends, not only to binding. The grants of the {@value #KEPT} targets sent to last are kept
 * (each registered, so a revocation of the owner's handles on that target reaches it) and tested
 * at every send: a server answering many clients decides each client once, not at every change
 * of target, and a revoked target stays refused while it is kept. A target no longer kept is
 * decided afresh, as a new connection would be. A target's host reaches the addresses its lookup
 * gives ({@link Reach}): each address a send of a kept target may use is decided once too, its
 * grant the target's (a lookup that gives a new address decides it before the send). A target
 * keeps at most {@value #REACHED} such addresses: a name whose answers keep changing (a pool, or a
 * resolver someone else controls) has its grant decided afresh then, and the old grant, with
 * every registration under its addresses, left to the collector, so what a target holds stays
 * bounded; a revoked grant stays, refusing, while the target is kept.
 */
final class TargetGrants {
    /** Targets whose grants are kept. */
    static final int KEPT = 64;
    /** Addresses a kept target's grant decided, at most. */
    static final int REACHED = 64;

    private final CallerContext owner;
    /** Guarded by itself; in order of use, the least recent first. */
    private final Map<Endpoint, Kept> grants = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Endpoint, Kept> eldest) {
            return size() > KEPT;
        }
    };

    /** A target's grant and the texts of what it reached that were decided (guarded by the map). */
    private record Kept(Grant grant, Set<String> reached) {
    }

    TargetGrants(CallerContext owner) {
        this.owner = owner;
    }

    /**
     * Checks that the owner may send to {@code target} (a UDP endpoint), before its host is
     * looked up: a denied caller learns nothing of its address.
     *
     * @param operation what a refusal names, {@code send to}
     * @throws IpcException PERMISSION_DENIED, audited, if the policy denies it or the grant on it
     *         was revoked
     */
    void requireWrite(Endpoint target, String operation) {
        requireAllowed(target, kept(target).grant(), operation);
    }

    /**
     * Checks that the owner may send to what a target's lookup reached (each address decided once
     * while the target is kept), after {@link #requireWrite}.
     *
     * @throws IpcException PERMISSION_DENIED, audited, if the policy denies an address
     */
    void requireReached(Reach reach, String operation) {
        if (reach.reached().isEmpty()) {
            return; // an address literal: its text was decided by requireWrite
        }
        Kept kept = kept(reach.endpoint());
        List<String> fresh = fresh(kept, reach.reached());
        if (!fresh.isEmpty() && reachedKept(reach.endpoint()) + fresh.size() > REACHED
                && kept.grant().allows(Rights.WRITE)) {
            synchronized (grants) {
                grants.remove(reach.endpoint(), kept); // decided afresh: the old grant's addresses go with it
            }
            kept = kept(reach.endpoint());
            fresh = fresh(kept, reach.reached());
        }
        if (!fresh.isEmpty()) {
            new Reach(reach.endpoint(), fresh, reach.address(), null).authorize(owner, kept.grant(), 0600, Rights.WRITE);
            synchronized (grants) {
                kept.reached().addAll(fresh);
            }
        }
        requireAllowed(reach.endpoint(), kept.grant(), operation);
    }

    /** What of {@code reached} the kept grant has not decided yet. */
    private List<String> fresh(Kept kept, List<String> reached) {
        synchronized (grants) {
            return reached.stream().filter(t -> !kept.reached().contains(t)).toList();
        }
    }

    /** The target's kept grant, decided now if none is kept (outside the lock: the policy may refuse). */
    private Kept kept(Endpoint target) {
        Kept kept;
        synchronized (grants) {
            kept = grants.get(target);
        }
        if (kept == null) {
            Grant grant = owner.authorize(ObjectType.ENDPOINT, target.toString(), Permissions.of(owner.process(),
                    0600), Rights.WRITE);
            Kept made = new Kept(grant, new HashSet<>());
            synchronized (grants) {
                Kept raced = grants.putIfAbsent(target, made);
                kept = raced != null ? raced : made;
            }
        }
        return kept;
    }

    /** The addresses of {@code target} decided under its kept grant (tests). */
    int reachedKept(Endpoint target) {
        synchronized (grants) {
            Kept kept = grants.get(target);
            return kept == null ? 0 : kept.reached().size();
        }
    }

    private void requireAllowed(Endpoint target, Grant grant, String operation) {
        if (!grant.allows(Rights.WRITE)) {
            owner.denied(ObjectType.ENDPOINT, target.toString(), operation);
            throw IpcException.permissionDenied(operation, "endpoint " + target + " (rights on it revoked)",
                    owner.process().toString());
        }
    }
}
