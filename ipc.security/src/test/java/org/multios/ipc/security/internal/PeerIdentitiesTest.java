package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.AuthToken;

class PeerIdentitiesTest {
    /** {@code printf %s "$secret" | sha256sum}. */
    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theDigestOfWhatSha256sumPrintsIsTheConfiguredOne() {
        assertThat(sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void aTokenActsAsTheIdentityOfItsDigest() {
        PeerIdentities ids = PeerIdentities.parse("nobody", List.of(), List.of(
                "sha256:" + sha256("alice-secret") + "=alice:staff,dialout",
                "sha256:" + sha256("bob-secret") + "=bob"));

        PeerIdentities.Identity alice = ids.byToken(AuthToken.of("alice-secret"));
        PeerIdentities.Identity bob = ids.byToken(AuthToken.of("bob-secret"));

        assertThat(alice.user()).isEqualTo("alice");
        assertThat(alice.groups()).containsExactly("staff", "dialout");
        assertThat(bob.user()).isEqualTo("bob");
        assertThat(ids.byToken(AuthToken.of("alice-secret!"))).isNull();
        assertThat(ids.byToken(AuthToken.of("mallory"))).isNull();
    }

    @Test
    void upperCaseDigitsAndSpacesAroundPartsAreAccepted() {
        PeerIdentities ids = PeerIdentities.parse("nobody", List.of(),
                List.of(" sha256:" + sha256("s").toUpperCase() + " = carol : ops , ,audit "));

        PeerIdentities.Identity carol = ids.byToken(AuthToken.of("s"));

        assertThat(carol.user()).isEqualTo("carol");
        assertThat(carol.groups()).containsExactly("ops", "audit");
    }

    @Test
    void entryWithoutGroupsUsesTheUserAsGroup() {
        PeerIdentities ids = PeerIdentities.parse("nobody", List.of(),
                List.of("sha256:" + sha256("a") + "=alice", "sha256:" + sha256("b") + "=bob:"));

        assertThat(ids.byToken(AuthToken.of("a")).groups()).containsExactly("alice");
        assertThat(ids.byToken(AuthToken.of("b")).groups()).containsExactly("bob");
    }

    @Test
    void peersWithoutTokenActAsTheRemoteUserAndGroups() {
        assertThat(PeerIdentities.parse("nobody", List.of(), List.of()).anonymous())
                .isEqualTo(new PeerIdentities.Identity("nobody", Set.of("nogroup")));
        assertThat(PeerIdentities.parse(" guest ", List.of(" visitors ", "", "lan"), List.of()).anonymous())
                .satisfies(id -> assertThat(id.user()).isEqualTo("guest"))
                .satisfies(id -> assertThat(id.groups()).containsExactly("visitors", "lan"));
        assertThat(PeerIdentities.parse(" ", List.of(), List.of()).anonymous().user()).isEqualTo("nobody");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "alice",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "sha1:a9993e364706816aba3e25717850c26c9cd0d89d=alice",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad=alice",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a=alice",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0=alice",
        "sha256:=alice",
        "sha256:ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad=alice",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a\u0661=alice",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad=",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad= :staff" })
    void malformedEntryIsRejectedNamingIt(String entry) {
        assertThatThrownBy(() -> PeerIdentities.parse("nobody", List.of(),
                List.of("sha256:" + sha256("ok") + "=carol", entry)))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("'" + entry + "'");
    }

    @Test
    void eachProblemIsNamed() {
        String digest = sha256("x");
        assertThat(problem("sha256:" + digest)).contains("not of the form sha256:<64 hex digits>=user");
        assertThat(problem("sha512:" + digest + "=a")).contains("does not start with sha256:");
        assertThat(problem("sha256:" + digest.substring(1) + "=a")).contains("has a digest of 63 characters; SHA-256 has 64 hex digits");
        assertThat(problem("sha256:" + digest.replace(digest.charAt(0), 'x') + "=a")).contains("hex digits 0-9");
        assertThat(problem("sha256:" + digest + "=:g")).contains("names no user");
    }

    @Test
    void aDigestMayMapToOneIdentityOnly() {
        String digest = sha256("shared");
        assertThatThrownBy(() -> PeerIdentities.parse("nobody", List.of(),
                List.of("sha256:" + digest + "=alice", "sha256:" + digest.toUpperCase() + "=bob")))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("'sha256:" + digest.toUpperCase() + "=bob'")
                .hasMessageContaining("repeats the digest");
    }

    private static String problem(String entry) {
        try {
            PeerIdentities.parse("nobody", List.of(), List.of(entry));
        } catch (IpcException e) {
            return e.getMessage();
        }
        throw new AssertionError(entry + " was accepted");
    }
}
