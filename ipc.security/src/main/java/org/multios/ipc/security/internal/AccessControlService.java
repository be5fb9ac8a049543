package org.multios.ipc.security.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Quota;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.PolicyState;
import org.multios.ipc.spi.TrustedBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administrators' view of the policy, as one bundle gets it: rules, revocation (which needs
 * the platform's ADMIN right), quota use.
 */
final class AccessControlService implements AccessControl {
    private static final Logger LOG = LoggerFactory.getLogger(AccessControlService.class);

    private final Sessions sessions;
    private final Supplier<PolicyState> state;
    private final AdminGate gate;

    AccessControlService(Sessions sessions, Supplier<PolicyState> state, AdminGate gate) {
        this.sessions = sessions;
        this.state = state;
        this.gate = gate;
    }

    /** Publishes the service per calling bundle, each with its own gate. */
    static ServiceFactory<AccessControl> factory(Sessions sessions, Supplier<PolicyState> state, TrustedBundles trusted) {
        return new ServiceFactory<>() {
            @Override
            public AccessControl getService(Bundle bundle, ServiceRegistration<AccessControl> registration) {
                return new AccessControlService(sessions, state, new AdminGate(sessions, bundle, trusted.test(bundle)));
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<AccessControl> registration,
                    AccessControl service) {
                // nothing held
            }
        };
    }

    @Override
    public List<String> rules() {
        SecurityPolicy p = sessions.policyOrNull();
        return p == null ? List.of() : p.access().texts();
    }

    @Override
    public PolicyState policyState() {
        return state.get();
    }

    /** Revokes the handles of a process on an object; an endpoint may be named in any of its texts. */
    @Override
    public int revoke(long processId, ObjectType type, String name) {
        gate.require("revoke handles in");
        SecurityPolicy p = sessions.policyOrNull();
        int n = sessions.grants().revoke(processId, type, p == null ? name : p.access().registeredName(type, name));
        LOG.info("revoked {} handles of process {} on {} '{}'", n, processId, type.label(), name);
        return n;
    }

    @Override
    public Map<IpcProcess, Map<Quota, Long>> quotaUse() {
        return sessions.quotaUse();
    }

    @Override
    public Map<Quota, Long> quotas() {
        SecurityPolicy p = sessions.policyOrNull();
        return p == null ? Map.of() : p.quotas();
    }
}
