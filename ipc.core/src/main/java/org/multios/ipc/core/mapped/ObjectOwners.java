package org.multios.ipc.core.mapped;

import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.Consumer;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;

/**
 * Who owns and who created a named object, as its owner record says ({@link OwnerRecords}):
 * never as its file's header says, which whoever may write the file could rewrite. Also writes
 * the record of a file without a header of its own (a named pipe's FIFO).
 */
public final class ObjectOwners {
    private ObjectOwners() {
    }

    /**
     * The permissions of an opened object: IPC owner and group from its owner record, mode from
     * its file. A file without a record (made by a program that writes none) is owned by its OS
     * owner and group: never by the names in its own header.
     */
    public static Permissions permissionsOf(ObjectDirectory.Opened opened) {
        Permissions file = permissionsOf(opened.attributes());
        MappedRegion record = ownerRecord(opened);
        ObjectFileHeader.Names names = record == null ? null
                : new ObjectFileHeader(record).names(opened.path().toString());
        return names == null ? file : new Permissions(names.owner(), names.group(), file.mode());
    }

    /** Owner, group and mode of the file itself. */
    public static Permissions permissionsOf(PosixFileAttributes attrs) {
        int mode = 0;
        for (PosixFilePermission p : attrs.permissions()) {
            mode |= 1 << (8 - p.ordinal());
        }
        return new Permissions(attrs.owner().getName(), attrs.group().getName(), mode);
    }

    /**
     * The owner record of an opened object: a copy of its header page as its creator wrote it
     * (IPC owner and group, creator pid and start, the object-specific fields as they were at
     * creation), names updated by changes of permissions; null if it has none. What decides
     * ownership or a creator's death is read here, not from the file, which its writers may change.
     */
    public static MappedRegion ownerRecord(ObjectDirectory.Opened opened) {
        return OwnerRecords.read(opened.path().getParent(), opened.inode());
    }

    /**
     * The IPC process that created an opened object (the bundle or program, and its OS
     * process), read from its owner record ({@link ObjectFileHeader#creator}); unknown (pid 0)
     * when it has none.
     */
    public static IpcProcess creatorOf(ObjectDirectory.Opened opened, Permissions permissions) {
        return creatorIn(ownerRecord(opened), permissions);
    }

    /**
     * The IPC process that created the file with inode {@code inode} in {@code directory}, as
     * its owner record names it; unknown (pid 0) without one.
     */
    public static IpcProcess creatorOf(ObjectDirectory directory, long inode, Permissions permissions) {
        return creatorIn(OwnerRecords.read(directory.directory(), inode), permissions);
    }

    /** The creating IPC process an owner record names; unknown (pid 0) for none. */
    static IpcProcess creatorIn(MappedRegion record, Permissions permissions) {
        return record != null ? new ObjectFileHeader(record).creator(permissions)
                : new IpcProcess(ProcessKind.OS_PROCESS, 0, "unknown", 0, 0, permissions.owner(),
                        Set.of(permissions.group()));
    }

    /**
     * Writes the owner record of a file in {@code directory} that has no header of its own (a
     * named pipe's FIFO, inode {@code inode}): a header page of the directory's type with the
     * file's owner, group, mode and creating process, completed by {@code fill} (the creator's
     * owner word a collector reads), kept as object files' records are.
     *
     * @throws IpcException IO_ERROR if the record cannot be written
     */
    public static void recordOwner(ObjectDirectory directory, String name, long inode, Permissions permissions,
            IpcProcess creator, Consumer<MappedRegion> fill) {
        MappedRegion page = MappedRegion.buffer(ObjectFileDescriptor.PAGE_SIZE);
        ObjectFileHeader header = new ObjectFileHeader(page);
        header.initialize(directory.type(), 1, ObjectFileDescriptor.PAGE_SIZE, 0, permissions.mode(), creator,
                System.currentTimeMillis());
        header.owner(permissions.owner(), permissions.group());
        fill.accept(page);
        OwnerRecords.write(directory.directory(), inode, page, directory.what(name));
    }
}
