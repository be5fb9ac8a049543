package org.multios.ipc.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizedKeysTest {
    @TempDir
    Path dir;

    private static PublicKey newKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair pair = g.generateKeyPair();
        return pair.getPublic();
    }

    private static String line(String options, PublicKey key) {
        return (options.isEmpty() ? "" : options + " ") + PublicKeyEntry.toString(key) + " comment";
    }

    @Test
    void eachKeyLogsInAsItsOwnAccountWithItsRole() throws Exception {
        PublicKey alice = newKey();
        PublicKey nagios = newKey();
        PublicKey nobody = newKey();
        Path file = dir.resolve("authorized_keys");
        Files.write(file, List.of("# operators", line("user=alice,role=admin", alice), line("user=\"nagios\"", nagios),
                line("", nobody), "user=broken ecdsa-sha2-nistp256 AAAAnotbase64", line("user=eve,role=root", nobody)));
        AuthorizedKeys keys = new AuthorizedKeys(file);

        assertThat(keys.roleOf("alice", alice)).contains(Role.ADMIN);
        assertThat(keys.roleOf("nagios", nagios)).as("read-only unless role=admin").contains(Role.READ_ONLY);
        assertThat(keys.roleOf("nagios", alice)).as("a key logs in only as its account").isEmpty();
        assertThat(keys.roleOf("alice", nagios)).isEmpty();
        assertThat(keys.roleOf("nobody", nobody)).as("a key without user= is ignored").isEmpty();
        assertThat(keys.roleOf("eve", nobody)).as("an unknown role is ignored, not widened").isEmpty();
        assertThat(keys.knows("alice")).isTrue();
        assertThat(keys.knows("mallory")).isFalse();
    }

    @Test
    void noFileLetsNobodyIn() throws Exception {
        AuthorizedKeys keys = new AuthorizedKeys(dir.resolve("missing"));
        assertThat(keys.roleOf("alice", newKey())).isEmpty();
    }

    @Test
    void aFileOrFolderOtherUsersMayWriteLetsNobodyIn() throws Exception {
        // another local user who may write the file (or replace it in its folder) would add a key
        // of its own with role=admin, as OpenSSH's StrictModes refuses
        PublicKey alice = newKey();
        Path ssh = Files.createDirectory(dir.resolve("ssh"));
        Path file = ssh.resolve("authorized_keys");
        Files.write(file, List.of(line("user=alice,role=admin", alice)));
        AuthorizedKeys keys = new AuthorizedKeys(file);
        assertThat(keys.roleOf("alice", alice)).as("mode 0644 in a folder of 0755").contains(Role.ADMIN);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> keys.roleOf("alice", alice)).isInstanceOf(IOException.class)
                .hasMessageContaining(file + " (owner ").hasMessageContaining("mode rw-rw-rw-")
                .hasMessageContaining("may be written by other users");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> keys.roleOf("alice", alice)).isInstanceOf(IOException.class)
                .hasMessageContaining(ssh + " (owner ").hasMessageContaining("mode rwxrwxrwx");

        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path elsewhere = Files.write(dir.resolve("planted"), List.of(line("user=alice,role=admin", alice)));
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere);
        assertThatThrownBy(() -> keys.roleOf("alice", alice)).isInstanceOf(IOException.class)
                .hasMessageContaining("is a symbolic link");
    }
}
