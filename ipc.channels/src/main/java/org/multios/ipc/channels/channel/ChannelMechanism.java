package org.multios.ipc.channels.channel;

import org.multios.ipc.channels.ring.LaneDescriptor;
import org.multios.ipc.channels.ring.PortSession;
import org.multios.ipc.channels.ring.PortMechanism;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.channel.Channel;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.core.mapped.CreateRule;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.core.mapped.ObjectOwners;
import org.multios.ipc.core.mapped.StaleObjects;
import org.multios.ipc.channels.ring.NamedObjectReader;
import org.multios.ipc.core.mapped.RootHoldings;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;

/**
 * The channel mechanism, plain Java: named channels are files under {@code <root>/channel}, each
 * holding two {@link org.multios.ipc.channels.ring.PriorityRing}s (or two
 * {@link org.multios.ipc.channels.ring.LaneRing}s), so they survive this
 * mechanism's restart, messages included; anonymous channels use the same layout in an unlinked
 * file, reachable only through their handles. Every caller gets a {@link ChannelService} bound
 * to it. Used by the OSGi component and by the plain-Java bootstrap alike.
 */
public final class ChannelMechanism extends PortMechanism<ChannelService> {
    private final ObjectDirectory directory;
    private final ChannelFileReader files = new ChannelFileReader();
    private final RootHoldings holdings = new RootHoldings(this::environment);
    private final Set<AnonymousChannel> anonymous = ConcurrentHashMap.newKeySet();
    private final Object creating = new Object();

    /** A mechanism working in the given environment. */
    public ChannelMechanism(IpcEnvironment environment) {
        super(ChannelService.class, environment, "channel");
        this.directory = new ObjectDirectory(environment, ObjectType.CHANNEL);
    }

    private ChannelOptions withWaitStrategy(ChannelOptions options) {
        return options.waitStrategy() != null ? options : options.withWaitStrategy(defaultWaitStrategy());
    }

    @Override
    protected ChannelService service(PortSession session) {
        return new BoundService(session);
    }

    @Override
    public List<ObjectInfo> objects() {
        List<ObjectInfo> all = new ArrayList<>();
        directory.describeEach(name -> files.snapshot(directory, name), all);
        for (AnonymousChannel c : anonymous) {
            all.add(c.file().info(null));
        }
        return all;
    }

    /**
     * Removes the named channels whose creator is dead for certain, that no process maps and in
     * which no message waits in either direction ({@link StaleObjects},
     * {@link NamedObjectReader#holdsMessages}).
     */
    @Override
    public StaleCollection collectStaleObjects() {
        return new StaleObjects(directory, ChannelDescriptor.RINGS_OFFSET, ChannelDescriptor.CREATOR,
                ChannelDescriptor.CREATOR_NAMESPACE,
                (name, header) -> files.describe(directory, name, header),
                NamedObjectReader::holdsMessages).collectStale(maps(), () -> { });
    }

    /** Live channels: named files and anonymous channels not yet gone. */
    int liveChannels() {
        return directory.names().size() + anonymous.size();
    }

    /** Both ends of an anonymous channel closed. */
    void anonymousGone(AnonymousChannel channel, PortSession session) {
        if (anonymous.remove(channel)) {
            session.caller().release(Quota.OBJECTS, 1);
        }
    }

    // ------------------------------------------------------------------ operations

    /**
     * The largest file a channel may have under the limits: the most slots it may have (its
     * buffer bound, or the default slot count) of the largest message, or two lanes of that.
     */
    private long maxFileLength() {
        IpcLimits limits = environment().limits();
        int slots = (int) Math.min(Math.max(limits.get(Limit.BUFFER_SIZE), ChannelDescriptor.MAX_DEFAULT_SLOTS),
                1 << 30);
        long largestMessage = Math.min(limits.get(Limit.MESSAGE_SIZE), 1 << 30);
        return Math.max(ChannelDescriptor.fileLength(slots, (int) largestMessage),
                ChannelDescriptor.largestLaneFile(limits.get(Limit.BUFFER_SIZE), slots, largestMessage));
    }

    /** Checks the options against the limits; returns the length of the channel's file. */
    private long checkLimits(ChannelOptions options, String what) {
        IpcLimits limits = environment().limits();
        limits.check(Limit.BUFFER_SIZE, options.bufferSize(), what);
        limits.check(Limit.MESSAGE_SIZE, options.maxMessageSize(), what);
        try {
            return ChannelDescriptor.fileLength(options);
        } catch (IllegalArgumentException tooLarge) {
            throw new IpcException(IpcError.LIMIT_EXCEEDED, what + ": " + tooLarge.getMessage()
                    + " (a lane's ring of records is at most " + LaneDescriptor.MAX_CAPACITY + " bytes)");
        }
    }

    /** The creator's grant: what the policy grants, and at least every right. */
    /**
     * The creator's grant: creating an object needs the right to administer it (the owner's by
     * POSIX rules, unless a policy rule takes it away), and every grant comes from the caller
     * context, so that revocation reaches it.
     */
    private static Grant creatorGrant(CallerContext caller, String name, Permissions permissions) {
        return caller.authorize(ObjectType.CHANNEL, name, permissions, Rights.ADMIN);
    }

