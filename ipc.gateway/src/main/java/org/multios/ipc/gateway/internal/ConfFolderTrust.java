package org.multios.ipc.gateway.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Whether the gateway may take its configuration (the security policy among it) from a folder,
 * as OpenSSH's StrictModes judges a user's files: the folder, every folder above it (as written
 * and as the links resolve) and every {@code .cfg} or {@code .config} file in it must belong to
 * the gateway's OS user or root, and no other user may write them; a folder above may be
 * writable by others only with the sticky bit (they cannot rename what is not theirs there). A
 * folder that does not exist yet must be in a folder no other user may write (sticky or not):
 * otherwise another user could make it, with a policy of their own, after the start. Writable by
 * the group is harmless where the group is the owner's own private group (named as the owner, no
 * other user in it: {@link PrivateGroups}), as Debian's OpenSSH allows: the umask 002 of such
 * systems leaves a checkout's folders group-writable.
 */
final class ConfFolderTrust {
    private ConfFolderTrust() {
    }

    /** Why {@code folder} may not be trusted, or null if it may. */
    static String problem(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        try {
            if (!Files.exists(absolute)) {
                if (Files.isSymbolicLink(absolute)) {
                    return absolute + " is a symbolic link to nothing";
                }
                Path parent = absolute.getParent();
                String p = parent == null ? null : closed(parent, attributes(parent, true), false);
                return p != null ? p + ", so another user could make " + absolute : above(parent);
            }
            Path real = absolute.toRealPath();
            PosixFileAttributes a = attributes(real, false);
            if (!a.isDirectory()) {
                return real + " is not a directory";
            }
            String p = closed(real, a, false);
            if (p == null) {
                p = above(absolute.getParent());
            }
            if (p == null) {
                p = above(real.getParent());
            }
            return p != null ? p : files(real);
        } catch (IOException e) {
            return absolute + " cannot be checked: " + e;
        }
    }

    /** Every folder from {@code dir} up to the file system's root, as the links resolve. */
    private static String above(Path dir) throws IOException {
        for (Path d = dir; d != null; d = d.getParent()) {
            String p = closed(d, attributes(d, true), true);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static String files(Path real) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(real, "*.{cfg,config}")) {
            for (Path f : entries) {
                PosixFileAttributes a = attributes(f, true);
                if (!a.isRegularFile()) {
                    return f + " is not a regular file";
                }
                String p = closed(f, a, false);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    private static PosixFileAttributes attributes(Path p, boolean follow) throws IOException {
        return follow ? Files.readAttributes(p, PosixFileAttributes.class)
                : Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    /** Why {@code p} may be changed by another user, or null. */
    private static String closed(Path p, PosixFileAttributes a, boolean stickyAllowed) {
        String owner = a.owner().getName();
        String self = System.getProperty("user.name");
        boolean othersWrite = a.permissions().contains(PosixFilePermission.OTHERS_WRITE)
                || a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                && !PrivateGroups.isPrivateGroupOf(a.group().getName(), owner);
        boolean sticky = stickyAllowed && a.isDirectory() && isSticky(p);
        if ((owner.equals(self) || owner.equals("root")) && (!othersWrite || sticky)) {
            return null;
        }
        return p + " (owner " + owner + ", mode " + PosixFilePermissions.toString(a.permissions())
                + ") may be changed by other users than " + (self.equals("root") ? "root" : self + " and root");
    }

    private static boolean isSticky(Path dir) {
        try {
            return ((Integer) Files.getAttribute(dir, "unix:mode") & 01000) != 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
