package org.multios.ipc.core.mapped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.EnumSet;
import java.util.Set;

import org.multios.ipc.Permissions;

/** Gives an object's file its mode, and its OS owner and group where the system allows. */
final class FilePermissions {
    private FilePermissions() {
    }

    /**
     * Sets the file's mode, and its OS owner and group where the operating system knows them and
     * allows the change; an IPC owner or group that is not one of the OS's is kept in the owner
     * record only. The mode is always set explicitly, so the umask does not change it.
     */
    static void apply(Path file, Permissions permissions, String what) {
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            PosixFileAttributes current = view.readAttributes();
            UserPrincipalLookupService users = file.getFileSystem().getUserPrincipalLookupService();
            if (!current.owner().getName().equals(permissions.owner())) {
                tryOwner(view, users, permissions.owner());
            }
            if (!current.group().getName().equals(permissions.group())) {
                tryGroup(view, users, permissions.group());
            }
            view.setPermissions(toPosix(permissions.mode()));
        } catch (IOException e) {
            throw ObjectDirectory.io(what + ": cannot give " + file + " the mode " + permissions.modeString(), e);
        }
    }

    private static void tryOwner(PosixFileAttributeView view, UserPrincipalLookupService users, String name) {
        try {
            UserPrincipal owner = users.lookupPrincipalByName(name);
            view.setOwner(owner);
        } catch (IOException notAnOsUserOrNotAllowed) {
            // the owner is kept in the owner record
        }
    }

    private static void tryGroup(PosixFileAttributeView view, UserPrincipalLookupService users, String name) {
        try {
            GroupPrincipal group = users.lookupPrincipalByGroupName(name);
            view.setGroup(group);
        } catch (IOException notAnOsGroupOrNotAllowed) {
            // the group is kept in the owner record
        }
    }

    private static Set<PosixFilePermission> toPosix(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                set.add(p);
            }
        }
        return set;
    }
}
