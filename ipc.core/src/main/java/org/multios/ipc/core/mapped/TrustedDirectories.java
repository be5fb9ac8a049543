package org.multios.ipc.core.mapped;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.local.LocalIdentity;

/**
 * The one rule for which directories and owner records of the IPC root this process trusts: a
 * real directory or file (never a symbolic link), owned by this process's OS user, writable by
 * no one else; group write is allowed only when the operator names that group as shared
 * (system property {@value #SHARED_GROUP_PROPERTY}), which then also admits a root owned by
 * another member of it. A directory that passes stays trusted: only its owner (or root) can
 * rename, remove or re-create it.
 */
final class TrustedDirectories {
    /** System property naming the OS group whose members share an IPC root. */
    static final String SHARED_GROUP_PROPERTY = "org.multios.ipc.sharedGroup";

    private static final Set<PosixFilePermission> DIRECTORY_MODE = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);

    private TrustedDirectories() {
    }

    /**
     * Checks the root and then the kind directory; stops at the first one that does not exist.
     * A path that leads nowhere (absent, or a link to nothing) is found without an exception
     * ({@link Files#exists}), since the JMX view and the consoles list missing kinds periodically.
     *
     * @return whether both exist (and are trusted)
     * @throws IpcException PERMISSION_DENIED naming the path, its owner and mode
     */
    static boolean verify(Path kindDirectory) {
        for (Path d : new Path[] { kindDirectory.getParent(), kindDirectory }) {
            PosixFileAttributes a = Files.exists(d) ? attributes(d) : null;
            if (a == null) {
                return false;
            }
            require(d, a, true);
        }
        return true;
    }

    /** Makes the root and the kind directory where missing (mode 0755), then checks both. */
    static void ensure(Path kindDirectory) {
        for (Path d : new Path[] { kindDirectory.getParent(), kindDirectory }) {
            if (attributes(d) == null) {
                try {
                    Files.createDirectory(d);
                    Files.setPosixFilePermissions(d, DIRECTORY_MODE);
                } catch (FileAlreadyExistsException e) {
                    // made meanwhile: checked below like any other
                } catch (IOException e) {
                    throw ObjectDirectory.io("cannot make " + d, e);
                }
            }
            PosixFileAttributes a = attributes(d);
            if (a == null) {
                throw new IpcException(IpcError.IO_ERROR, "the IPC directory " + d + " vanished while being made");
            }
            require(d, a, true);
        }
    }

    /** Whether a file's attributes (read without following links) show a file only trusted users write. */
    static boolean isTrusted(PosixFileAttributes a) {
        return problem(a, false) == null;
    }

    private static void require(Path d, PosixFileAttributes a, boolean directory) {
        String problem = problem(a, directory);
        if (problem != null) {
            String me = LocalIdentity.user();
            throw new IpcException(IpcError.PERMISSION_DENIED, "the IPC directory " + d + " (owner "
                    + a.owner().getName() + ", group " + a.group().getName() + ", mode "
                    + (a.isSymbolicLink() ? "symbolic link" : PosixFilePermissions.toString(a.permissions()))
                    + ") " + problem + "; only a directory of " + me + " that no other user can write is used");
        }
    }

    private static String problem(PosixFileAttributes a, boolean directory) {
        if (a.isSymbolicLink()) {
            return "is a symbolic link";
        }
        if (directory ? !a.isDirectory() : !a.isRegularFile()) {
            return directory ? "is not a directory" : "is not a regular file";
        }
        String shared = System.getProperty(SHARED_GROUP_PROPERTY);
        boolean sharedGroup = shared != null && !shared.isBlank() && a.group().getName().equals(shared);
        if (!a.owner().getName().equals(LocalIdentity.user()) && !sharedGroup) {
            return "belongs to another user";
        }
        if (a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            return "is writable by every user";
        }
        if (a.permissions().contains(PosixFilePermission.GROUP_WRITE) && !sharedGroup) {
            return "is writable by its group, which is not the shared group configured in " + SHARED_GROUP_PROPERTY;
        }
        return null;
    }

    private static PosixFileAttributes attributes(Path d) {
        try {
            return Files.readAttributes(d, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw ObjectDirectory.io("cannot read " + d, e);
        }
    }
}
