package org.multios.ipc.security.internal;

import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.framework.Bundle;

/**
 * What one bundle or console operator may do with the platform as a whole, by the policy in
 * force at each call: with the platform's ADMIN right ({@link PlatformAdmins}) it may revoke,
 * collect stale objects and list every object; without it, it sees only the objects it made or
 * holds a right on, and every refusal is a PERMISSION_DENIED and an audit line.
 */
final class AdminGate {
    private final Sessions sessions;
    private final Function<SecurityPolicy, IpcProcess> process;
    private final Supplier<BundleFacts> facts;
    private final Predicate<SecurityPolicy> admin;
    private final Supplier<String> who;

    private AdminGate(Sessions sessions, Function<SecurityPolicy, IpcProcess> process, Supplier<BundleFacts> facts,
            Predicate<SecurityPolicy> admin, Supplier<String> who) {
        this.sessions = sessions;
        this.process = process;
        this.facts = facts;
        this.admin = admin;
        this.who = who;
    }

    /** The gate of a bundle, as the policy in force at each call identifies it. */
    AdminGate(Sessions sessions, Bundle bundle, boolean trusted) {
        this(sessions, p -> p.identities().processOf(bundle.getBundleId(), BundleFacts.of(bundle)),
                () -> BundleFacts.of(bundle),
                p -> p.admins().includes(p.identities().processOf(bundle.getBundleId(), BundleFacts.of(bundle)),
                        BundleFacts.of(bundle), trusted),
                () -> "bundle " + bundle.getBundleId() + " (" + bundle.getSymbolicName() + ", location "
                        + bundle.getLocation() + ")");
    }

    /** The gate of a console operator, who acts as the process it logged in as. */
    static AdminGate ofOperator(Sessions sessions, IpcProcess operator) {
        return new AdminGate(sessions, p -> operator, () -> null, p -> p.admins().includesOperator(operator),
                () -> operator + " as " + operator.user());
    }

    /** Whether the bundle or operator holds the right now (never while no policy is in force). */
    boolean isAdmin() {
        SecurityPolicy p = sessions.policyOrNull();
        return p != null && admin.test(p);
    }

    /**
     * Checks the right for an operation on the platform.
     *
     * @throws IpcException PERMISSION_DENIED naming the operation and who asked, audited
     */
    void require(String operation) {
        if (!isAdmin()) {
            String what = "the IPC platform (the platform's ADMIN right is configured by 'admins' in " + PlatformConfiguration.SECURITY_PID
                    + "; none configured: the trusted bundles)";
            sessions.audit().denied(who.get(), operation, what);
            throw IpcException.permissionDenied(operation, what, who.get());
        }
    }

    /**
     * Which objects may be seen in a listing: an admin every one, others those they made and
     * those they hold a right on (by the policy in force now).
     */
    Predicate<ObjectInfo> listing() {
        SecurityPolicy p = sessions.policyOrNull();
        if (p == null) {
            return o -> false;
        }
        if (admin.test(p)) {
            return o -> true;
        }
        BundleFacts f = facts.get();
        IpcProcess caller = process.apply(p);
        return o -> isCreator(o, caller) || o.name().isPresent()
                && p.access().rights(caller, f, o.type(), o.name().get(), o.permissions()) != Rights.NONE;
    }

    /**
     * Whether the process made the object: the same kind and id in the same OS process (pid and
     * start time), since a named object records the bundle that made it and bundle ids repeat
     * across gateways and restarts. A process whose start time is unknown (a console operator or
     * a network peer: their numbers start again with every gateway run) is never taken for the
     * creator: a session of a later run would match what a session of an earlier one made. It
     * sees those objects by its rights, as anyone does.
     */
    private static boolean isCreator(ObjectInfo object, IpcProcess process) {
        return process.startTimeMillis() != 0 && object.creator().equals(process);
    }
}
