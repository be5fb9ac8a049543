package org.multios.ipc.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
}
