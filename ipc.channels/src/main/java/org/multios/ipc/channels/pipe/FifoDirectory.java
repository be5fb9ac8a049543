package org.multios.ipc.channels.pipe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.core.mapped.ObjectFileDescriptor;
import org.multios.ipc.core.mapped.ObjectOwners;
import org.multios.ipc.core.mapped.StaleObjects;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * The FIFOs of named pipes in {@code <root>/pipe}: names are checked (by
 * {@link ObjectDirectory}) before any file is touched; a FIFO is made with mode 0, given its
 * owner and group where the operating system allows, then its mode, so the umask never changes
 * it and it is never more open than asked. The IPC root and the pipe directory are checked
 * (see {@link ObjectDirectory#verifyDirectories()}) before any FIFO is looked at; a FIFO's mode
 * and owner are changed through a descriptor of it opened without following links.
 *
 * <p>A FIFO has no header, so its creator writes its owner record
 * ({@link ObjectOwners#recordOwner}): a header page with the FIFO's owner, group, mode and
 * creating IPC process, and at {@link #RECORD_CREATOR} the creating process's owner word
 * ({@code ProcessLiveness.ownerWord}, long) and its namespaces (long), which {@code ipc:gc} reads
 * to tell that the creator is gone ({@link StaleObjects#fifos}). FIFOs made before records
 * were written, or by other programs, have none: their creator is unknown and they are kept.
 */
final class FifoDirectory {
    /** Offset, in a FIFO's owner record, of its creating process's owner word (long). */
    static final int RECORD_CREATOR = ObjectFileDescriptor.OBJECT_HEADER_OFFSET;
    /** Offset, in a FIFO's owner record, of its creating process's namespaces (long). */
    static final int RECORD_CREATOR_NAMESPACE = RECORD_CREATOR + 8;

    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    private final ObjectDirectory names;
    private volatile Runnable permissionsHook;
    private volatile Runnable createHook;

    FifoDirectory(IpcEnvironment environment) {
        this.names = new ObjectDirectory(environment, ObjectType.PIPE);
    }

    /** Installs a test hook run between checking a FIFO and changing its permissions (null: none). */
    void permissionsHook(Runnable hook) {
        this.permissionsHook = hook;
    }

    /** Installs a test hook run between making a FIFO and giving it its permissions (null: none). */
    void createHook(Runnable hook) {
        this.createHook = hook;
    }

    static String label(String name) {
        return "pipe '" + name + "'";
    }

    /** The FIFO's path; INVALID_ARGUMENT for a bad name. */
    Path path(String name) {
        return names.path(name);
    }

    /** The names of the FIFOs present now. */
    List<String> names() {
        List<String> fifos = new ArrayList<>();
        for (String n : names.names()) {
            if (isFifo(names.directory().resolve(n))) {
                fifos.add(n);
            }
        }
        return fifos;
    }

    /** The collector of FIFOs whose creator is gone and that no process has open. */
    StaleObjects stale() {
        return StaleObjects.fifos(names, RECORD_CREATOR, RECORD_CREATOR_NAMESPACE);
    }

    /** The IPC process that created the FIFO with this inode, from its owner record (unknown without one). */
    IpcProcess creatorOf(long inode, Permissions permissions) {
        return ObjectOwners.creatorOf(names, inode, permissions);
    }

    /**
     * Makes the FIFO of a new named pipe, and its owner record naming {@code creator}.
     *
     * @return the FIFO's file key (device and inode)
     * @throws IpcException ALREADY_EXISTS; IO_ERROR if the operating system refuses
     */
    Object create(String name, Permissions permissions, IpcProcess creator) {
        Path p = path(name);
        names.prepareDirectories();
        int r = FifoCalls.mkfifo(p.toString());
        if (r == -FifoCalls.EEXIST) {
            throw IpcException.alreadyExists(ObjectType.PIPE, name);
        }
        if (r < 0) {
            throw new IpcException(IpcError.IO_ERROR, label(name) + ": mkfifo " + p + ": " + FifoCalls.strerror(-r));
        }
        Runnable hook = createHook;
        if (hook != null) {
            hook.run();
        }
        try {
            Object fileKey = applyToNew(name, p, permissions);
            ObjectOwners.recordOwner(names, name, inode(name), permissions, creator,
                    page -> StaleObjects.recordCreator(page, RECORD_CREATOR, RECORD_CREATOR_NAMESPACE));
            return fileKey;
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the FIFO has mode 0 and is found by its name
            }
            throw e;
        }
    }

    /**
     * Gives the FIFO just made at {@code p} its owner, group and mode through a descriptor of it
     * ({@code O_PATH}, opened without following links, checked to be a FIFO of this OS user): in
     * a root shared with a group, a member may write the pipe directory and swap the name for a
     * link between mkfifo and chmod, and the mode must not reach the link's target.
     *
     * @throws IpcException BUSY if the name no longer leads to a FIFO of this user
     */
    private Object applyToNew(String name, Path p, Permissions permissions) {
        int fd = FifoCalls.openPath(p.toString());
        if (fd < 0) {
            throw new IpcException(IpcError.BUSY, label(name) + " changed while it was being made: "
                    + FifoCalls.strerror(-fd));
        }
        try {
            Path self = descriptorPath(fd);
            boolean fresh;
            try {
                int mode = (Integer) Files.getAttribute(self, "unix:mode");
                fresh = (mode & S_IFMT) == S_IFIFO
                        && Files.getAttribute(self, "unix:uid").equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (IOException e) {
                fresh = false;
            }
            if (!fresh) {
                throw new IpcException(IpcError.BUSY, label(name) + " was replaced while it was being made");
            }
            return apply(name, self, permissions);
        } finally {
            FifoCalls.close(fd);
        }
    }

    /**
     * Removes a FIFO this process just made, if the name still leads to it (a failed create's
     * undo): never another process's FIFO made under the name meanwhile.
     */
    void remove(String name, Object fileKey) {
        try {
            if (fileKey.equals(fifoAttributes(name).fileKey())) {
                names.unlink(name);
            }
        } catch (IpcException goneOrReplaced) {
            // nothing of ours to remove
        }
    }

    /**
     * Checks that the name is a FIFO and returns its permissions.
     *
     * @throws IpcException NOT_FOUND; CORRUPTED if the file is not a FIFO
     */
    Permissions permissions(String name) {
        return ObjectOwners.permissionsOf(fifoAttributes(name));
    }

    /**
     * The attributes of the FIFO under the name, its link not followed.
     *
     * @throws IpcException NOT_FOUND; CORRUPTED if the file is not a FIFO
     */
    PosixFileAttributes fifoAttributes(String name) {
        Path p = path(name);
        if (!names.verifyDirectories()) {
            throw IpcException.notFound(ObjectType.PIPE, name);
        }
        if (!isFifo(p)) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw IpcException.notFound(ObjectType.PIPE, name);
            }
            throw new IpcException(IpcError.CORRUPTED, label(name) + ": " + p + " is not a FIFO");
        }
        return attributes(name, p, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether an open descriptor is the file whose attributes were read (same device and inode,
     * owner, group and mode), read from the descriptor itself (fstat through
     * {@code /proc/self/fd}), not from a name.
     *
     * @throws IpcException IO_ERROR if the descriptor's attributes cannot be read
     */
    static boolean isSameFile(String name, int fd, PosixFileAttributes expected) {
        PosixFileAttributes opened = attributes(name, descriptorPath(fd)); // follows the descriptor's link
        return expected.fileKey().equals(opened.fileKey()) && expected.permissions().equals(opened.permissions())
                && expected.owner().equals(opened.owner()) && expected.group().equals(opened.group());
    }

    /** The inode number of an open descriptor, 0 if it cannot be read. */
    static long inodeOf(int fd) {
        try {
            return ((Number) Files.getAttribute(descriptorPath(fd), "unix:ino")).longValue();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Path descriptorPath(int fd) {
        return Path.of("/proc/self/fd", Integer.toString(fd));
    }

    /** The FIFO's inode number, 0 if it is gone. */
    long inode(String name) {
        try {
            return ((Number) Files.getAttribute(path(name), "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Changes the FIFO's owner, group and mode through a descriptor of it ({@code O_PATH},
     * opened without following links and checked to be the FIFO whose attributes were read), so
     * a name swapped for a link meanwhile changes nothing else.
     *
     * @throws IpcException NOT_FOUND; CORRUPTED if the name is not a FIFO; BUSY if the name was
     *                      re-created meanwhile; IO_ERROR if the operating system refuses
     */
    void setPermissions(String name, Permissions permissions) {
        PosixFileAttributes found = fifoAttributes(name);
        Runnable hook = permissionsHook;
        if (hook != null) {
            hook.run();
        }
        int fd = FifoCalls.openPath(path(name).toString());
        if (fd < 0) {
            throw new IpcException(IpcError.BUSY, label(name) + " changed while its permissions were being set: "
                    + FifoCalls.strerror(-fd));
        }
        try {
            if (!isSameFile(name, fd, found)) {
                throw new IpcException(IpcError.BUSY, label(name) + " was re-created while its permissions were"
                        + " being set");
            }
            apply(name, descriptorPath(fd), permissions);
        } finally {
            FifoCalls.close(fd);
        }
    }

    /**
     * Removes the FIFO's name if it still leads to the FIFO whose attributes were read.
     *
     * @return whether it did (false: the name was removed or re-created meanwhile)
     */
    boolean unlink(String name, PosixFileAttributes found) {
        PosixFileAttributes now;
        try {
            now = fifoAttributes(name);
        } catch (IpcException gone) {
            return false;
        }
        if (!now.fileKey().equals(found.fileKey())) {
            return false;
        }
        names.unlink(name);
        return true;
    }

    /**
     * Gives the FIFO at {@code p} its owner, group and mode; returns its file key. {@code p} is
     * the FIFO's name just made by mkfifo (read without following links) or a descriptor's path.
     */
    private Object apply(String name, Path p, Permissions permissions, LinkOption... follow) {
        Object fileKey;
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, follow);
            PosixFileAttributes current = view.readAttributes();
            fileKey = current.fileKey();
            UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
            if (!current.owner().getName().equals(permissions.owner())) {
                try {
                    view.setOwner(users.lookupPrincipalByName(permissions.owner()));
                } catch (IOException notAnOsUserOrNotAllowed) {
                    // the file keeps its owner; the platform's own checks use the one asked for
                }
            }
            if (!current.group().getName().equals(permissions.group())) {
                try {
                    view.setGroup(users.lookupPrincipalByGroupName(permissions.group()));
                } catch (IOException notAnOsGroupOrNotAllowed) {
                    // as above
                }
            }
        } catch (IOException e) {
            throw new IpcException(IpcError.IO_ERROR, label(name) + ": cannot read " + p + ": " + e, e);
        }
        int r = FifoCalls.chmod(p.toString(), permissions.mode());
        if (r < 0) {
            throw new IpcException(IpcError.IO_ERROR, label(name) + ": cannot give " + p + " the mode "
                    + permissions.modeString() + ": " + FifoCalls.strerror(-r));
        }
        return fileKey;
    }

    private static PosixFileAttributes attributes(String name, Path p, LinkOption... follow) {
        try {
            return Files.readAttributes(p, PosixFileAttributes.class, follow);
        } catch (NoSuchFileException e) {
            throw IpcException.notFound(ObjectType.PIPE, name);
        } catch (IOException e) {
            throw new IpcException(IpcError.IO_ERROR, label(name) + ": cannot read " + p + ": " + e, e);
        }
    }

    private static boolean isFifo(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFIFO;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
