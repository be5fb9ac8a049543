package org.multios.ipc.security.internal;

import java.util.function.Predicate;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.framework.Bundle;

/**
 * What one bundle may do with the platform as a whole, by the policy in force at each call:
 * with the platform's ADMIN right ({@link PlatformAdmins}) it may revoke, collect stale objects
 * and list every object; without it, it sees only the objects it made or holds a right on, and
 * every refusal is a PERMISSION_DENIED and an audit line.
 */
final class AdminGate {
    private final Sessions sessions;
    private final Bundle bundle;
    private final boolean trusted;

    AdminGate(Sessions sessions, Bundle bundle, boolean trusted) {
        this.sessions = sessions;
        this.bundle = bundle;
        this.trusted = trusted;
    }

    /** Whether the bundle holds the right now (never while no policy is in force). */
    boolean isAdmin() {
        SecurityPolicy p = sessions.policyOrNull();
        if (p == null) {
            return false;
        }
        BundleFacts facts = BundleFacts.of(bundle);
        return p.admins().includes(p.identities().processOf(bundle.getBundleId(), facts), facts, trusted);
    }

    /**
     * Checks the right for an operation on the platform.
     *
     * @throws IpcException PERMISSION_DENIED naming the operation and the bundle, audited
     */
    void require(String operation) {
        if (!isAdmin()) {
            String who = "bundle " + bundle.getBundleId() + " (" + bundle.getSymbolicName() + ", location "
                    + bundle.getLocation() + ")";
            String what = "the IPC platform (the platform's ADMIN right is configured by 'admins' in " + PlatformConfiguration.SECURITY_PID
                    + "; none configured: the trusted bundles)";
            sessions.audit().denied(who, operation, what);
            throw IpcException.permissionDenied(operation, what, who);
        }
    }

    /**
     * Which objects the bundle may see in a listing: an admin every one, others those they made
     * and those they hold a right on (by the policy in force now).
     */
    Predicate<ObjectInfo> listing() {
        SecurityPolicy p = sessions.policyOrNull();
        if (p == null) {
            return o -> false;
        }
        BundleFacts facts = BundleFacts.of(bundle);
        IpcProcess process = p.identities().processOf(bundle.getBundleId(), facts);
        if (p.admins().includes(process, facts, trusted)) {
            return o -> true;
        }
        return o -> isCreator(o, process) || o.name().isPresent()
                && p.access().rights(process, facts, o.type(), o.name().get(), o.permissions()) != Rights.NONE;
    }

    private static boolean isCreator(ObjectInfo object, IpcProcess process) {
        return object.creator().kind() == process.kind() && object.creator().id() == process.id();
    }
}
