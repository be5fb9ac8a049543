package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.security.internal.PeerAuthorityService.FIRST_CONNECTION;
import static org.multios.ipc.security.internal.PeerIdentitiesTest.sha256;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.net.AuthToken;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.osgi.framework.Bundle;

class PeerAuthorityServiceTest {
    private static final String ADDRESS = "192.0.2.7:41000";
    private static final Optional<AuthToken> ALICE = Optional.of(AuthToken.of("alice-secret"));
    private static final Optional<AuthToken> WRONG = Optional.of(AuthToken.of("guessed-secret"));
    private static final Optional<AuthToken> NONE = Optional.empty();

    /** One line a thousand seconds: after {@link #drainAudit}, every denial audited is counted. */
    private final AuditLog audit = new AuditLog(0.001);
    private final Sessions sessions = sessions(policy(List.of("allow user:alice r queue:shared.*")), audit);
    private final PeerAuthorityService peers = new PeerAuthorityService(sessions);

    private static Sessions sessions(SecurityPolicy policy, AuditLog audit) {
        Sessions sessions = new Sessions();
        sessions.policy(policy, audit);
        return sessions;
    }

    private static SecurityPolicy policy(List<String> rules, String... tokens) {
        List<String> entries = tokens.length > 0 ? List.of(tokens)
                : List.of("sha256:" + sha256("alice-secret") + "=alice:staff",
                        "sha256:" + sha256("bob-secret") + "=bob");
        return new SecurityPolicy(BundleIdentities.parse("ipc", List.of("ipc"), List.of()),
                PeerIdentities.parse("nobody", List.of(), entries), Map.of(Quota.OBJECTS, 2L), AccessPolicy.of(rules),
                PlatformAdmins.parse(List.of()), 1);
    }

