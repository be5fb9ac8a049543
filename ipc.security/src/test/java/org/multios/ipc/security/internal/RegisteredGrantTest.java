package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.Grant;

/**
 * Grants a mechanism makes without an access decision (an anonymous object's creator, a
 * connection accepted for a listener) are registered like decided ones: the operator's revoke of
 * the process's handles on the object reaches them.
 */
class RegisteredGrantTest {
    private static final long PEER = 9;

    @Test
    void aRegisteredGrantIsRevokedByTheOperatorsRevokeOfItsObject() {
        Sessions sessions = new Sessions();
        sessions.policy(new SecurityPolicy(BundleIdentities.parse("ipc", List.of("ipc"), List.of()),
                PeerIdentities.parse("nobody", List.of(), List.of()), Map.of(Quota.OBJECTS, 10L),
                AccessPolicy.of(List.of()), PlatformAdmins.parse(List.of()), 1), new AuditLog(1));
        IpcProcess bob = new IpcProcess(ProcessKind.REMOTE, PEER, "peer 9", 0, 0, "bob", Set.of("bob"));
        SecurityCaller caller = sessions.connect(bob, true);

        Grant anonymous = caller.register(ObjectType.PIPE, "#41", new Grant(Rights.READ | Rights.ADMIN));

        assertThat(sessions.grants().revoke(PEER, ObjectType.PIPE, "#41")).isEqualTo(1);
        assertThat(anonymous.isRevoked()).isTrue();
    }
}
