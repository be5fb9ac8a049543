package org.multios.ipc.core.mapped;

import java.util.Optional;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;

/**
 * One IPC object's file as this JVM maps it, what queues, channels, shared memory segments and
 * synchronization objects have in common: its identity (type, id, and name, or none for an
 * anonymous object in an unlinked file), its mapped region, the process that created it, and
 * its permissions: a named object's are its {@link ObjectDirectory directory's} (owner record
 * and file mode), an anonymous object's are kept here. Subclasses add their own layout.
 */
public abstract class ObjectFile {
    private final ObjectType type;
    private final long id;
    private final String name;
    private final String displayName;
    private final MappedRegion region;
    private final ObjectDirectory directory;
    private final IpcProcess creator;
    private volatile Permissions anonymousPermissions;

    /**
     * @param name                 the object's name, or null for an anonymous object
     * @param displayName          how messages name it: {@code queue 'jobs'}, {@code channel #12}
     * @param anonymousPermissions an anonymous object's permissions (unused for a named one)
     */
    protected ObjectFile(ObjectType type, long id, String name, String displayName, MappedRegion region,
            ObjectDirectory directory, IpcProcess creator, Permissions anonymousPermissions) {
        this.type = type;
        this.id = id;
        this.name = name;
        this.displayName = displayName;
        this.region = region;
        this.directory = directory;
        this.creator = creator;
        this.anonymousPermissions = anonymousPermissions;
    }

    public final ObjectType type() {
        return type;
    }

    /** The object's id: its file's inode. */
    public final long id() {
        return id;
    }

    public final Optional<String> name() {
        return Optional.ofNullable(name);
    }

    public final boolean isAnonymous() {
        return name == null;
    }

    /** How messages name the object, made once: every operation names it in its checks. */
    public final String displayName() {
        return displayName;
    }

    public final MappedRegion region() {
        return region;
    }

    /** The process that created the object (from its owner record for a named one). */
    public final IpcProcess creator() {
        return creator;
    }

    /** The directory the object's name lives in. */
    protected final ObjectDirectory directory() {
        return directory;
    }

    /**
     * The object's permissions now.
     *
     * @throws org.multios.ipc.IpcException NOT_FOUND if a named object was unlinked
     */
    public final Permissions permissions() {
        return name == null ? anonymousPermissions : directory.permissions(name);
    }

    /**
     * The permissions a listing shows: {@link #permissions()}, or those of no one but the creator
     * once the object was unlinked.
     */
    public final Permissions listedPermissions() {
        try {
            return permissions();
        } catch (RuntimeException unlinked) {
            return Permissions.of(creator, 0);
        }
    }

    /**
     * Sets the permissions: a named object's in its directory (owner record, header and file
     * mode), an anonymous object's here.
     */
    public void setPermissions(Permissions permissions) {
        if (name == null) {
            anonymousPermissions = permissions;
        } else {
            directory.setPermissions(name, id, permissions);
        }
    }
}
