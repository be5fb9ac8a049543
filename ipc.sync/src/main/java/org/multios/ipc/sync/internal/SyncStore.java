package org.multios.ipc.sync.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.core.mapped.CreateRule;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.core.mapped.ObjectFileHeader;
import org.multios.ipc.core.mapped.ObjectOwners;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.core.mapped.RootHoldings;
import org.multios.ipc.core.mapped.StaleObjects;
import org.multios.ipc.core.mapped.WaitLoop;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;

/**
 * Files of synchronization objects under the IPC root, one directory per kind: creates,
 * opens, unlinks and lists them, checking names, limits, quotas and access.
 */
final class SyncStore {
    /** A page mapped for a caller, with the rights granted. */
    record Attached(SyncObject object, Grant grant) {
    }

    /** Checks that an existing object's options are those a create asked for. */
    @FunctionalInterface
    interface OptionCheck {
        /**
         * @param existing the object's page
         * @param what     the object, for messages
         * @throws IpcException ALREADY_EXISTS from {@link CreateRule#mismatch} if an option differs
         */
        void check(MappedRegion existing, String what);
    }

    private final Supplier<IpcEnvironment> environment;
    private final Supplier<WaitStrategy> defaultWaitStrategy;
    private final Map<ObjectType, ObjectDirectory> directories = new EnumMap<>(ObjectType.class);
    private final RootHoldings holdings;

    SyncStore(IpcEnvironment initial, Supplier<IpcEnvironment> environment,
            Supplier<WaitStrategy> defaultWaitStrategy, Set<ObjectType> types) {
        this.environment = environment;
        this.defaultWaitStrategy = defaultWaitStrategy;
        this.holdings = new RootHoldings(environment);
        for (ObjectType t : types) {
            directories.put(t, new ObjectDirectory(initial, t));
        }
    }

    private ObjectDirectory directory(ObjectType type) {
        return directories.get(type);
    }

    /**
     * The create rule: opens the named object with {@code openRights} if it exists and
     * {@code options} accepts it, else creates it with {@code init}; {@code exclusive} demands a
     * new one.
     */
    Attached openOrCreate(CallerContext caller, ObjectType type, String name, Permissions permissions,
            boolean exclusive, int openRights, OptionCheck options, Consumer<MappedRegion> init) {
        directory(type).path(name);
        if (permissions == null) {
            throw IpcException.invalidArgument(type.label() + " '" + name + "': permissions must be given");
        }
        return CreateRule.openOrCreate(exclusive, () -> open(caller, type, name, openRights, options),
                () -> create(caller, type, name, permissions, init));
    }

    private Attached create(CallerContext caller, ObjectType type, String name, Permissions permissions,
            Consumer<MappedRegion> init) {
        ObjectDirectory dir = directory(type);
        environment.get().limits().check(Limit.OBJECTS, dir.names().size() + 1L, type.label() + " objects");
        Grant grant = caller.authorize(type, name, permissions, Rights.ADMIN);
        IpcProcess self = caller.process();
        ObjectDirectory.Created created = holdings.creating(caller, type.label() + " '" + name + "'",
                SyncDescriptor.FILE_LENGTH, () -> dir.create(name, SyncDescriptor.FILE_LENGTH, permissions, region -> {
                    header(region, type, permissions.mode(), self);
                    init.accept(region);
                }));
        return new Attached(new SyncObject(type, created.inode(), name, created.region(), dir, self, null), grant);
    }

    Attached createAnonymous(CallerContext caller, ObjectType type, Consumer<MappedRegion> init) {
        IpcProcess self = caller.process();
        caller.reserve(Quota.OBJECTS, 1);
        ObjectDirectory.Created created;
        try {
            holdings.checkAnonymous(caller, "anonymous " + type.label());
            created = directory(type).createUnnamed(SyncDescriptor.FILE_LENGTH);
        } catch (RuntimeException e) {
            caller.release(Quota.OBJECTS, 1);
            throw e;
        }
        header(created.region(), type, 0600, self);
        init.accept(created.region());
        return new Attached(new SyncObject(type, created.inode(), null, created.region(), directory(type), self,
                Permissions.of(self, 0600)), caller.register(type, "#" + created.inode(), new Grant(Rights.ALL)));
    }

    Attached open(CallerContext caller, ObjectType type, String name, int requested) {
        return open(caller, type, name, requested, (existing, what) -> { });
    }

