package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.StepPause;

/**
 * "Tighten the policy, then revoke" reaches an open that read the old policy just before: its
 * decision and the registration of its grant are one step with respect to both, held open here
 * by the caller's hook.
 */
class GrantLinearizabilityTest {
    private static final long PEER = 7;

    private static SecurityPolicy policy(String... rules) {
        return new SecurityPolicy(BundleIdentities.parse("ipc", List.of("ipc"), List.of()),
                PeerIdentities.parse("nobody", List.of(), List.of()), Map.of(Quota.OBJECTS, 10L),
                AccessPolicy.of(List.of(rules)), PlatformAdmins.parse(List.of()), 1);
    }

    @Test
    @Timeout(30)
    void anOpenThatReadTheOldPolicyIsRevokedByTheRevokeThatFollowsTheNewOne() throws Exception {
        AuditLog audit = new AuditLog(1);
        Sessions sessions = new Sessions();
        sessions.policy(policy(), audit);
        IpcProcess alice = new IpcProcess(ProcessKind.REMOTE, PEER, "peer 7", 0, 0, "alice", Set.of("alice"));
        SecurityCaller caller = sessions.connect(alice, true);
        StepPause pause = new StepPause().arm(1);
        caller.hook(() -> pause.accept(1));
        FutureTask<Grant> open = new FutureTask<>(() -> caller.authorize(ObjectType.QUEUE, "orders",
                Permissions.of(alice, 0600), Rights.READ | Rights.WRITE));
        new Thread(open, "opening").start();
        pause.awaitReached();

        AtomicInteger revoked = new AtomicInteger(-1);
        boolean returned = pause.runWhileHeld("operator", () -> {
            sessions.policy(policy("deny user:alice * queue:orders"), audit);
            revoked.set(sessions.grants().revoke(PEER, ObjectType.QUEUE, "orders"));
        });

        assertThat(returned).as("the operator's policy change returned while an open was being decided").isFalse();
        Grant grant = open.get(20, TimeUnit.SECONDS);
        assertThat(grant.isRevoked()).as("the open's grant, decided before the change, is revoked").isTrue();
        assertThat(revoked.get()).isEqualTo(1);
        caller.hook(null);
        try {
            caller.authorize(ObjectType.QUEUE, "orders", Permissions.of(alice, 0600), Rights.READ);
            throw new AssertionError("an open after the change was allowed");
        } catch (IpcException denied) {
            assertThat(denied.getMessage()).contains("orders");
        }
    }
}
