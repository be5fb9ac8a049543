package org.multios.ipc.security.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.local.QuotaLedger;
import org.osgi.framework.Bundle;

/**
 * The bundles that use IPC services now, each with its caller context. A bundle becomes an
 * IPC process when it first gets a guarded service (the original specification's
 * {@code register_process_ipc}) and stops being one when it has released them all. The peers
 * of network connections are IPC processes too, from their handshake to the end of their
 * connection. While no policy is in force nobody becomes an IPC process and no open is decided.
 */
final class Sessions {
    private final Map<Long, Session> byBundle = new HashMap<>();
    private final Map<Long, Peer> byConnection = new HashMap<>();
    private final GrantRegistry grants = new GrantRegistry();
    private volatile SecurityPolicy policy;
    private volatile AuditLog audit = new AuditLog(SecurityPolicy.DEFAULT_AUDIT_RATE);

    private static final class Session {
        final SecurityCaller caller;
        int uses;

        Session(SecurityCaller caller) {
            this.caller = caller;
        }
    }

    private record Peer(SecurityCaller caller, boolean authenticated) {
    }

    /**
     * Applies a new policy: its rules to every later open, its identities and quotas to later
     * sessions, its audit log to every later denial; a null policy for none, after which every
     * session and open is refused.
     */
    void policy(SecurityPolicy newPolicy, AuditLog newAudit) {
        grants.exclusive(() -> {
            this.policy = newPolicy;
            this.audit = newAudit;
        });
    }

    /** The policy in force, else null. */
    SecurityPolicy policyOrNull() {
        return policy;
    }

    /**
     * The policy in force.
     *
     * @throws IpcException UNAVAILABLE while none is
     */
    SecurityPolicy policy() {
        SecurityPolicy p = policy;
        if (p == null) {
            throw new IpcException(IpcError.UNAVAILABLE, "no IPC security policy is in force (see ipc:rules)");
        }
        return p;
    }

    GrantRegistry grants() {
        return grants;
    }

    AuditLog audit() {
        return audit;
    }

    /**
     * The caller context of a bundle, counting one more use.
     *
     * @throws IpcException UNAVAILABLE while no policy is in force
     */
    synchronized SecurityCaller acquire(Bundle bundle) {
        SecurityPolicy p = policy();
        Session s = byBundle.computeIfAbsent(bundle.getBundleId(), id -> {
            BundleFacts facts = BundleFacts.of(bundle);
            return new Session(newCaller(p.identities().processOf(id, facts), facts, p));
        });
        s.uses++;
        return s.caller;
    }

    private SecurityCaller newCaller(IpcProcess process, BundleFacts bundle, SecurityPolicy p) {
        return new SecurityCaller(process, bundle, new QuotaLedger(process.toString(), p.quotas()),
                () -> policy().access(), grants, () -> audit);
    }

    /** The caller context of a bundle that uses IPC services now, else null. */
    synchronized SecurityCaller callerOf(Bundle bundle) {
        Session s = byBundle.get(bundle.getBundleId());
        return s == null ? null : s.caller;
    }

    /** Counts one use less; the bundle stops being an IPC process at none. */
    synchronized void release(Bundle bundle) {
        Session s = byBundle.get(bundle.getBundleId());
        if (s != null && --s.uses <= 0) {
            byBundle.remove(bundle.getBundleId());
            grants.forget(bundle.getBundleId());
        }
    }

    /**
     * The caller context of the peer of a new connection (or of a console operator at login), with
     * the quotas of the policy in force.
     *
     * @param process       the peer, its id the connection's number
     * @param authenticated whether the peer's identity was established (by the kernel or a token)
     * @throws IpcException INVALID_ARGUMENT if the connection already has a peer; UNAVAILABLE while
     *         no policy is in force
     */
    synchronized SecurityCaller connect(IpcProcess process, boolean authenticated) {
        SecurityPolicy p = policy();
        if (byConnection.containsKey(process.id())) {
            throw IpcException.invalidArgument("connection " + process.id() + " already has a peer: "
                    + byConnection.get(process.id()).caller().process());
        }
        SecurityCaller caller = newCaller(process, null, p);
        byConnection.put(process.id(), new Peer(caller, authenticated));
        return caller;
    }

    /** Whether the context is of a connected peer whose identity was established. */
    boolean isAuthenticated(CallerContext peer) {
        long id = peer.process().id();
        synchronized (this) {
            Peer p = byConnection.get(id);
            return p != null && p.caller() == peer && p.authenticated();
        }
    }

    /** The peer's connection ended: it stops being an IPC process and its grants are forgotten. */
    void disconnect(CallerContext peer) {
        long id = peer.process().id();
        synchronized (this) {
            Peer p = byConnection.get(id);
            if (p != null && p.caller() == peer) {
                byConnection.remove(id);
                grants.forget(id);
            }
        }
    }

    /** Quota use of every session and peer. */
    synchronized Map<IpcProcess, Map<org.multios.ipc.Quota, Long>> quotaUse() {
        Map<IpcProcess, Map<org.multios.ipc.Quota, Long>> use = new java.util.LinkedHashMap<>();
        byBundle.values().forEach(s -> use.put(s.caller.process(), s.caller.quotas().usage()));
        byConnection.values().forEach(p -> use.put(p.caller().process(), p.caller().quotas().usage()));
        return use;
    }

    /** The IPC processes known now, by id: bundles, then peers. */
    synchronized List<IpcProcess> processes() {
        List<IpcProcess> list = new ArrayList<>();
        byBundle.values().forEach(s -> list.add(s.caller.process()));
        byConnection.values().forEach(p -> list.add(p.caller().process()));
        list.sort(Comparator.comparingLong(IpcProcess::id));
        return list;
    }
}
