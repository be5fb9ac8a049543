package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.multios.ipc.fuzz.Fuzz.forAll;
import static org.multios.ipc.fuzz.Fuzz.returnsOrThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.fuzz.Fuzz;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.net.AuthToken;

/**
 * Bad configuration values for the security policy, on random cases (harness: {@link Fuzz}):
 * access rules, bundle identities and peer tokens either parse or fail with INVALID_ARGUMENT,
 * never another exception; a policy that parsed decides any request (any name up to the
 * 200-character limit) quickly. {@code -Dipc.fuzz.tries=N} fuzzes longer,
 * {@code -Dipc.fuzz.seed=S -Dipc.fuzz.tries=1} replays a failure:
 * <pre>mvn -o -pl ipc.api,ipc.security -am verify -Dtest=PolicyFuzzTest -Dipc.fuzz.tries=100000</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PolicyFuzzTest {
    private static final String[] RULE_WORDS = { "allow", "deny", "*", "user:", "group:", "bundle:", "user:alice",
        "group:*", "bundle:com.example.*", "bundle:file:/opt/*;name=a.*", ";name=", ";signer=*", "r", "w", "a", "rw", "rwa", "x", "queue:", "shm:", "*:", "channel:*",
        "queue:telemetry.*", "bogus:x", ":", "::", " ", "\t", "\u00a0", "\n", "*a*a*a*a*a*a*a*a*a*b", "**********",
        "\\E", "\\Q", "(", "[", "$", "é", "\ud800" };

    @Test
    void rulesParseOrFailWithInvalidArgumentAndDecideQuickly() {
        IpcProcess p = new IpcProcess(ProcessKind.BUNDLE, 7, "com.example.sensor", 1, 0, "alice", Set.of("sensors"));
        forAll(2000, r -> {
            List<String> texts = new ArrayList<>();
            for (int n = Fuzz.size(r, 4); n > 0; n--) {
                texts.add(ruleText(r));
            }
            AccessPolicy[] policy = { null };
            returnsOrThrows(() -> policy[0] = AccessPolicy.of(texts), IpcError.INVALID_ARGUMENT);
            if (policy[0] != null) {
                String name = r.nextBoolean() ? "a".repeat(199) + (r.nextBoolean() ? "b" : "c")
                        : Fuzz.validName(Fuzz.name(r)) ? Fuzz.name(r) : "q";
                ObjectType type = ObjectType.values()[r.nextInt(ObjectType.values().length)];
                // a rule is matched against names callers choose: it must not take exponential time
                int rights = assertTimeoutPreemptively(Duration.ofSeconds(2),
                        () -> policy[0].rights(p, null, type, name, new Permissions("bob", "staff", r.nextInt(01000))),
                        () -> "deciding " + texts + " for a name of " + name.length() + " characters");
                assertThat(rights).isGreaterThanOrEqualTo(0);
            }
        });
    }

    /** A glob of many stars against a long name that does not match: the worst case of a backtracking matcher. */
    @Test
    void manyStarsAgainstALongNameDecideQuickly() {
        IpcProcess p = new IpcProcess(ProcessKind.BUNDLE, 7, "com.example.sensor", 1, 0, "alice", Set.of("sensors"));
        AccessPolicy policy = AccessPolicy.of(List.of("allow * rw queue:*a*a*a*a*a*a*a*a*a*a*a*a*b"));
        int rights = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> policy.rights(p, null, ObjectType.QUEUE, "a".repeat(199) + "c", new Permissions("bob", "staff", 0)));
        assertThat(rights).isZero();
    }

    private static String ruleText(SplittableRandom r) {
        if (r.nextInt(10) == 0) {
            return Fuzz.name(r);
        }
        StringBuilder s = new StringBuilder();
        int words = r.nextInt(4) == 0 ? r.nextInt(7) : 4;
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                s.append(r.nextInt(8) == 0 ? "  " : " ");
            }
            s.append(RULE_WORDS[r.nextInt(RULE_WORDS.length)]);
            if (r.nextInt(4) == 0) {
                s.append(RULE_WORDS[r.nextInt(RULE_WORDS.length)]);
            }
        }
        return s.toString();
    }

    @Test
    void bundleIdentitiesParseOrFailWithInvalidArgument() {
        forAll(2000, r -> {
            List<String> entries = new ArrayList<>();
            for (int n = Fuzz.size(r, 4); n > 0; n--) {
                entries.add(identityText(r, ""));
            }
            List<String> groups = r.nextBoolean() ? List.of() : List.of(Fuzz.name(r), " ", "");
            BundleIdentities[] ids = { null };
            returnsOrThrows(() -> ids[0] = BundleIdentities.parse(r.nextBoolean() ? null : Fuzz.name(r), groups,
                    entries), IpcError.INVALID_ARGUMENT);
            if (ids[0] != null) {
                String location = r.nextBoolean() ? "com.example.b1" : Fuzz.name(r);
                IpcProcess p = ids[0].processOf(r.nextLong(), new BundleFacts(location, Fuzz.name(r), List.of()));
                assertThat(p.user()).isNotEmpty();
            }
        });
    }

    @Test
    void peerTokensParseOrFailWithInvalidArgument() {
        forAll(2000, r -> {
            List<String> entries = new ArrayList<>();
            List<byte[]> secrets = new ArrayList<>();
            for (int n = Fuzz.size(r, 4); n > 0; n--) {
                byte[] secret = new byte[1 + r.nextInt(32)];
                r.nextBytes(secret);
                secrets.add(secret);
                String digest = HexFormat.of().formatHex(sha256(secret));
                String prefix = switch (r.nextInt(6)) {
                    case 0 -> "sha256:" + digest.substring(0, r.nextInt(65));
                    case 1 -> "sha1:" + digest;
                    case 2 -> "sha256:" + digest.replace(digest.charAt(r.nextInt(64)), "gé\0".charAt(r.nextInt(3)));
                    default -> (r.nextBoolean() ? " sha256:" : "sha256:") + (r.nextBoolean() ? digest
                            : digest.toUpperCase());
                };
                entries.add(identityText(r, prefix));
            }
            PeerIdentities[] peers = { null };
            returnsOrThrows(() -> peers[0] = PeerIdentities.parse(r.nextBoolean() ? null : Fuzz.name(r),
                    List.of(Fuzz.name(r)), entries), IpcError.INVALID_ARGUMENT);
            if (peers[0] != null) {
                assertThat(peers[0].anonymous().user()).isNotEmpty();
                for (byte[] s : secrets) {
                    PeerIdentities.Identity id = peers[0].byToken(AuthToken.of(s));
                    assertThat(id == null || !id.user().isEmpty()).isTrue();
                }
            }
        });
    }

    private static String identityText(SplittableRandom r, String key) {
        String bsn = key.isEmpty() ? (r.nextBoolean() ? "com.example.b" + r.nextInt(5) : Fuzz.name(r)) : key;
        if (key.isEmpty() && r.nextInt(4) == 0) {
            bsn += r.nextBoolean() ? ";name=" + Fuzz.name(r) : ";signer=CN=" + Fuzz.name(r);
        }
        String[] forms = { bsn + "=" + "alice", bsn + "=alice:staff,wheel", bsn + "=:g", bsn + "=", "=alice",
            bsn + "= alice : , ,", bsn + "==", bsn, bsn + "=" + Fuzz.name(r), bsn + "=u:" + Fuzz.name(r),
            Fuzz.name(r) };
        return forms[r.nextInt(forms.length)];
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
