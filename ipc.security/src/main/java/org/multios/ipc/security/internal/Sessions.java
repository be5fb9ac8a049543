package org.multios.ipc.security.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.spi.PosixCaller;
import org.multios.ipc.spi.QuotaLedger;
import org.osgi.framework.Bundle;

/**
 * The bundles that use IPC services now, each with its caller context. A bundle becomes an
 * IPC process when it first gets a guarded service (the original specification's
 * {@code register_process_ipc}) and stops being one when it has released them all.
 */
final class Sessions {
    private final Map<Long, Session> byBundle = new HashMap<>();
    private volatile SecurityPolicy policy;

    private static final class Session {
        final PosixCaller caller;
        int uses;

        Session(PosixCaller caller) {
            this.caller = caller;
        }
    }

    Sessions(SecurityPolicy policy) {
        this.policy = policy;
    }

    /** Applies a new policy to every later session. */
    void policy(SecurityPolicy newPolicy) {
        this.policy = newPolicy;
    }

    /** The caller context of a bundle, counting one more use. */
    synchronized PosixCaller acquire(Bundle bundle) {
        Session s = byBundle.computeIfAbsent(bundle.getBundleId(), id -> {
            SecurityPolicy p = policy;
            IpcProcess process = p.identities().processOf(id, bundle.getSymbolicName());
            return new Session(new PosixCaller(process, new QuotaLedger(process.toString(), p.quotas())));
        });
        s.uses++;
        return s.caller;
    }

    /** The caller context of a bundle that uses IPC services now, else null. */
    synchronized PosixCaller callerOf(Bundle bundle) {
        Session s = byBundle.get(bundle.getBundleId());
        return s == null ? null : s.caller;
    }

    /** Counts one use less; the bundle stops being an IPC process at none. */
    synchronized void release(Bundle bundle) {
        Session s = byBundle.get(bundle.getBundleId());
        if (s != null && --s.uses <= 0) {
            byBundle.remove(bundle.getBundleId());
        }
    }

    /** The IPC processes known now, by bundle id. */
    synchronized List<IpcProcess> processes() {
        List<IpcProcess> list = new ArrayList<>();
        byBundle.values().forEach(s -> list.add(s.caller.process()));
        list.sort(Comparator.comparingLong(IpcProcess::id));
        return list;
    }
}
