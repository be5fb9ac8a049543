package org.multios.ipc.security.internal;

import java.util.function.Supplier;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.local.QuotaLedger;

/**
 * A bundle as the mechanisms see it: access decided at open by the policy in force then,
 * grants remembered for revocation, quotas, and every denial written to the audit log.
 * Public (in a private package) only for {@link #standalone}, which measurements outside the
 * framework use to compare guarded and unguarded calls.
 */
public final class SecurityCaller implements CallerContext {
    private final IpcProcess process;
    private final BundleFacts bundle;
    private final QuotaLedger quotas;
    private final Supplier<AccessPolicy> policy;
    private final GrantRegistry grants;
    private final Supplier<AuditLog> audit;
    private volatile Runnable decided;

    /** A caller; {@code bundle} is null for a process that is no bundle (a network peer). */
    SecurityCaller(IpcProcess process, BundleFacts bundle, QuotaLedger quotas, Supplier<AccessPolicy> policy,
            GrantRegistry grants, Supplier<AuditLog> audit) {
        this.process = process;
        this.bundle = bundle;
        this.quotas = quotas;
        this.policy = policy;
        this.grants = grants;
        this.audit = audit;
    }

    /**
     * A caller context as ipc.security makes them, outside the framework: the given process and
     * rules, no quotas, audit at ten lines a second.
     */
    public static CallerContext standalone(IpcProcess process, java.util.List<String> rules) {
        AccessPolicy policy = AccessPolicy.of(rules);
        AuditLog audit = new AuditLog(10);
        return new SecurityCaller(process, null, new QuotaLedger(process.toString(), java.util.Map.of()), () -> policy,
                new GrantRegistry(), () -> audit);
    }

    @Override
    public IpcProcess process() {
        return process;
    }

    QuotaLedger quotas() {
        return quotas;
    }

    /** Installs a test hook run between reading the policy and registering the grant (null: none). */
    void hook(Runnable decided) {
        this.decided = decided;
    }

    /**
     * Decides by the policy in force and registers the grant as one step (see
     * {@link GrantRegistry#register}): a revocation or policy change that returned before this
     * one's decision is seen by it, and one that starts later reaches its grant.
     */
    @Override
    public Grant authorize(ObjectType type, String name, Permissions permissions, int requested) {
        return grants.register(process.id(), type, name, () -> {
            int granted = policy.get().rights(process, bundle, type, name, permissions);
            Runnable h = decided;
            if (h != null) {
                h.run();
            }
            if (!Rights.includes(granted, requested)) {
                String object = type.label() + " '" + name + "' (" + permissions + ")";
                String operation = verb(requested & ~granted);
                audit.get().denied(process + " as " + process.user(), operation, object);
                throw IpcException.permissionDenied(operation, object, process + " as " + process.user());
            }
            return new Grant(granted);
        });
    }

    @Override
    public Grant register(ObjectType type, String name, Grant grant) {
        grants.add(process.id(), type, name, grant);
        return grant;
    }

    private static String verb(int missing) {
        if ((missing & Rights.ADMIN) != 0) {
            return "administer";
        }
        return (missing & Rights.WRITE) != 0 ? "write to" : "read from";
    }

    @Override
    public void denied(ObjectType type, String name, String operation) {
        audit.get().denied(process + " as " + process.user(), operation, type.label() + " '" + name + "'");
    }

    @Override
    public void reserve(Quota quota, long amount) {
        quotas.reserve(quota, amount);
    }

    @Override
    public void release(Quota quota, long amount) {
        quotas.release(quota, amount);
    }
}
