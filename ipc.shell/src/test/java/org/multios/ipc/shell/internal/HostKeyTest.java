package org.multios.ipc.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyTest {
    @TempDir
    Path dir;

    @Test
    void generatedOnceWithMode0600AndKept() throws Exception {
        Path file = dir.resolve("ssh/host_key");
        KeyPair first = HostKey.at(file).loadKeys(null).iterator().next();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        KeyPair again = HostKey.at(file).loadKeys(null).iterator().next();
        assertThat(again.getPublic()).isEqualTo(first.getPublic());
    }

    @Test
    void aKeyOtherUsersMayReadIsRefused() throws Exception {
        // a host key copied with mode 0644 lets every local user pass as the gateway to its operators
        Path file = dir.resolve("ssh/host_key");
        HostKey.at(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> HostKey.at(file)).isInstanceOf(IOException.class)
                .hasMessageContaining(file + " (owner ").hasMessageContaining("mode rw-r--r--")
                .hasMessageContaining("may be read or written by other users");

        Path planted = dir.resolve("planted_key");
        Files.move(file, planted);
        Files.createSymbolicLink(file, planted);
        assertThatThrownBy(() -> HostKey.at(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("is a symbolic link");
    }
}
