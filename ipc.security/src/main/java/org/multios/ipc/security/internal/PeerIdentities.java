package org.multios.ipc.security.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.multios.ipc.IpcException;
import org.multios.ipc.net.AuthToken;

/**
 * The user and groups each TCP peer acts as: by the SHA-256 digest of the token it presents,
 * from entries of the form {@code sha256:<64 hex digits>=user:group1,group2}, else (no token,
 * where the listener lets it in) the remote user and groups. Only digests are configured, never
 * the secrets. A TLS peer's verified client certificate may name it too: entries
 * {@code <subject DN> => user:group1,group2}, the subject compared as an X.500 name. Immutable.
 */
final class PeerIdentities {
    private static final String PREFIX = "sha256:";
    private static final int DIGEST_HEX_DIGITS = 64;

    private static final String ARROW = "=>";

    private final List<Entry> entries;
    private final Map<X500Principal, Identity> subjects;
    private final Identity anonymous;

    /** The user and groups a peer acts as. */
    record Identity(String user, Set<String> groups) {
        @Override
        public String toString() {
            return user + ":" + String.join(",", groups);
        }
    }

    private record Entry(byte[] digest, Identity identity) {
    }

    private PeerIdentities(List<Entry> entries, Map<X500Principal, Identity> subjects, Identity anonymous) {
        this.entries = entries;
        this.subjects = subjects;
        this.anonymous = anonymous;
    }



    /**
     * Parses the configuration.
     *
     * @param remoteUser   user of peers that present no token; blank for {@code nobody}
     * @param remoteGroups groups of those peers; empty for {@code nogroup}
     * @param entries      {@code sha256:<64 hex digits>=user:group1,group2} (groups optional)
     * @throws IpcException INVALID_ARGUMENT naming the malformed entry and what is wrong with it
     */
    static PeerIdentities parse(String remoteUser, List<String> remoteGroups, List<String> entries) {
        String user = remoteUser == null || remoteUser.isBlank() ? "nobody"
                : BundleIdentities.checkName(remoteUser.strip(), "remote user");
        Set<String> groups = BundleIdentities.names(remoteGroups, "remote group");
        List<Entry> parsed = new ArrayList<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw bad(entry, "is not of the form sha256:<64 hex digits>=user[:group,...]");
            }
            String digest = entry.substring(0, eq).trim();
            if (!digest.startsWith(PREFIX)) {
                throw bad(entry, "does not start with " + PREFIX);
            }
            String hex = digest.substring(PREFIX.length());
            if (hex.length() != DIGEST_HEX_DIGITS) {
                throw bad(entry, "has a digest of " + hex.length() + " characters; SHA-256 has " + DIGEST_HEX_DIGITS
                        + " hex digits");
            }
            if (!hex.matches("[0-9a-fA-F]*")) {
                throw bad(entry, "has a digest with characters other than the hex digits 0-9, a-f, A-F");
            }
            byte[] bytes = HexFormat.of().parseHex(hex);
            if (parsed.stream().anyMatch(e -> Arrays.equals(e.digest(), bytes))) {
                throw bad(entry, "repeats the digest of an earlier entry");
            }
            String rest = entry.substring(eq + 1).trim();
            int colon = rest.indexOf(':');
            String u = colon < 0 ? rest : rest.substring(0, colon).trim();
            if (u.isEmpty()) {
                throw bad(entry, "names no user");
            }
            String what = "name in the peer token of digest " + digest.substring(0, PREFIX.length() + 8) + "...";
            parsed.add(new Entry(bytes, identity(rest, what)));
        }
        return new PeerIdentities(List.copyOf(parsed), Map.of(),
                new Identity(user, groups.isEmpty() ? Set.of("nogroup") : groups));
    }

    /**
     * These identities and those of client certificates.
     *
     * @param certificates {@code <subject DN> => user:group1,group2} (groups optional)
     * @throws IpcException INVALID_ARGUMENT naming the malformed entry and what is wrong with it
     */
    PeerIdentities withCertificates(List<String> certificates) {
        Map<X500Principal, Identity> bySubject = new HashMap<>();
        for (String entry : certificates) {
            int arrow = entry.lastIndexOf(ARROW);
            if (arrow < 0) {
                throw IpcException.invalidArgument("peer certificate '" + entry
                        + "' is not of the form <subject DN> => user[:group,...]");
            }
            X500Principal subject;
            try {
                subject = new X500Principal(entry.substring(0, arrow).trim());
            } catch (IllegalArgumentException e) {
                throw IpcException.invalidArgument("peer certificate '" + entry + "' has no valid subject DN: "
                        + e.getMessage());
            }
            if (bySubject.putIfAbsent(subject, identity(entry.substring(arrow + ARROW.length()).trim(),
                    "name in the peer certificate of " + subject.getName())) != null) {
                throw IpcException.invalidArgument("peer certificate '" + entry + "' repeats the subject of an "
                        + "earlier entry");
            }
        }
        return new PeerIdentities(entries, Map.copyOf(bySubject), anonymous);
    }

    /** {@code user[:group,...]}: groups default to one named like the user. */
    private static Identity identity(String text, String what) {
        int colon = text.indexOf(':');
        String u = colon < 0 ? text : text.substring(0, colon).trim();
        if (u.isEmpty()) {
            throw IpcException.invalidArgument(what + ": the entry names no user");
        }
        BundleIdentities.checkName(u, what);
        Set<String> g = colon < 0 ? Set.of() : BundleIdentities.names(List.of(text.substring(colon + 1).split(",")), what);
        return new Identity(u, g.isEmpty() ? Set.of(u) : g);
    }

    /** The identity a verified client certificate's subject (RFC 2253) is mapped to, else null. */
    Identity bySubject(String subject) {
        try {
            return subjects.get(new X500Principal(subject));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** How many certificate subjects are mapped. */
    int certificates() {
        return subjects.size();
    }

    private static IpcException bad(String entry, String problem) {
        return IpcException.invalidArgument("peer token '" + entry + "' " + problem);
    }

    /**
     * The identity whose digest is the token's, else null. Every entry is compared, in constant
     * time, whichever matches: the time taken tells nothing of which entry nor how much of it.
     */
    Identity byToken(AuthToken token) {
        byte[] secret = token.bytes();
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        Identity found = null;
        for (Entry e : entries) {
            boolean equal = MessageDigest.isEqual(e.digest(), digest);
            found = equal ? e.identity() : found;
        }
        return found;
    }

    /** How many tokens are mapped. */
    int size() {
        return entries.size();
    }

    /** The identity of peers that present no token. */
    Identity anonymous() {
        return anonymous;
    }
}
