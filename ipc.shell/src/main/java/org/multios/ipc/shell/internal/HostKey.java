package org.multios.ipc.shell.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * The gateway's SSH host key: an ECDSA P-256 key generated at the first start into a file made
 * with mode 0600 (never readable by others, not even for a moment), and read from it afterwards,
 * so clients see the same host key across restarts. A key file (or folder) other users may read
 * or write is refused ({@link OwnFiles}): the console does not start.
 */
final class HostKey {
    private HostKey() {
    }

    /** The key pair in the file, generated first if the file does not exist. */
    static KeyPairProvider at(Path file) throws IOException, GeneralSecurityException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            generate(file);
        }
        OwnFiles.check(file, true);
        return new FileKeyPairProvider(file);
    }

    private static void generate(Path file) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "ipc gateway host key", null, out);
        }
    }
}
