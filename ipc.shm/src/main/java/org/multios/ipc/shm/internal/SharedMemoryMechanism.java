package org.multios.ipc.shm.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.core.mapped.CreateRule;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.core.mapped.ObjectFileHeader;
import org.multios.ipc.core.mapped.ObjectOwners;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.core.mapped.RootHoldings;
import org.multios.ipc.core.mapped.StaleObjects;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.ConfigurableMechanism;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.SessionMechanism;

/**
 * The shared memory mechanism, plain Java: named segments are files under
 * {@code <root>/shm}, anonymous ones unlinked files; every caller gets a
 * {@link SharedMemoryService} bound to it. Used by the OSGi component and by the plain-Java
 * bootstrap alike.
 */
public final class SharedMemoryMechanism extends SessionMechanism<SharedMemoryService, Session>
        implements ConfigurableMechanism<SharedMemoryService> {
    /** Test hook step: a create (inside its session) is about to make its segment's file. */
    static final int STEP_CREATING = 1;
    /** Test hook step: {@code collectStale} judged a segment stale and is about to remove it. */
    static final int STEP_JUDGED = 2;

    private final ObjectDirectory directory;
    private final StaleObjects stale;
    private final RootHoldings holdings = new RootHoldings(() -> this.environment);
    private final Set<Segment> anonymous = ConcurrentHashMap.newKeySet();
    private volatile IpcEnvironment environment;
    private volatile IntConsumer hook;
    private volatile ProcessMaps maps = ProcessMaps.system();

    /** A mechanism working in the given environment. */
    public SharedMemoryMechanism(IpcEnvironment environment) {
        super(SharedMemoryService.class, "the shared memory mechanism", Session::close, Session::connections);
        this.environment = environment;
        this.directory = new ObjectDirectory(environment, ObjectType.SHARED_MEMORY);
        this.stale = new StaleObjects(directory, SegmentDescriptor.DATA_OFFSET, SegmentDescriptor.CREATOR_OFFSET,
                SegmentDescriptor.CREATOR_NAMESPACE_OFFSET, (name, header) -> describe(directory, name, header));
    }

    /** Installs a test hook called at the numbered steps above (null: none). */
    void hook(IntConsumer testHook) {
        this.hook = testHook;
    }

    /** Makes {@link #collectStale()} consult only these processes' maps (tests). */
    void maps(ProcessMaps processMaps) {
        this.maps = processMaps;
    }

    private void at(int step) {
        IntConsumer h = hook;
        if (h != null) {
            h.accept(step);
        }
    }

    /** Applies changed limits to later operations. */
    public void environment(IpcEnvironment changed) {
        this.environment = changed;
    }

    @Override
    protected Session open(CallerContext caller) {
        return new Session(caller);
    }

    @Override
    protected SharedMemoryService service(Session session) {
        return new BoundService(session);
    }

    @Override
    public List<ObjectInfo> objects() {
        List<ObjectInfo> all = new ArrayList<>();
        directory.describeEach(name -> describe(directory, name), all);
        anonymous.forEach(s -> all.add(s.info()));
        return all;
    }

    /**
     * Removes named segments whose creating process is dead for certain and that no process may
     * map: see {@link StaleObjects}.
     */
    @Override
    public StaleCollection collectStaleObjects() {
        return stale.collectStale(maps, () -> at(STEP_JUDGED));
    }

    // ------------------------------------------------------------------ operations

    /** An open that takes a segment of any size. */
    private static final long ANY_SIZE = -1;

    /**
     * The create rule: opens the named segment if it exists with {@code size} bytes, else creates
     * it; {@code exclusive} demands a new one.
     */
    SegmentHandle openOrCreate(Session session, String name, long size, Permissions permissions, boolean exclusive) {
        checkOpen();
        directory.path(name);
        checkSize(size, "shared memory '" + name + "'");
        return CreateRule.openOrCreate(exclusive, () -> open(session, name, size),
                () -> create(session, name, size, permissions));
    }

    private SegmentHandle create(Session session, String name, long size, Permissions permissions) {
        CallerContext caller = session.caller();
        Grant grant = caller.authorize(ObjectType.SHARED_MEMORY, name, permissions, Rights.ADMIN);
        IpcProcess self = caller.process();
        at(STEP_CREATING);
        long length = SegmentDescriptor.fileLength(size);
        // the root holds a named segment's bytes against its owner's quota, for as long as it exists
        ObjectDirectory.Created created = holdings.creating(caller, "shared memory '" + name + "'", length,
                new RootHoldings.DataQuota(ObjectType.SHARED_MEMORY, Quota.SHARED_MEMORY_BYTES, size),
                () -> directory.create(name, length, permissions, region -> {
                    new ObjectFileHeader(region).initialize(ObjectType.SHARED_MEMORY,
                            SegmentDescriptor.LAYOUT_VERSION, SegmentDescriptor.DATA_OFFSET, size,
                            permissions.mode(), self, System.currentTimeMillis());
                    StaleObjects.recordCreator(region, SegmentDescriptor.CREATOR_OFFSET,
                            SegmentDescriptor.CREATOR_NAMESPACE_OFFSET);
                }));
        try {
            checkObjectCount(0);
        } catch (IpcException overLimit) {
            if (Objects.equals(directory.fileKey(name), created.fileKey())) {
                directory.unlink(name);
            }
            throw overLimit;
        }
        Segment segment = new Segment(created.inode(), name, created.region(), size, directory,
                created.fileKey(), self, null, () -> { });
        return session.track(new SegmentHandle(session, segment, grant, true));
    }

    SegmentHandle createAnonymous(Session session, long size) {
        checkOpen();
        checkSize(size, "anonymous shared memory");
        checkObjectCount(1);
        CallerContext caller = session.caller();
        reserve(caller, size);
        try {
            holdings.checkAnonymous(caller, "anonymous shared memory",
                    new RootHoldings.DataQuota(ObjectType.SHARED_MEMORY, Quota.SHARED_MEMORY_BYTES, 0));
            ObjectDirectory.Created created = directory.createUnnamed(SegmentDescriptor.fileLength(size));
            MappedRegion region = created.region();
            IpcProcess self = caller.process();
            new ObjectFileHeader(region).initialize(ObjectType.SHARED_MEMORY, SegmentDescriptor.LAYOUT_VERSION,
                    SegmentDescriptor.DATA_OFFSET, size, 0600, self.pid(), self.startTimeMillis(),
                    System.currentTimeMillis());
            long id = created.inode();
            Segment segment = new Segment(id, null, region, size, directory, null, self, Permissions.of(self, 0600),
                    () -> {
                        anonymous.removeIf(s -> s.id() == id);
                        unreserve(caller, size);
                    });
            anonymous.add(segment);
            Grant grant = caller.register(ObjectType.SHARED_MEMORY, "#" + id, new Grant(Rights.ALL));
            return session.track(new SegmentHandle(session, segment, grant, true));
        } catch (RuntimeException e) {
            unreserve(caller, size);
            throw e;
        }
    }

    SegmentHandle open(Session session, String name) {
        checkOpen();
        return open(session, name, ANY_SIZE);
    }

    /** Opens a named segment, which must have {@code size} bytes unless that is {@link #ANY_SIZE}. */
    private SegmentHandle open(Session session, String name, long size) {
        ObjectDirectory.Opened opened = directory.open(name,
                SegmentDescriptor.fileLength(environment.limits().get(Limit.SEGMENT_SIZE)));
        Segment segment = attach(name, opened);
        CallerContext caller = session.caller();
        Grant grant = caller.authorize(ObjectType.SHARED_MEMORY, name,
                ObjectOwners.permissionsOf(opened), Rights.READ);
        if (size != ANY_SIZE && segment.size() != size) {
            throw CreateRule.mismatch("shared memory '" + name + "'", "size", segment.size(), size);
        }
        return session.track(new SegmentHandle(session, segment, grant, opened.writable()));
    }

    void unlink(Session session, String name) {
        checkOpen();
        directory.unlink(session.caller(), name);
    }

    /** A segment's description from a copy of its header, without mapping its file (nothing written). */
    static ObjectInfo describe(ObjectDirectory directory, String name) {
        return describe(directory, name, directory.snapshot(name, SegmentDescriptor.DATA_OFFSET));
    }

    private static ObjectInfo describe(ObjectDirectory directory, String name, ObjectDirectory.Opened header) {
        return attach(directory, name, header, header.attributes().size()).info();
    }

    private Segment attach(String name, ObjectDirectory.Opened opened) {
        return attach(directory, name, opened, opened.region().length());
    }

    private static Segment attach(ObjectDirectory directory, String name, ObjectDirectory.Opened opened,
            long fileLength) {
        String what = "shared memory '" + name + "'";
        MappedRegion region = opened.region();
        ObjectFileHeader header = new ObjectFileHeader(region);
        header.verify(ObjectType.SHARED_MEMORY, SegmentDescriptor.LAYOUT_VERSION, fileLength, what);
        if (header.headerLength() != SegmentDescriptor.DATA_OFFSET) {
            throw new IpcException(IpcError.CORRUPTED, what + " has its data at " + header.headerLength() + ", not "
                    + SegmentDescriptor.DATA_OFFSET);
        }
        IpcProcess creator = ObjectOwners.creatorOf(opened, ObjectOwners.permissionsOf(opened));
        return new Segment(opened.inode(), name, region, header.dataLength(), directory, opened.attributes().fileKey(),
                creator, null, () -> { });
    }

    // ------------------------------------------------------------------ limits and quotas

    private void checkSize(long size, String what) {
        if (size < 1) {
            throw IpcException.invalidArgument(what + ": size " + size + " must be at least 1 byte");
        }
        environment.limits().check(Limit.SEGMENT_SIZE, size, what);
    }

    /**
     * Checks the platform's object limit with {@code more} segments to come. A named create
     * checks after making its file ({@code more} 0, counting it) and removes the file if that
     * passes the limit, so that concurrent creators, in any process, cannot both pass it.
     */
    private void checkObjectCount(int more) {
        long count = directory.names().size() + anonymous.size();
        environment.limits().check(Limit.OBJECTS, count + more, "shared memory segments");
    }

    private static void reserve(CallerContext caller, long size) {
        caller.reserve(Quota.OBJECTS, 1);
        try {
            caller.reserve(Quota.SHARED_MEMORY_BYTES, size);
        } catch (RuntimeException e) {
            caller.release(Quota.OBJECTS, 1);
            throw e;
        }
    }

    private static void unreserve(CallerContext caller, long size) {
        caller.release(Quota.OBJECTS, 1);
        caller.release(Quota.SHARED_MEMORY_BYTES, size);
    }

    /** The service bound to one caller. */
    private final class BoundService extends CallerService implements SharedMemoryService {
        BoundService(Session session) {
            super(session, session.gate());
        }

        @Override
        public org.multios.ipc.shm.SharedMemory create(String name, long size, Permissions permissions) {
            return create(name, size, permissions, false);
        }

        @Override
        public org.multios.ipc.shm.SharedMemory create(String name, long size, int mode, boolean exclusive) {
            return create(name, size, Permissions.of(session.caller().process(), mode), exclusive);
        }

        private org.multios.ipc.shm.SharedMemory create(String name, long size, Permissions permissions,
                boolean exclusive) {
            if (permissions == null) {
                throw IpcException.invalidArgument("shared memory '" + name + "': permissions must be given");
            }
            return call(() -> openOrCreate(session, name, size, permissions, exclusive));
        }

        @Override
        public org.multios.ipc.shm.SharedMemory create(String name, long size, int mode) {
            return create(name, size, Permissions.of(session.caller().process(), mode));
        }

        @Override
        public org.multios.ipc.shm.SharedMemory open(String name) {
            return call(() -> SharedMemoryMechanism.this.open(session, name));
        }

        @Override
        public org.multios.ipc.shm.SharedMemory createAnonymous(long size) {
            return call(() -> SharedMemoryMechanism.this.createAnonymous(session, size));
        }

        @Override
        public void unlink(String name) {
            run(() -> SharedMemoryMechanism.this.unlink(session, name));
        }
    }
}
