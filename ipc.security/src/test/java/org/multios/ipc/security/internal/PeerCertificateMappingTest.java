package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.security.internal.PeerIdentitiesTest.sha256;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.AuthToken;
import org.multios.ipc.spi.CallerContext;

/** Client certificate subjects mapped to identities, as the token digests are. */
class PeerCertificateMappingTest {
    private static final long CONNECTION = PeerAuthorityService.FIRST_CONNECTION + 1;

    private static PeerAuthorityService authority(List<String> certificates) {
        PeerIdentities peers = PeerIdentities.parse("nobody", List.of(),
                List.of("sha256:" + sha256("alice-secret") + "=alice:staff", "sha256:" + sha256("bob-secret") + "=bob"))
                .withCertificates(certificates);
        Sessions sessions = new Sessions();
        sessions.policy(new SecurityPolicy(BundleIdentities.parse("ipc", List.of("ipc"), List.of()), peers, Map.of(),
                AccessPolicy.of(List.of()), PlatformAdmins.parse(List.of()), 1), new AuditLog(1000));
        return new PeerAuthorityService(sessions);
    }

    @Test
    void aMappedSubjectActsAsItsIdentityWrittenInEitherSpelling() {
        PeerAuthorityService a = authority(List.of("O=MultiOS Test, CN=sensor-7 => sensors:telemetry,staff"));
        CallerContext peer = a.remotePeer(CONNECTION, "10.0.0.7:4000", Optional.empty(),
                Optional.of("O=MultiOS Test,CN=sensor-7"), true);
        assertThat(peer.process().user()).isEqualTo("sensors");
        assertThat(peer.process().groups()).isEqualTo(Set.of("telemetry", "staff"));
        assertThat(a.isAuthenticated(peer)).isTrue();
    }

    @Test
    void anUnmappedSubjectFallsBackToTheToken() {
        PeerAuthorityService a = authority(List.of("CN=sensor-7 => sensors"));
        Optional<String> stranger = Optional.of("CN=stranger");
        assertThat(a.remotePeer(CONNECTION, "x", Optional.of(AuthToken.of("bob-secret")), stranger, true).process()
                .user()).isEqualTo("bob");
        assertThatThrownBy(() -> a.remotePeer(CONNECTION + 1, "x", Optional.empty(), stranger, true))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
    }

    @Test
    void aTokenOfAnotherUserBesideTheCertificateIsRefused() {
        PeerAuthorityService a = authority(List.of("CN=alice-laptop => alice"));
        Optional<String> laptop = Optional.of("CN=alice-laptop");
        assertThat(a.remotePeer(CONNECTION, "x", Optional.of(AuthToken.of("alice-secret")), laptop, true).process()
                .user()).isEqualTo("alice");
        assertThatThrownBy(() -> a.remotePeer(CONNECTION + 1, "x", Optional.of(AuthToken.of("bob-secret")), laptop,
                true)).isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                .hasMessageContaining("does not name its certificate's user alice")
                .hasMessageNotContaining("bob-secret");
    }

    @Test
    void malformedEntriesAreRefusedNamingThem() {
        assertThatThrownBy(() -> authority(List.of("CN=x alice"))).hasMessageContaining("'CN=x alice'")
                .hasMessageContaining("<subject DN> => user");
        assertThatThrownBy(() -> authority(List.of("not a dn => alice"))).hasMessageContaining("no valid subject DN");
        assertThatThrownBy(() -> authority(List.of("CN=a => alice", "CN=a => bob"))).hasMessageContaining("repeats");
    }
}
