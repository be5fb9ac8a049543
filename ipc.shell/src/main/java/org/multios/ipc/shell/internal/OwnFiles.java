package org.multios.ipc.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the SSH console trusts in its configuration folder, as OpenSSH's StrictModes: a regular
 * file (not a symbolic link) in a directory, both owned by the gateway's OS user or root, that no
 * other user may write; a secret (the host key) no other user may read either. Otherwise another
 * local user could add a key with {@code role=admin} or read the host key and pass as the gateway.
 */
final class OwnFiles {
    private static final Set<PosixFilePermission> WRITE_BY_OTHERS = EnumSet.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> ANY_BY_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnFiles() {
    }

    /**
     * Checks {@code file} and its directory.
     *
     * @param secret whether no other user may read the file either
     * @throws IOException naming the file or directory, its owner and mode, and what is required
     */
    static void check(Path file, boolean secret) throws IOException {
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new IOException(file + (a.isSymbolicLink() ? " is a symbolic link" : " is not a regular file")
                    + "; it must be a file of its own");
        }
        require(file, a, secret ? ANY_BY_OTHERS : WRITE_BY_OTHERS, secret ? "read or written" : "written");
        Path dir = file.toAbsolutePath().getParent();
        require(dir, Files.readAttributes(dir, PosixFileAttributes.class), WRITE_BY_OTHERS, "written");
    }

    private static void require(Path path, PosixFileAttributes a, Set<PosixFilePermission> forbidden, String what)
            throws IOException {
        String owner = a.owner().getName();
        String self = System.getProperty("user.name");
        boolean ownOwner = owner.equals(self) || owner.equals("root");
        if (!ownOwner || a.permissions().stream().anyMatch(forbidden::contains)) {
            throw new IOException(path + " (owner " + owner + ", mode " + PosixFilePermissions.toString(a.permissions())
                    + ") may be " + what + " by other users; it must belong to " + self
                    + " (or root), and no one else may " + (what.startsWith("read") ? "read or write" : "write") + " it");
        }
    }
}