    private Attached open(CallerContext caller, ObjectType type, String name, int requested, OptionCheck options) {
        ObjectDirectory dir = directory(type);
        ObjectDirectory.Opened opened = dir.open(name, SyncDescriptor.FILE_LENGTH);
        String what = type.label() + " '" + name + "'";
        verified(opened, type, opened.region().length(), what);
        Permissions permissions = ObjectOwners.permissionsOf(opened);
        Grant grant = caller.authorize(type, name, permissions, requested);
        if (grant.rights() == Rights.NONE) {
            String operation = type == ObjectType.MUTEX ? "write to" : "read from";
            caller.denied(type, name, operation);
            throw IpcException.permissionDenied(operation, what + " (" + permissions + ")",
                    caller.process().toString());
        }
        if (!opened.writable()) {
            caller.denied(type, name, "use (the operating system refused write access to its file)");
            throw IpcException.permissionDenied("use (the operating system refused write access to its file)", what,
                    caller.process().toString());
        }
        options.check(opened.region(), what); // after access is granted: its options are no secret then
        return new Attached(new SyncObject(type, opened.inode(), name, opened.region(), dir,
                ObjectOwners.creatorOf(opened, permissions), null), grant);
    }

    /**
     * A snapshot of a named object read from a copy of its page (nothing mapped, nothing written),
     * its capacity read by {@code capacity}.
     */
    static ObjectInfo describe(ObjectDirectory dir, ObjectType type, String name, ToLongFunction<MappedRegion> capacity) {
        return describe(dir, type, name, dir.snapshot(name, SyncDescriptor.FILE_LENGTH), capacity);
    }

    private static ObjectInfo describe(ObjectDirectory dir, ObjectType type, String name, ObjectDirectory.Opened copy,
            ToLongFunction<MappedRegion> capacity) {
        verified(copy, type, copy.attributes().size(), type.label() + " '" + name + "'");
        SyncObject object = new SyncObject(type, copy.inode(), name, copy.region(), dir,
                ObjectOwners.creatorOf(copy, ObjectOwners.permissionsOf(copy)), null);
        return object.info(capacity.applyAsLong(copy.region()));
    }

    /** The header of an object's file (or of its copy), checked to be one of this kind and layout. */
    private static ObjectFileHeader verified(ObjectDirectory.Opened opened, ObjectType type, long fileLength,
            String what) {
        ObjectFileHeader header = new ObjectFileHeader(opened.region());
        header.verify(type, SyncDescriptor.LAYOUT_VERSION, fileLength, what);
        if (opened.region().length() < SyncDescriptor.FILE_LENGTH) {
            throw new IpcException(IpcError.CORRUPTED, what + " is shorter than one page");
        }
        return header;
    }

    /** Removes a named object; returns its inode so that the quota it held can be given back. */
    long unlink(CallerContext caller, ObjectType type, String name) {
        return directory(type).unlink(caller, name);
    }

    /**
     * Snapshots of every named object of a kind, whatever its owner and mode, each read from a copy
     * of its page ({@link #describe}) with its capacity read by {@code capacity}. Nothing is mapped
     * and no access is checked: which of them a caller may see is the listing caller's filter.
     */
    List<ObjectInfo> list(ObjectType type, ToLongFunction<MappedRegion> capacity) {
        ObjectDirectory dir = directory(type);
        List<ObjectInfo> infos = new ArrayList<>();
        dir.describeEach(name -> describe(dir, type, name, capacity), infos);
        return infos;
    }

    /**
     * Removes the named objects of a kind whose creator is dead for certain and that no process
     * may map ({@link StaleObjects}), described with their capacity read by {@code capacity}.
     */
    StaleCollection collectStale(ObjectType type, ProcessMaps processMaps, ToLongFunction<MappedRegion> capacity) {
        ObjectDirectory dir = directory(type);
        return new StaleObjects(dir, SyncDescriptor.FILE_LENGTH, SyncDescriptor.CREATOR, SyncDescriptor.CREATOR_NAMESPACE,
                (name, copy) -> describe(dir, type, name, copy, capacity)).collectStale(processMaps, () -> { });
    }

    /** Writes the common header and the platform default wait strategy; the kind's init may replace it. */
    private void header(MappedRegion region, ObjectType type, int mode, IpcProcess self) {
        region.putInt(SyncDescriptor.WAIT_STRATEGY, WaitLoop.word(defaultWaitStrategy.get()));
        new ObjectFileHeader(region).initialize(type, SyncDescriptor.LAYOUT_VERSION, SyncDescriptor.FILE_LENGTH, 0, mode,
                self, System.currentTimeMillis());
        StaleObjects.recordCreator(region, SyncDescriptor.CREATOR, SyncDescriptor.CREATOR_NAMESPACE);
    }
}
