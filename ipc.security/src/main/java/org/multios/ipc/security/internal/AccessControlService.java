package org.multios.ipc.security.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Quota;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.PolicyState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The administrators' view of the policy: rules, revocation, quota use. */
final class AccessControlService implements AccessControl {
    private static final Logger LOG = LoggerFactory.getLogger(AccessControlService.class);

    private final Sessions sessions;
    private final Supplier<PolicyState> state;

    AccessControlService(Sessions sessions, Supplier<PolicyState> state) {
        this.sessions = sessions;
        this.state = state;
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

    @Override
    public int revoke(long processId, ObjectType type, String name) {
        int n = sessions.grants().revoke(processId, type, name);
        LOG.info("revoked {} handles of process {} on {} '{}'", n, processId, type.label(), name);
        return n;
    }

    @Override
    public Map<IpcProcess, Map<Quota, Long>> quotaUse() {
        return sessions.quotaUse();
    }
}