    Channel create(PortSession session, ChannelOptions requested) {
        if (requested == null) {
            throw IpcException.invalidArgument("channel: options must not be null");
        }
        ChannelOptions options = withWaitStrategy(requested);
        checkOpen();
        long length = checkLimits(options, "anonymous channel");
        CallerContext caller = session.caller();
        IpcProcess self = caller.process();
        caller.reserve(Quota.OBJECTS, 1);
        boolean made = false;
        try {
            holdings.checkAnonymous(caller, "anonymous channel");
            AnonymousChannel channel;
            synchronized (creating) {
                environment().limits().check(Limit.CHANNELS, liveChannels() + 1L, "channels");
                ObjectDirectory.Created created = directory.createUnnamed(length);
                ChannelFile.initialize(created.region(), options, true, self);
                ChannelFile file = ChannelFile.created(null, created, directory, self, options);
                channel = new AnonymousChannel(this, session, file);
                anonymous.add(channel);
            }
            made = true;
            ChannelFile file = channel.file();
            Grant grant = creatorGrant(caller, file.plainName(), file.permissions());
            channel.ends(new ChannelHandle(session, file, ChannelSide.A, grant, channel),
                    new ChannelHandle(session, file, ChannelSide.B, grant, channel));
            session.track((ChannelHandle) channel.endA());
            session.track((ChannelHandle) channel.endB());
            return channel;
        } catch (RuntimeException e) {
            if (!made) {
                caller.release(Quota.OBJECTS, 1);
            }
            throw e;
        }
    }

    ChannelEnd create(PortSession session, String name, ChannelOptions requested) {
        directory.path(name);
        if (requested == null) {
            throw IpcException.invalidArgument("channel '" + name + "': options must not be null");
        }
        ChannelOptions options = withWaitStrategy(requested);
        checkOpen();
        return CreateRule.openOrCreate(options.exclusive(), () -> open(session, name, ChannelSide.A,
                Rights.READ_WRITE, options), () -> createNew(session, name, options));
    }

    private ChannelEnd createNew(PortSession session, String name, ChannelOptions options) {
        String what = "channel '" + name + "'";
        long length = checkLimits(options, what);
        CallerContext caller = session.caller();
        IpcProcess self = caller.process();
        Permissions permissions = Permissions.of(self, options.mode());
        Grant grant = creatorGrant(caller, name, permissions);
        ObjectDirectory.Created created;
        synchronized (creating) {
            if (directory.names().contains(name)) {
                throw IpcException.alreadyExists(ObjectType.CHANNEL, name);
            }
            environment().limits().check(Limit.CHANNELS, liveChannels() + 1L, "channels");
            created = holdings.creating(caller, what, length, () -> directory.create(name, length, permissions,
                    region -> ChannelFile.initialize(region, options, false, self)));
        }
        ChannelFile file = ChannelFile.created(name, created, directory, self, options);
        return session.track(new ChannelHandle(session, file, ChannelSide.A, grant, null));
    }

    ChannelEnd open(PortSession session, String name, ChannelSide side, int rights) {
        directory.path(name);
        if (side == null) {
            throw IpcException.invalidArgument("channel '" + name + "': side must not be null");
        }
        if (rights == Rights.NONE || (rights & ~Rights.ALL) != 0) {
            throw IpcException.invalidArgument("channel '" + name + "': rights " + rights
                    + " must be a non-empty combination of READ, WRITE and ADMIN");
        }
        checkOpen();
        return open(session, name, side, rights, null);
    }

    /** Opens an end; a create's open checks that the channel has the sizes it asked for. */
    private ChannelEnd open(PortSession session, String name, ChannelSide side, int rights, ChannelOptions asked) {
        ObjectDirectory.Opened opened = directory.open(name, maxFileLength());
        ChannelFile file = ChannelFile.of(name, opened, directory, opened.region().length(), true);
        CallerContext caller = session.caller();
        Grant grant = caller.authorize(ObjectType.CHANNEL, name, ObjectOwners.permissionsOf(opened), rights);
        if (!opened.writable()) {
            caller.denied(ObjectType.CHANNEL, name, "use (the operating system refused write access to its file)");
            throw IpcException.permissionDenied("use (the operating system refused write access to its file)",
                    file.displayName(), caller.process().toString());
        }
        if (asked != null) {
            sameSizes(file, asked); // after access is granted: its sizes are no secret then
        }
        return session.track(new ChannelHandle(session, file, side, grant, null));
    }

    private static void sameSizes(ChannelFile file, ChannelOptions asked) {
        ChannelOptions has = file.options();
        if (has.bufferSize() != asked.bufferSize()) {
            throw CreateRule.mismatch(file.displayName(), "buffer size", has.bufferSize(), asked.bufferSize());
        }
        if (has.maxMessages() != asked.maxMessages()) {
            throw CreateRule.mismatch(file.displayName(), "message count", has.maxMessages(), asked.maxMessages());
        }
        if (has.maxMessageSize() != asked.maxMessageSize()) {
            throw CreateRule.mismatch(file.displayName(), "largest message", has.maxMessageSize(),
                    asked.maxMessageSize());
        }
        if (has.lane() != asked.lane()) {
            throw CreateRule.mismatch(file.displayName(), "kind of direction", has.lane() ? "lane" : "priorities",
                    asked.lane() ? "lane" : "priorities");
        }
    }

    void unlink(PortSession session, String name) {
        directory.path(name);
        checkOpen();
        directory.unlink(session.caller(), name);
    }

    /** The service bound to one caller. */
    private final class BoundService extends CallerService implements ChannelService {
        BoundService(PortSession session) {
            super(session, session.gate());
        }

        @Override
        public Channel create(ChannelOptions options) {
            return call(() -> ChannelMechanism.this.create(session, options));
        }

        @Override
        public ChannelEnd create(String name, ChannelOptions options) {
            return call(() -> ChannelMechanism.this.create(session, name, options));
        }

        @Override
        public ChannelEnd open(String name, ChannelSide side, int rights) {
            return call(() -> ChannelMechanism.this.open(session, name, side, rights));
        }

        @Override
        public void unlink(String name) {
            run(() -> ChannelMechanism.this.unlink(session, name));
        }
    }
}
