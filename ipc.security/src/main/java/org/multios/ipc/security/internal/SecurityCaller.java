package org.multios.ipc.security.internal;

import java.util.function.Supplier;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.local.LedgerCaller;
import org.multios.ipc.local.QuotaLedger;

/**
 * A bundle as the mechanisms see it: access decided at open by the policy in force then,
 * grants remembered for revocation, quotas, and every denial written to the audit log.
 * Public (in a private package) only for {@link #standalone}, which measurements outside the
 * framework use to compare guarded and unguarded calls.
 */
public final class SecurityCaller extends LedgerCaller {
    private final BundleFacts bundle;
    private final Supplier<AccessPolicy> policy;
    private final GrantRegistry grants;
    private final Supplier<AuditLog> audit;
    private volatile Runnable decided;

    /** A caller; {@code bundle} is null for a process that is no bundle (a network peer). */
    SecurityCaller(IpcProcess process, BundleFacts bundle, QuotaLedger quotas, Supplier<AccessPolicy> policy,
            GrantRegistry grants, Supplier<AuditLog> audit) {
        super(process, quotas);
        this.bundle = bundle;
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
        IpcProcess process = process();
        return grants.register(process.id(), type, name, () -> {
            AccessPolicy access = policy.get();
            int granted = access.rights(process, bundle, type, name, permissions);
            Runnable h = decided;
            if (h != null) {
                h.run();
            }
            if (!Rights.includes(granted, requested)) {
                int missing = requested & ~granted;
                String rule = access.denyingRule(process, bundle, type, name, missing);
                String object = type.label() + " '" + name + "' (" + permissions;
                String operation = verb(missing);
                // the operator's audit line names the rule; the caller learns only that one decided
                audit.get().denied(who(), operation, object + (rule == null ? ")" : "; denied by rule '" + rule + "')"));
                throw IpcException.permissionDenied(operation, object
                        + (rule == null ? ")" : "; denied by a rule of the security policy, named in the audit log)"), who());
            }
            return new Grant(granted);
        });
    }

    @Override
    public Grant register(ObjectType type, String name, Grant grant) {
        grants.add(process().id(), type, name, grant);
        return grant;
    }

    @Override
    public void denied(ObjectType type, String name, String operation) {
        audit.get().denied(who(), operation, type.label() + " '" + name + "'");
    }
}
