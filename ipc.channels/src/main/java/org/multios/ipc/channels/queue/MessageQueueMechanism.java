package org.multios.ipc.channels.queue;

import org.multios.ipc.channels.ring.PortSession;
import org.multios.ipc.channels.ring.PortMechanism;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueFlag;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.core.mapped.CreateRule;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.core.mapped.ObjectOwners;
import org.multios.ipc.core.mapped.StaleObjects;
import org.multios.ipc.channels.ring.LaneDescriptor;
import org.multios.ipc.channels.ring.NamedObjectReader;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.core.mapped.RootHoldings;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;

/**
 * The message queue mechanism, plain Java: named queues are files under {@code <root>/queue}
 * holding a {@link org.multios.ipc.channels.ring.PriorityRing} (or, for a lane, a
 * {@link org.multios.ipc.channels.ring.LaneRing}), so they survive this mechanism's
 * restart and the death of every process using them, messages included. Every caller gets a
 * {@link MessageQueueService} bound to it. Used by the OSGi component and by the plain-Java
 * bootstrap alike.
 *
 * <p>Durable queues ({@link QueueDurability} other than NONE) live the same way under the
 * durable root ({@value #DURABLE_ROOT_PROPERTY}, by default {@code ipc-durable} under the working
 * directory). Names are one namespace over both roots: a create checks, under the IPC root's
 * creation lock (which every create of either root takes), that the other root does not hold the
 * name; an open looks in the IPC root, then in the durable root.
 */
public final class MessageQueueMechanism extends PortMechanism<MessageQueueService> {
    /** Framework or system property naming the durable root. */
    public static final String DURABLE_ROOT_PROPERTY = DurableRoot.PROPERTY;

    private static final int CREATE_ATTEMPTS = 8;

    private final ObjectDirectory directory;
    private final QueueFileReader files = new QueueFileReader();
    private final DurableRoot durableRoot;
    private final RootHoldings holdings = new RootHoldings(this::environment);
    private final RootHoldings durableHoldings;
    private final GroupCommit groupCommit = new GroupCommit();

    /**
     * A mechanism working in the given environment, with the durable root the system property
     * {@value #DURABLE_ROOT_PROPERTY} names (by default {@code ipc-durable} under the working
     * directory).
     */
    public MessageQueueMechanism(IpcEnvironment environment) {
        this(environment, DurableRoot.configured(System.getProperty(DURABLE_ROOT_PROPERTY)));
    }

    /** A mechanism working in the given environment whose durable queues live under {@code durableRoot}. */
    public MessageQueueMechanism(IpcEnvironment environment, Path durableRoot) {
        super(MessageQueueService.class, environment, "message queue");
        this.directory = new ObjectDirectory(environment, ObjectType.QUEUE);
        this.durableRoot = new DurableRoot(durableRoot.toAbsolutePath(), environment);
        this.durableHoldings = new RootHoldings(() -> this.durableRoot.environment(environment()));
    }

    @Override
    protected MessageQueueService service(PortSession session) {
        return new BoundService(session);
    }

    /** Stops the mechanism: every handle and registration closes, waiters wake with CLOSED; queues stay. */
    @Override
    public void close() {
        super.close();
        groupCommit.close();
    }

    @Override
    public List<ObjectInfo> objects() {
        List<ObjectInfo> all = new ArrayList<>();
        for (ObjectDirectory d : List.of(directory, durableRoot.directory())) {
            d.describeEach(name -> files.snapshot(d, name), all);
        }
        return all;
    }

    /**
     * Removes the queues of the IPC root whose creator is dead for certain, that no process maps
     * and in which no message waits ({@link StaleObjects}, {@link NamedObjectReader#holdsMessages}).
     * Durable queues are never collected: they are made to outlive every process, and the
     * machine's restart.
     */
    @Override
    public StaleCollection collectStaleObjects() {
        // the copy reaches the ring's controls: messages waiting are read from the ring, which a
        // sender killed before it counted its message leaves right (PortFiles.addDirection)
        return new StaleObjects(directory, QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.ENTRIES_OFFSET,
                QueueDescriptor.CREATOR,
                QueueDescriptor.CREATOR_NAMESPACE, (name, header) -> files.describe(directory, name, header),
                NamedObjectReader::holdsMessages).collectStale(maps(), () -> { });
    }

