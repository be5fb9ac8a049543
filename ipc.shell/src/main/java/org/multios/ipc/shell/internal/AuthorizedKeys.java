package org.multios.ipc.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's authorized_keys file: OpenSSH's format, where each key names the account it
 * logs in as and its role in login options, e.g.
 * {@code user=alice,role=admin ecdsa-sha2-nistp256 AAAA... alice@laptop}. An entry without a
 * user is ignored (a key never logs in as whatever name the client says); the role is
 * {@code read-only} unless {@code role=admin}. The file is read at each login, so keys are added
 * and removed without a restart; no file means nobody logs in, and so does a file (or folder)
 * other users may write ({@link OwnFiles}).
 */
final class AuthorizedKeys {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizedKeys.class);

    private final Path file;

    AuthorizedKeys(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The role of the account if this key is authorized for it. */
    Optional<Role> roleOf(String user, PublicKey key) throws IOException {
        for (Entry e : read()) {
            if (e.user.equals(user) && KeyUtils.compareKeys(e.key, key)) {
                return Optional.of(e.role);
            }
        }
        return Optional.empty();
    }

    /** Whether any entry names the account. */
    boolean knows(String user) throws IOException {
        return read().stream().anyMatch(e -> e.user.equals(user));
    }

    private List<Entry> read() throws IOException {
        List<String> lines;
        try {
            OwnFiles.check(file, false);
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException none) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            try {
                AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(lines.get(i));
                if (entry != null) {
                    entries.add(toEntry(entry));
                }
            } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
                LOG.warn("{} line {} ignored: {}", file, i + 1, e.getMessage());
            }
        }
        return entries;
    }

    private static Entry toEntry(AuthorizedKeyEntry entry) throws IOException, GeneralSecurityException {
        Map<String, String> options = entry.getLoginOptions();
        String user = unquoted(options.get("user"));
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("no user=<account> option before the key");
        }
        String role = unquoted(options.get("role"));
        PublicKey key = entry.resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        return new Entry(user, role == null ? Role.READ_ONLY : Role.ofLabel(role), key);
    }

    private static String unquoted(String value) {
        if (value != null && value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private record Entry(String user, Role role, PublicKey key) {
    }
}
