package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.net.RootEndpoints;
import org.multios.ipc.spi.Grant;
import org.osgi.framework.Bundle;

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

    /**
     * The operator names an endpoint in another of its texts than the one its handles were
     * granted under (the file's path of a socket named in the IPC root, a host in capitals): the
     * revoke reaches them. Before, it revoked nothing.
     */
    @Test
    void anEndpointsHandlesAreRevokedWhicheverOfItsTextsTheOperatorWrites(@TempDir Path root) {
        Sessions sessions = new Sessions();
        sessions.policy(new SecurityPolicy(BundleIdentities.parse("ipc", List.of("ipc"), List.of()),
                PeerIdentities.parse("nobody", List.of(), List.of()), Map.of(),
                AccessPolicy.of(List.of(), new RootEndpoints(root)), PlatformAdmins.parse(List.of()), 1),
                new AuditLog(1));
        IpcProcess bob = new IpcProcess(ProcessKind.REMOTE, PEER, "peer 9", 0, 0, "bob", Set.of("bob"));
        SecurityCaller caller = sessions.connect(bob, true);
        Permissions own = new Permissions("bob", "bob", 0600);
        Grant admin = caller.authorize(ObjectType.ENDPOINT, "unix:admin", own, Rights.READ_WRITE);
        Grant db = caller.authorize(ObjectType.ENDPOINT, "tcp://db.example.com:5432", own, Rights.READ_WRITE);
        AccessControlService operator = new AccessControlService(sessions, () -> null,
                new AdminGate(sessions, console(), true));

        assertThat(operator.revoke(PEER, ObjectType.ENDPOINT, "unix:" + root.toAbsolutePath() + "//endpoint/admin"))
                .isEqualTo(1);
        assertThat(operator.revoke(PEER, ObjectType.ENDPOINT, "tcp://DB.Example.com.:5432")).isEqualTo(1);
        assertThat(admin.isRevoked()).isTrue();
        assertThat(db.isRevoked()).isTrue();
    }

    /** A trusted bundle's stand-in, an administrator where no admins are configured. */
    private static Bundle console() {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] { Bundle.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundleId" -> 7L;
                    case "getSymbolicName" -> "ipc.console";
                    case "getLocation" -> "test:ipc.console";
                    case "getSignerCertificates" -> Map.of();
                    case "toString" -> "ipc.console";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