    /** The directory that holds the queue {@code name} now, or null if neither root does. */
    private ObjectDirectory holder(String name) {
        for (ObjectDirectory d : List.of(directory, durableRoot.directory())) {
            if (d.verifyDirectories() && d.fileKey(name) != null) {
                return d;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ operations

    MessageQueue create(PortSession session, String name, QueueOptions options) {
        directory.path(name);
        if (options == null) {
            throw IpcException.invalidArgument("queue '" + name + "': options must not be null");
        }
        if (options.lane() && options.durability() != QueueDurability.NONE) {
            throw IpcException.invalidArgument("queue '" + name + "': lane and durability " + options.durability()
                    + " do not go together (a lane lives in memory only: durability NONE, or lane false)");
        }
        checkOpen();
        for (int attempt = 1;; attempt++) {
            if (!options.exclusive()) {
                try {
                    return requireShape(open(session, name, Rights.READ_WRITE, options.nonBlocking()), options);
                } catch (IpcException e) {
                    if (e.error() != IpcError.NOT_FOUND) {
                        throw e;
                    }
                }
            }
            try {
                return createNew(session, name, options);
            } catch (IpcException e) {
                if (options.exclusive() || e.error() != IpcError.ALREADY_EXISTS || attempt >= CREATE_ATTEMPTS) {
                    throw e;
                }
                // made by another process meanwhile: open it
            }
        }
    }

    /** The queue opened, if it has the sizes and durability a create asked for; else closed, and ALREADY_EXISTS. */
    private static MessageQueue requireShape(MessageQueue opened, QueueOptions asked) {
        QueueFile file = ((QueueHandle) opened).file();
        String what = "queue '" + opened.name().orElse("") + "'";
        IpcException mismatch = null;
        if (file.maxMessageSize() != asked.maxMessageSize()) {
            mismatch = CreateRule.mismatch(what, "largest message", file.maxMessageSize(), asked.maxMessageSize());
        } else if (file.maxMessages() != asked.maxMessages()) {
            mismatch = CreateRule.mismatch(what, "message count", file.maxMessages(), asked.maxMessages());
        } else if (file.durability() != asked.durability()) {
            mismatch = CreateRule.mismatch(what, "durability", file.durability(), asked.durability());
        } else if (file.isLane() != asked.lane()) {
            mismatch = CreateRule.mismatch(what, "kind of queue", kind(file.isLane()), kind(asked.lane()));
        }
        if (mismatch != null) {
            opened.close();
            throw mismatch;
        }
        return opened;
    }

    private static String kind(boolean lane) {
        return lane ? "lane" : "priorities";
    }

    private MessageQueue createNew(PortSession session, String name, QueueOptions options) {
        String what = "queue '" + name + "'";
        var limits = environment().limits();
        limits.check(Limit.QUEUE_MESSAGES, options.maxMessages(), what);
        limits.check(Limit.MESSAGE_SIZE, options.maxMessageSize(), what);
        limits.check(Limit.OBJECTS, directory.names().size() + durableRoot.directory().names().size() + 1L, "queues");
        CallerContext caller = session.caller();
        IpcProcess self = caller.process();
        Permissions permissions = Permissions.of(self, options.mode());
        WaitStrategy waitStrategy = options.waitStrategy() != null ? options.waitStrategy() : defaultWaitStrategy();
        Grant grant = caller.authorize(ObjectType.QUEUE, name, permissions, Rights.ADMIN);
        long length = fileLength(options, what);
        QueueDurability durability = options.durability();
        boolean durable = durability != QueueDurability.NONE;
        ObjectDirectory home = durable ? durableRoot.directory() : directory;
        ObjectDirectory other = durable ? directory : durableRoot.directory();
        // under the IPC root's creation lock, which every create of either root takes: one namespace
        ObjectDirectory.Created created = holdings.creating(caller, what, durable ? 0 : length, () -> {
            if (other.verifyDirectories() && other.fileKey(name) != null) {
                throw IpcException.alreadyExists(ObjectType.QUEUE, name);
            }
            if (!durable) {
                return create(directory, name, length, permissions, options, waitStrategy, self);
            }
            durableRoot.prepare(what);
            return durableHoldings.creating(caller, what, length,
                    () -> create(home, name, length, permissions, options, waitStrategy, self));
        });
        if (durable) {
            durableRoot.syncCreated(created.inode(), what);
        }
        QueueFile file = QueueFile.created(name, created, home, self, groupCommit);
        return session.track(new QueueHandle(session, file, grant, options.nonBlocking()));
    }

    /** The length of the file of a new queue of these options (of a lane, or a ring with priorities). */
    private static long fileLength(QueueOptions options, String what) {
        if (!options.lane()) {
            return QueueDescriptor.fileLength(options.maxMessageSize(), options.maxMessages());
        }
        try {
            return QueueDescriptor.RING_OFFSET + QueueDescriptor.laneLength(options.maxMessageSize(),
                    options.maxMessages());
        } catch (IllegalArgumentException tooLarge) {
            throw new IpcException(IpcError.LIMIT_EXCEEDED, what + ": " + tooLarge.getMessage()
                    + " (a lane's ring of records is at most " + LaneDescriptor.MAX_CAPACITY + " bytes)");
        }
    }

    private static ObjectDirectory.Created create(ObjectDirectory in, String name, long length,
            Permissions permissions, QueueOptions options, WaitStrategy waitStrategy, IpcProcess self) {
        return in.create(name, length, permissions, region -> QueueFile.initialize(region, options.maxMessageSize(),
                options.maxMessages(), options.mode(), waitStrategy, options.durability(), options.lane(), self));
    }

    MessageQueue open(PortSession session, String name, int rights, Set<QueueFlag> flags) {
        directory.path(name);
        if (rights == Rights.NONE || (rights & ~Rights.ALL) != 0) {
            throw IpcException.invalidArgument("queue '" + name + "': rights " + rights + " must be a non-empty "
                    + "combination of READ, WRITE and ADMIN");
        }
        if (flags == null) {
            throw IpcException.invalidArgument("queue '" + name + "': flags must not be null");
        }
        boolean nonBlocking = false;
        for (QueueFlag flag : flags) {
            if (flag == null) {
                throw IpcException.invalidArgument("queue '" + name + "': flags must not hold null");
            }
            if (flag == QueueFlag.EXCLUSIVE) {
                throw IpcException.invalidArgument("queue '" + name + "': EXCLUSIVE is a flag of create only");
            }
            nonBlocking |= flag == QueueFlag.NON_BLOCKING;
        }
        checkOpen();
        return open(session, name, rights, nonBlocking);
    }

    private MessageQueue open(PortSession session, String name, int rights, boolean nonBlocking) {
        var limits = environment().limits();
        long maxLength = QueueDescriptor.largestFile(Math.min(limits.get(Limit.MESSAGE_SIZE), 1 << 30),
                Math.min(limits.get(Limit.QUEUE_MESSAGES), 1 << 30));
        ObjectDirectory in = directory;
        ObjectDirectory.Opened opened;
        try {
            opened = directory.open(name, maxLength);
        } catch (IpcException e) {
            if (e.error() != IpcError.NOT_FOUND) {
                throw e;
            }
            in = durableRoot.directory();
            opened = in.open(name, maxLength);
        }
        QueueFile file = QueueFile.of(name, opened, in, opened.region().length(), true, groupCommit);
        CallerContext caller = session.caller();
        Grant grant = caller.authorize(ObjectType.QUEUE, name, ObjectOwners.permissionsOf(opened), rights);
        if (!opened.writable()) {
            caller.denied(ObjectType.QUEUE, name, "use (the operating system refused write access to its file)");
            throw IpcException.permissionDenied("use (the operating system refused write access to its file)",
                    file.displayName(), caller.process().toString());
        }
        if (file.durability() != QueueDurability.NONE && RestartRecovery.recoverIfRestarted(opened.path(), file)) {
            file = QueueFile.of(name, opened, in, opened.region().length(), true, groupCommit); // the new home
        }
        return session.track(new QueueHandle(session, file, grant, nonBlocking));
    }

    void unlink(PortSession session, String name) {
        directory.path(name);
        checkOpen();
        ObjectDirectory in = holder(name);
        if (in == null) {
            throw IpcException.notFound(ObjectType.QUEUE, name);
        }
        in.unlink(session.caller(), name);
    }

    /** The service bound to one caller. */
    private final class BoundService extends CallerService implements MessageQueueService {
        BoundService(PortSession session) {
            super(session, session.gate());
        }

        @Override
        public MessageQueue create(String name, QueueOptions options) {
            return call(() -> MessageQueueMechanism.this.create(session, name, options));
        }

        @Override
        public MessageQueue create(String name, int maxMessageSize, int maxMessages, Set<QueueFlag> flags) {
            directory.path(name);
            return create(name, QueueOptions.of(maxMessageSize, maxMessages).withFlags(flags));
        }

        @Override
        public MessageQueue open(String name) {
            return open(name, Rights.READ_WRITE, Set.of());
        }

        @Override
        public MessageQueue open(String name, int rights, Set<QueueFlag> flags) {
            return call(() -> MessageQueueMechanism.this.open(session, name, rights, flags));
        }

        @Override
        public void unlink(String name) {
            run(() -> MessageQueueMechanism.this.unlink(session, name));
        }
    }
}