    private static boolean canRead(CallerContext peer, String name, Permissions permissions) {
        try {
            return peer.authorize(ObjectType.QUEUE, name, permissions, Rights.READ).allows(Rights.READ);
        } catch (IpcException e) {
            assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED);
            return false;
        }
    }

    private void drainAudit() {
        audit.denied("test", "use up", "the audit's burst");
        assertThat(audit.suppressed()).isZero();
    }

    /** The access control service as a trusted bundle (an administrator by default) gets it. */
    private AccessControlService admin() {
        return new AccessControlService(sessions, () -> null, new AdminGate(sessions, bundle(7, "ipc.console"), true));
    }

    private static Bundle bundle(long id, String symbolicName) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] { Bundle.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> symbolicName;
                    case "getLocation" -> "test:" + symbolicName;
                    case "getSignerCertificates" -> Map.of();
                    case "toString" -> symbolicName;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aBundleWithoutThePlatformsAdminRightRevokesNothing() {
        CallerContext peer = peers.remotePeer(FIRST_CONNECTION, ADDRESS, ALICE, true);
        Grant grant = peer.authorize(ObjectType.QUEUE, "mine", new Permissions("alice", "alice", 0600), Rights.READ);
        AccessControlService untrusted = new AccessControlService(sessions, () -> null,
                new AdminGate(sessions, bundle(42, "com.example.hostile"), false));

        assertThatThrownBy(() -> untrusted.revoke(FIRST_CONNECTION, ObjectType.QUEUE, "mine"))
                .isInstanceOf(IpcException.class).hasMessageContaining("may not revoke handles in")
                .hasMessageContaining("com.example.hostile")
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.PERMISSION_DENIED));
        assertThat(grant.allows(Rights.READ)).isTrue();
    }

    @Test
    void aPeerWithAKnownTokenActsAsItsUserUnderRulesAndModeBits() {
        CallerContext peer = peers.remotePeer(FIRST_CONNECTION, ADDRESS, ALICE, true);

        IpcProcess p = peer.process();
        assertThat(p.kind()).isEqualTo(ProcessKind.REMOTE);
        assertThat(p.id()).isEqualTo(FIRST_CONNECTION);
        assertThat(p.name()).isEqualTo("tcp peer " + ADDRESS);
        assertThat(p.user()).isEqualTo("alice");
        assertThat(p.groups()).containsExactly("staff");
        assertThat(peers.isAuthenticated(peer)).isTrue();

        assertThat(canRead(peer, "mine", new Permissions("alice", "alice", 0600))).isTrue();
        assertThat(canRead(peer, "carols", new Permissions("carol", "carol", 0600))).isFalse();
        assertThat(canRead(peer, "shared.carols", new Permissions("carol", "carol", 0600))).as("allowed by a rule")
                .isTrue();
        assertThat(canRead(peer, "team", new Permissions("carol", "staff", 0640))).as("group bits").isTrue();
    }

    @Test
    void anUnknownTokenIsRefusedAndAuditedWithoutShowingIt() {
        drainAudit();

        for (boolean required : new boolean[] { true, false }) {
            assertThatThrownBy(() -> peers.remotePeer(FIRST_CONNECTION, ADDRESS, WRONG, required))
                    .isInstanceOfSatisfying(IpcException.class,
                            e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                    .hasMessageContaining(ADDRESS)
                    .hasMessageNotContaining("guessed-secret")
                    .hasMessageNotContaining(sha256("guessed-secret"));
        }
        assertThat(audit.suppressed()).isEqualTo(2);
        assertThat(sessions.processes()).isEmpty();
    }

    @Test
    void aMissingTokenIsRefusedAndAuditedWhereOneIsRequired() {
        drainAudit();

        assertThatThrownBy(() -> peers.remotePeer(FIRST_CONNECTION, ADDRESS, NONE, true))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                .hasMessageContaining(ADDRESS)
                .hasMessageContaining("authentication required");
        assertThat(audit.suppressed()).isEqualTo(1);
        assertThat(sessions.processes()).isEmpty();
    }

    @Test
    void aPeerWithoutTokenActsAsTheRemoteUserWithOnlyTheOtherBits() {
        CallerContext peer = peers.remotePeer(FIRST_CONNECTION, ADDRESS, NONE, false);

        assertThat(peer.process().user()).isEqualTo("nobody");
        assertThat(peer.process().groups()).containsExactly("nogroup");
        assertThat(peers.isAuthenticated(peer)).isFalse();
        assertThat(canRead(peer, "public", new Permissions("alice", "staff", 0604))).isTrue();
        assertThat(canRead(peer, "team", new Permissions("alice", "staff", 0660))).isFalse();
        assertThat(canRead(peer, "shared.x", new Permissions("alice", "staff", 0600))).as("rule is for alice")
                .isFalse();
    }

    @Test
    void aLocalPeerActsAsItsKernelUserAndGroup() {
        CallerContext peer = peers.localPeer(FIRST_CONNECTION, "dave", "wheel", 4242);
        CallerContext noPid = peers.localPeer(FIRST_CONNECTION + 1, "erin", "erin", 0);

        assertThat(peer.process().kind()).isEqualTo(ProcessKind.REMOTE);
        assertThat(peer.process().name()).isEqualTo("unix peer pid 4242");
        assertThat(peer.process().pid()).isEqualTo(4242);
        assertThat(peer.process().user()).isEqualTo("dave");
        assertThat(peer.process().groups()).containsExactly("wheel");
        assertThat(noPid.process().name()).isEqualTo("unix peer");
        assertThat(noPid.process().pid()).isZero();
        assertThat(peers.isAuthenticated(peer)).isTrue();
        assertThat(peers.isAuthenticated(noPid)).isTrue();
        assertThat(canRead(peer, "wheel", new Permissions("root", "wheel", 0040))).isTrue();
        assertThat(canRead(noPid, "wheel", new Permissions("root", "wheel", 0040))).isFalse();
    }

    @Test
    void peersAreProcessesWithQuotasUntilReleased() {
        CallerContext alice = peers.remotePeer(FIRST_CONNECTION, ADDRESS, ALICE, true);
        CallerContext dave = peers.localPeer(FIRST_CONNECTION + 1, "dave", "wheel", 0);

        alice.reserve(Quota.OBJECTS, 2);
        assertThatThrownBy(() -> alice.reserve(Quota.OBJECTS, 1))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED));
        assertThat(sessions.processes()).containsExactly(alice.process(), dave.process());
        assertThat(sessions.quotaUse()).containsEntry(alice.process(),
                Map.of(Quota.OBJECTS, 2L, Quota.SHARED_MEMORY_BYTES, 0L, Quota.QUEUED_MESSAGES, 0L,
                        Quota.SIGNAL_HANDLERS, 0L));

        peers.release(alice);

        assertThat(sessions.processes()).containsExactly(dave.process());
        assertThat(sessions.quotaUse()).containsOnlyKeys(dave.process());
        assertThat(peers.isAuthenticated(alice)).isFalse();
    }

    @Test
    void anAdministratorRevokesAPeersHandles() {
        CallerContext peer = peers.remotePeer(FIRST_CONNECTION, ADDRESS, ALICE, true);
        Grant grant = peer.authorize(ObjectType.QUEUE, "mine", new Permissions("alice", "alice", 0600), Rights.READ);

        assertThat(admin().revoke(FIRST_CONNECTION, ObjectType.QUEUE, "mine")).isEqualTo(1);
        assertThat(grant.allows(Rights.READ)).isFalse();
    }

    @Test
    void releaseForgetsThePeersGrants() {
        CallerContext peer = peers.remotePeer(FIRST_CONNECTION, ADDRESS, ALICE, true);
        Grant grant = peer.authorize(ObjectType.QUEUE, "mine", new Permissions("alice", "alice", 0600), Rights.READ);

        peers.release(peer);

        assertThat(admin().revoke(FIRST_CONNECTION, ObjectType.QUEUE, "mine")).isZero();
        assertThat(grant.allows(Rights.READ)).isTrue();
    }

    @Test
    void onlyTheContextMadeForAConnectionReleasesIt() {
        CallerContext peer = peers.remotePeer(FIRST_CONNECTION, ADDRESS, ALICE, true);
        CallerContext lookalike = SecurityCaller.standalone(peer.process(), List.of());

        peers.release(lookalike);

        assertThat(peers.isAuthenticated(lookalike)).isFalse();
        assertThat(peers.isAuthenticated(peer)).isTrue();
        assertThat(sessions.processes()).containsExactly(peer.process());
    }

    @Test
    void connectionNumbersAreAboveBundleIdsAndUnique() {
        peers.localPeer(FIRST_CONNECTION, "dave", "wheel", 0);

        assertThatThrownBy(() -> peers.remotePeer(FIRST_CONNECTION, ADDRESS, ALICE, true))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("connection " + FIRST_CONNECTION + " already has a peer");
        assertThatThrownBy(() -> peers.localPeer(FIRST_CONNECTION - 1, "dave", "wheel", 0))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("bundle id");
        assertThat(sessions.processes()).hasSize(1);
    }

    @Test
    void laterHandshakesFollowAPolicyChange() {
        sessions.policy(policy(List.of(), "sha256:" + sha256("new-secret") + "=alice"), audit);

        assertThatThrownBy(() -> peers.remotePeer(FIRST_CONNECTION, ADDRESS, ALICE, true))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        assertThat(peers.remotePeer(FIRST_CONNECTION, ADDRESS, Optional.of(AuthToken.of("new-secret")), true)
                .process().user()).isEqualTo("alice");
    }

    @Test
    void concurrentHandshakesLeaveNoSessionOrGrantBehind() throws Exception {
        int threads = 8;
        int rounds = 1000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Grant>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                long first = FIRST_CONNECTION + (long) t * rounds;
                results.add(pool.submit(() -> {
                    start.await();
                    List<Grant> grants = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        long connection = first + i;
                        Optional<AuthToken> token = switch (i % 3) {
                            case 0 -> ALICE;
                            case 1 -> NONE;
                            default -> WRONG;
                        };
                        CallerContext peer;
                        try {
                            peer = peers.remotePeer(connection, ADDRESS, token, false);
                        } catch (IpcException refused) {
                            assertThat(token).isEqualTo(WRONG);
                            continue;
                        }
                        assertThat(peer.process().id()).isEqualTo(connection);
                        assertThat(peers.isAuthenticated(peer)).isEqualTo(token == ALICE);
                        grants.add(peer.authorize(ObjectType.QUEUE, "q", new Permissions("x", "y", 0606),
                                Rights.READ));
                        peers.release(peer);
                        assertThat(peers.isAuthenticated(peer)).isFalse();
                    }
                    return grants;
                }));
            }
            start.countDown();
            List<Grant> grants = new ArrayList<>();
            for (Future<List<Grant>> f : results) {
                grants.addAll(f.get(60, TimeUnit.SECONDS));
            }

            assertThat(grants).hasSize(threads * (rounds - rounds / 3));
            assertThat(sessions.processes()).isEmpty();
            assertThat(sessions.quotaUse()).isEmpty();
            AccessControlService admin = admin();
            int revoked = 0;
            for (long c = FIRST_CONNECTION; c < FIRST_CONNECTION + threads * rounds; c++) {
                revoked += admin.revoke(c, ObjectType.QUEUE, "q");
            }
            assertThat(revoked).as("grants still registered").isZero();
        } finally {
            pool.shutdownNow();
        }
    }
}
