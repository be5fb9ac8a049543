package org.multios.ipc.security.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.spi.QuotaLedger;
import org.osgi.framework.Bundle;

/**
 * The bundles that use IPC services now, each with its caller context. A bundle becomes an
 * IPC process when it first gets a guarded service (the original specification's
 * {@code register_process_ipc}) and stops being one when it has released them all.
 */
final class Sessions {
    private final Map<Long, Session> byBundle = new HashMap<>();
    private final GrantRegistry grants = new GrantRegistry();
    private volatile SecurityPolicy policy;
    private volatile AuditLog audit;

    private static final class Session {
        final SecurityCaller caller;
        int uses;

        Session(SecurityCaller caller) {
            this.caller = caller;
        }
    }

    Sessions(SecurityPolicy policy, AuditLog audit) {
        this.policy = policy;
        this.audit = audit;
    }

    /** Applies a new policy: its rules to every later open, its identities and quotas to later sessions. */
    void policy(SecurityPolicy newPolicy, AuditLog newAudit) {
        this.policy = newPolicy;
        this.audit = newAudit;
    }

    SecurityPolicy policy() {
        return policy;
    }

    GrantRegistry grants() {
        return grants;
    }

    /** The caller context of a bundle, counting one more use. */
    synchronized SecurityCaller acquire(Bundle bundle) {
        Session s = byBundle.computeIfAbsent(bundle.getBundleId(), id -> {
            SecurityPolicy p = policy;
            IpcProcess process = p.identities().processOf(id, bundle.getSymbolicName());
            return new Session(new SecurityCaller(process, new QuotaLedger(process.toString(), p.quotas()),
                    () -> policy.access(), grants, () -> audit));
        });
        s.uses++;
        return s.caller;
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

    /** Quota use of every session. */
    synchronized Map<IpcProcess, Map<org.multios.ipc.Quota, Long>> quotaUse() {
        Map<IpcProcess, Map<org.multios.ipc.Quota, Long>> use = new java.util.LinkedHashMap<>();
        byBundle.values().forEach(s -> use.put(s.caller.process(), s.caller.quotas().usage()));
        return use;
    }

    /** The IPC processes known now, by bundle id. */
    synchronized List<IpcProcess> processes() {
        List<IpcProcess> list = new ArrayList<>();
        byBundle.values().forEach(s -> list.add(s.caller.process()));
        list.sort(Comparator.comparingLong(IpcProcess::id));
        return list;
    }
}
