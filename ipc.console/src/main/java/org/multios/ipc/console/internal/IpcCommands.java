package org.multios.ipc.console.internal;

import static org.multios.ipc.console.internal.PortArguments.PRIORITIES;
import static org.multios.ipc.console.internal.PortArguments.isLane;
import static org.multios.ipc.console.internal.PortArguments.options;

import static org.multios.ipc.console.web.ObjectAdmin.require;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.felix.service.command.Descriptor;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Quota;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueFlag;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.console.web.AtFirstUse;
import org.multios.ipc.console.web.ObjectAdmin;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.OperatorAuthority;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Gogo commands in scope {@code ipc}: list and inspect objects and processes, create, use and
 * remove objects of every mechanism installed, change permissions, revoke handles, collect
 * stale objects. Every call goes through ipc.security like any other bundle's: as the operator
 * logged in at the console running it (an SSH account, see {@link CommandCaller}), else as this
 * bundle's IPC process. Results are returned as text tables that fit an 80-column terminal; failures
 * raise the IpcException, whose message starts with its error code.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, service = IpcCommands.class, property = {
    "osgi.command.scope=ipc",
    "osgi.command.function=objects", "osgi.command.function=object", "osgi.command.function=processes",
    "osgi.command.function=limits", "osgi.command.function=gc",
    "osgi.command.function=revoke", "osgi.command.function=unlink", "osgi.command.function=chmod",
    "osgi.command.function=chown", "osgi.command.function=shmcreate", "osgi.command.function=shmwrite",
    "osgi.command.function=shmread", "osgi.command.function=semcreate", "osgi.command.function=semrelease",
    "osgi.command.function=semacquire", "osgi.command.function=sempost", "osgi.command.function=semwait",
    "osgi.command.function=mutexcreate", "osgi.command.function=eventcreate",
    "osgi.command.function=eventsignal", "osgi.command.function=eventwait", "osgi.command.function=signal",
    "osgi.command.function=queuecreate", "osgi.command.function=send", "osgi.command.function=receive",
    "osgi.command.function=fifocreate", "osgi.command.function=bench", "osgi.command.function=channelcreate",
    "osgi.command.function=channelsend", "osgi.command.function=channelreceive" })
public final class IpcCommands {
    private final IpcRuntime ownRuntime;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile OperatorAuthority operators;
    private final CommandCaller caller = new CommandCaller(() -> operators);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile AccessControl ownAccessControl;

    // The mechanisms' services, taken at the first command that uses each (AtFirstUse): binding
    // them makes no mechanism at the gateway's start.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<SharedMemoryService> ownShm;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<SyncService> ownSync;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<EventService> ownEvents;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<SignalService> ownSignals;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<MessageQueueService> ownQueues;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<PipeService> ownPipes;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<ChannelService> ownChannels;

    private final AtFirstUse<SharedMemoryService> firstShm = new AtFirstUse<>(() -> ownShm);
    private final AtFirstUse<SyncService> firstSync = new AtFirstUse<>(() -> ownSync);
    private final AtFirstUse<EventService> firstEvents = new AtFirstUse<>(() -> ownEvents);
    private final AtFirstUse<SignalService> firstSignals = new AtFirstUse<>(() -> ownSignals);
    private final AtFirstUse<MessageQueueService> firstQueues = new AtFirstUse<>(() -> ownQueues);
    private final AtFirstUse<PipeService> firstPipes = new AtFirstUse<>(() -> ownPipes);
    private final AtFirstUse<ChannelService> firstChannels = new AtFirstUse<>(() -> ownChannels);

    private final ObjectAdmin admin = new ObjectAdmin(this::shm, this::sync, this::events, this::queues, this::pipes,
            this::channels);

    /**
     * Commands over the given runtime, or null while no security policy is in force (ipc.security
     * then serves nothing): the commands stay registered and say so, rather than vanish.
     */
    @Activate
    public IpcCommands(@Reference(cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY) IpcRuntime runtime) {
        this.ownRuntime = runtime;
    }

    // ------------------------------------------------------------------ the caller's services

    /** The caller's service of the given type, once a policy is in force. */
    private <S> S service(Class<S> type, Supplier<S> own) {
        if (ownRuntime == null) {
            throw new IpcException(IpcError.UNAVAILABLE,
                    "no security policy in force: the platform serves nothing (ipc:rules says why)");
        }
        return caller.service(type, own);
    }

    private IpcRuntime runtime() {
        return service(IpcRuntime.class, () -> ownRuntime);
    }

    private AccessControl accessControl() {
        return service(AccessControl.class, () -> ownAccessControl);
    }

    private SharedMemoryService shm() {
        return service(SharedMemoryService.class, firstShm);
    }

    private SyncService sync() {
        return service(SyncService.class, firstSync);
    }

    private EventService events() {
        return service(EventService.class, firstEvents);
    }

    private SignalService signals() {
        return service(SignalService.class, firstSignals);
    }

    private MessageQueueService queues() {
        return service(MessageQueueService.class, firstQueues);
    }

    private PipeService pipes() {
        return service(PipeService.class, firstPipes);
    }

    private ChannelService channels() {
        return service(ChannelService.class, firstChannels);
    }

    // ------------------------------------------------------------------ looking

    @Descriptor("lists every live object")
    public String objects() {
        return objectTable(runtime().objects());
    }

    @Descriptor("lists the live objects of one kind")
    public String objects(@Descriptor("kind: shm, semaphore, mutex, condition, event, queue, channel, pipe, endpoint") String type) {
        return objectTable(runtime().objects(ObjectType.ofLabel(type)));
    }

    /** Objects as a table; IN and OUT count bytes for segments and pipes, messages (or posts) for the rest. */
    private static String objectTable(List<ObjectInfo> infos) {
        Table t = new Table(new String[] { "TYPE", "NAME", "OWNER", "MODE", "SIZE", "HANDLES", "IN", "OUT", "CREATOR" },
                new int[] { 9, 20, 12, 9, 10, 7, 8, 8, 64 }); // a peer: "peer <id> (ssh:<account> from <address>)"
        for (ObjectInfo o : infos) {
            Statistics s = o.statistics();
            boolean bytes = o.type() == ObjectType.SHARED_MEMORY || o.type() == ObjectType.PIPE;
            t.row(o.type().label(), o.displayName(), o.permissions().owner(), o.permissions().modeString(),
                    ObjectAdmin.size(o),
                    s.get(Counter.HANDLES), s.get(bytes ? Counter.BYTES_IN : Counter.MESSAGES_IN),
                    s.get(bytes ? Counter.BYTES_OUT : Counter.MESSAGES_OUT), ObjectAdmin.creator(o.creator()));
        }
        return t.size() == 0 ? "no objects\n" : t.toString();
    }

    @Descriptor("shows one object with all its statistics and wait-time percentiles")
    public String object(@Descriptor("kind, for example shm") String type, @Descriptor("name") String name) {
        return describe(runtime().object(ObjectType.ofLabel(type), name)
                .orElseThrow(() -> IpcException.notFound(ObjectType.ofLabel(type), name)));
    }

    @Descriptor("shows every named object of that name, whatever its kind (each kind has its own names)")
    public String object(@Descriptor("name") String name) {
        StringBuilder s = new StringBuilder();
        for (ObjectInfo listed : runtime().objects()) {
            if (listed.name().filter(name::equals).isPresent()) {
                runtime().object(listed.type(), name).ifPresent(o -> s.append(s.length() == 0 ? "" : "\n").append(describe(o)));
            }
        }
        if (s.length() == 0) {
            throw new IpcException(IpcError.NOT_FOUND, "no named object is called '" + name + "' (ipc:objects lists them)");
        }
        return s.toString();
    }

    /** One object with its owner, creator, capacity, wait strategy, non-zero counters and wait times. */
    private static String describe(ObjectInfo o) {
        StringBuilder s = new StringBuilder();
        s.append(o.type().label()).append(" '").append(o.displayName()).append("'\n");
        s.append("  owner      ").append(o.permissions()).append('\n');
        s.append("  creator    ").append(ObjectAdmin.creator(o.creator())).append('\n');
        s.append("  capacity   ").append(ObjectAdmin.size(o)).append('\n');
        s.append("  persistent ").append(o.persistent()).append('\n');
        o.waitStrategy().ifPresent(w -> s.append("  wait       ").append(w).append('\n'));
        for (Map.Entry<Counter, Long> c : o.statistics().asMap().entrySet()) {
            if (c.getValue() != 0) {
                s.append("  ").append(String.format("%-17s", c.getKey().name().toLowerCase())).append(c.getValue())
                        .append('\n');
            }
        }
        WaitTimes w = o.statistics().waitTimes();
        if (w.count() > 0) {
            s.append(String.format("  waits %d: p50 %s, p90 %s, p99 %s, p99.9 %s, max %s%n", w.count(), micros(w.p50()),
                    micros(w.p90()), micros(w.p99()), micros(w.p999()), micros(w.max())));
        }
        return s.toString();
    }

    private static String micros(long nanos) {
        return String.format("%.1f us", nanos / 1000.0);
    }

    @Descriptor("lists the IPC processes with their quota use")
    public String processes() {
        AccessControl control = accessControl();
        Map<IpcProcess, Map<Quota, Long>> use = control == null ? Map.of() : control.quotaUse();
        Table t = new Table(new String[] { "KIND", "ID", "NAME", "USER", "OBJECTS", "SHM BYTES" },
                new int[] { 10, 8, 30, 12, 8, 12 });
        for (IpcProcess p : runtime().processes()) {
            Map<Quota, Long> q = use.getOrDefault(p, Map.of());
            t.row(p.kind().name().toLowerCase(), p.id(), p.name(), p.user(), q.getOrDefault(Quota.OBJECTS, 0L),
                    q.getOrDefault(Quota.SHARED_MEMORY_BYTES, 0L));
        }
        return t + "open handles and network connections: " + runtime().connectionCount() + "\n" + heldUnderTheRoot();
    }

    /**
     * The named objects under the IPC root per IPC owner: what their objects quota counts, which
     * no process's use above holds (a named object outlives its creator's session).
     */
    private String heldUnderTheRoot() {
        Map<String, Long> byOwner = new TreeMap<>();
        for (ObjectInfo o : runtime().objects()) {
            if (o.name().isPresent()) {
                byOwner.merge(o.permissions().owner(), 1L, Long::sum);
            }
        }
        Table t = new Table(new String[] { "OWNER", "NAMED OBJECTS UNDER THE IPC ROOT" }, new int[] { 20, 12 });
        byOwner.forEach(t::row);
        return t.toString();
    }

    @Descriptor("shows the limits in force")
    public String limits() {
        Table t = new Table(new String[] { "LIMIT", "VALUE" }, new int[] { 30, 20 });
        for (Map.Entry<Limit, Long> l : runtime().limits().asMap().entrySet()) {
            t.row(l.getKey().key(), l.getValue());
        }
        return t.toString();
    }

    // ------------------------------------------------------------------ administering

    @Descriptor("removes named objects whose creator is dead and that nobody uses")
    public String gc() {
        StaleCollection c = runtime().collectStaleObjects();
        String kept = c.kept().isEmpty() ? "" : "kept " + c.kept().size() + " object" + (c.kept().size() == 1 ? "" : "s")
                + ": " + unreadable(c.unreadable());
        if (c.removed().isEmpty()) {
            return "nothing to collect" + (kept.isEmpty() ? "" : "; " + kept) + "\n";
        }
        return "collected:\n" + objectTable(c.removed()) + (kept.isEmpty() ? "" : kept + "\n");
    }

    /** Why objects were kept: {@code the maps of 2 processes cannot be read (pid 1 init, pid 7 sshd)}, at most three named. */
    static String unreadable(List<StaleCollection.UnreadableProcess> processes) {
        if (processes.isEmpty()) {
            return "the processes under /proc cannot be listed, so any of them might hold them";
        }
        int n = processes.size();
        StringBuilder b = new StringBuilder("the maps of ").append(n).append(n == 1 ? " process" : " processes")
                .append(" cannot be read, so ").append(n == 1 ? "it" : "they").append(" might hold them (");
        for (int i = 0; i < Math.min(n, 3); i++) {
            b.append(i == 0 ? "" : ", ").append(processes.get(i));
        }
        return b.append(n > 3 ? ", ..." : "").append(')').toString();
    }

    @Descriptor("revokes a process's open handles on an object")
    public String revoke(@Descriptor("process id (bundle id)") long processId, @Descriptor("kind") String type,
            @Descriptor("name") String name) {
        int n = require(accessControl(), "ipc.security").revoke(processId, ObjectType.ofLabel(type), name);
        return "revoked " + n + " handle(s)\n";
    }

    @Descriptor("removes a named object (POSIX unlink: open handles stay usable)")
    public String unlink(@Descriptor("kind") String type, @Descriptor("name") String name) {
        admin.unlink(type, name);
        return "unlinked " + type + " '" + name + "'\n";
    }

    @Descriptor("changes the mode of a named object")
    public String chmod(@Descriptor("kind") String type, @Descriptor("name") String name,
            @Descriptor("octal mode, for example 660") String mode) {
        return admin.chmod(type, name, mode) + "\n";
    }

    @Descriptor("changes the owner and group of a named object")
    public String chown(@Descriptor("kind") String type, @Descriptor("name") String name,
            @Descriptor("owner") String owner, @Descriptor("group") String group) {
        return admin.chown(type, name, owner, group) + "\n";
    }

    // ------------------------------------------------------------------ shared memory

    @Descriptor("creates a named shared memory segment (mode 660)")
    public String shmcreate(@Descriptor("name") String name, @Descriptor("size in bytes") long size) {
        return shmcreate(name, size, "660");
    }

    @Descriptor("creates a named shared memory segment")
    public String shmcreate(@Descriptor("name") String name, @Descriptor("size in bytes") long size,
            @Descriptor("octal mode") String mode) {
        try (SharedMemory s = require(shm(), "ipc.shm").create(name, size, Permissions.parseMode(mode), true)) {
            return "created shm '" + name + "', " + s.size() + " bytes, " + s.permissions() + "\n";
        }
    }

    @Descriptor("writes text, or hex given as hex:0a0b..., into a segment at an offset")
    public String shmwrite(@Descriptor("name") String name, @Descriptor("offset") long offset,
            @Descriptor("text, or hex:<digits>") String data) {
        byte[] bytes;
        try {
            bytes = data.startsWith("hex:") ? HexFormat.of().parseHex(data.substring(4))
                    : data.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notHex) {
            throw IpcException.invalidArgument("data '" + data + "' is not hex:<an even number of hex digits>");
        }
        try (SharedMemory s = require(shm(), "ipc.shm").open(name)) {
            s.write(offset, bytes);
            return "wrote " + bytes.length + " bytes at " + offset + "\n";
        }
    }

    @Descriptor("reads bytes of a segment, shown as hex and text")
    public String shmread(@Descriptor("name") String name, @Descriptor("offset") long offset,
            @Descriptor("length") int length) {
        if (length < 0) {
            throw IpcException.invalidArgument("length " + length + " must not be negative");
        }
        try (SharedMemory s = require(shm(), "ipc.shm").open(name); Mapping m = s.map(MapAccess.READ_ONLY)) {
            // the buffer is allocated only for bytes the segment can have
            if (length > s.size()) {
                throw IpcException.invalidArgument("length " + length + " exceeds the " + s.size()
                        + " bytes of shm '" + name + "'");
            }
            byte[] bytes = new byte[length];
            m.read(offset, bytes, 0, length);
            return Hexdump.of(offset, bytes);
        }
    }

    // ------------------------------------------------------------------ synchronization

    @Descriptor("creates a named counting semaphore (mode 660)")
    public String semcreate(@Descriptor("name") String name, @Descriptor("initial value") int initial) {
        try (Semaphore s = require(sync(), "ipc.sync").createSemaphore(name,
                SemaphoreOptions.of(initial).withExclusive(true), 0660)) {
            return "created semaphore '" + name + "' = " + s.value() + "\n";
        }
    }

    @Descriptor("releases (posts) a named semaphore: Semaphore.release")
    public String semrelease(@Descriptor("name") String name) {
        try (Semaphore s = require(sync(), "ipc.sync").openSemaphore(name)) {
            s.release();
            return "semaphore '" + name + "' = " + s.value() + "\n";
        }
    }

    @Descriptor("acquires (waits on) a named semaphore, at most the given milliseconds: Semaphore.acquire")
    public String semacquire(@Descriptor("name") String name, @Descriptor("timeout in milliseconds") long millis) {
        try (Semaphore s = require(sync(), "ipc.sync").openSemaphore(name)) {
            s.acquire(Duration.ofMillis(millis));
            return "semaphore '" + name + "' = " + s.value() + "\n";
        }
    }

    @Descriptor("the former name of semrelease")
    public String sempost(@Descriptor("name") String name) {
        return semrelease(name);
    }

    @Descriptor("the former name of semacquire")
    public String semwait(@Descriptor("name") String name, @Descriptor("timeout in milliseconds") long millis) {
        return semacquire(name, millis);
    }

    @Descriptor("creates a named robust mutex (mode 660)")
    public String mutexcreate(@Descriptor("name") String name) {
        require(sync(), "ipc.sync").createMutex(name, MutexOptions.DEFAULT.withExclusive(true), 0660).close();
        return "created mutex '" + name + "'\n";
    }

    @Descriptor("creates a named event (mode 660)")
    public String eventcreate(@Descriptor("name") String name, @Descriptor("auto or manual") String type) {
        EventType t = switch (type) {
            case "auto" -> EventType.AUTO_RESET;
            case "manual" -> EventType.MANUAL_RESET;
            default -> throw IpcException.invalidArgument("event type '" + type + "': expected auto or manual");
        };
        require(events(), "ipc.sync").create(name, t, EnumSet.of(EventFlag.EXCLUSIVE), 0660).close();
        return "created " + type + "-reset event '" + name + "'\n";
    }

    @Descriptor("signals a named event with a value")
    public String eventsignal(@Descriptor("name") String name, @Descriptor("value") long data) {
        try (Event e = require(events(), "ipc.sync").open(name)) {
            e.signal(data);
            return "signalled event '" + name + "' with " + data + "\n";
        }
    }

    @Descriptor("waits for a named event, at most the given milliseconds; returns its value")
    public String eventwait(@Descriptor("name") String name, @Descriptor("timeout in milliseconds") long millis) {
        try (Event e = require(events(), "ipc.sync").open(name)) {
            return "event '" + name + "' value " + e.await(Duration.ofMillis(millis)) + "\n";
        }
    }

    @Descriptor("sends a signal to an IPC process (a bundle id)")
    public String signal(@Descriptor("bundle id") long bundleId, @Descriptor("signal: TERM, USR1, 15, RTMIN+2 ...") String signal,
            @Descriptor("value") long value) {
        Signal s = Signal.parse(signal);
        require(signals(), "ipc.sync").send(ProcessKind.BUNDLE, bundleId, s, value);
        return "sent " + s + " to bundle " + bundleId + "\n";
    }

    // ------------------------------------------------------------------ queues and pipes

    @Descriptor("creates a named message queue (mode 660)")
    public String queuecreate(@Descriptor("name") String name, @Descriptor("largest message in bytes") int maxSize,
            @Descriptor("messages it holds") int maxMessages) {
        return queuecreate(name, maxSize, maxMessages, PRIORITIES);
    }

    @Descriptor("creates a named message queue (mode 660) of a kind")
    public String queuecreate(@Descriptor("name") String name, @Descriptor("largest message in bytes") int maxSize,
            @Descriptor("messages it holds") int maxMessages,
            @Descriptor("priorities (any number of senders and receivers, highest priority first) or lane (one"
                    + " sender and one receiver at a time, in the order sent, fastest)") String kind) {
        boolean lane = isLane("queue '" + name + "'", kind);
        try (MessageQueue q = require(queues(), "ipc.channels").create(name,
                QueueOptions.of(maxSize, maxMessages).withMode(0660).withFlags(QueueFlag.EXCLUSIVE).withLane(lane))) {
            return "created queue '" + name + "'" + (lane ? " of a lane" : "") + ": " + q.attributes() + "\n";
        }
    }

    @Descriptor("sends a text message to a named queue with a priority 0..31; never waits")
    public String send(@Descriptor("queue name") String name, @Descriptor("priority 0..31") int priority,
            @Descriptor("text") String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (MessageQueue q = require(queues(), "ipc.channels").open(name)) {
            if (!q.trySend(bytes, 0, bytes.length, priority)) {
                throw new IpcException(org.multios.ipc.IpcError.WOULD_BLOCK, "queue '" + name + "' is full");
            }
            return "sent " + bytes.length + " bytes at priority " + priority + "\n";
        }
    }

    @Descriptor("receives the next message of a named queue, waiting at most the given milliseconds")
    public String receive(@Descriptor("queue name") String name, @Descriptor("timeout in milliseconds") long millis) {
        try (MessageQueue q = require(queues(), "ipc.channels").open(name)) {
            byte[] buffer = new byte[q.attributes().maxMessageSize()];
            MessageInfo info = new MessageInfo();
            int n = q.receive(buffer, 0, buffer.length, info, Duration.ofMillis(millis));
            return "priority " + info.priority() + " from " + info.senderKind().name().toLowerCase() + " "
                    + info.senderId() + ": " + new String(buffer, 0, n, StandardCharsets.UTF_8) + "\n";
        }
    }

    @Descriptor("creates a named channel (mode 660) with a buffer of the given bytes per direction")
    public String channelcreate(@Descriptor("name") String name, @Descriptor("buffer size in bytes") int bufferSize) {
        return channelcreate(name, bufferSize, PRIORITIES);
    }

    @Descriptor("creates a named channel (mode 660) with a buffer of the given bytes per direction, of a kind")
    public String channelcreate(@Descriptor("name") String name, @Descriptor("buffer size in bytes") int bufferSize,
            @Descriptor("priorities (any number of senders and receivers, priorities first) or lane (one sender"
                    + " and one receiver at a time per direction, in the order sent, fastest)") String kind) {
        boolean lane = isLane("channel '" + name + "'", kind);
        try (ChannelEnd end = require(channels(), "ipc.channels").create(name,
                ChannelOptions.ofBufferSize(bufferSize).withMode(0660).withExclusive(true).withLane(lane))) {
            long slots = runtime().object(ObjectType.CHANNEL, name).map(ObjectInfo::capacity).orElse(-1L);
            return "created channel '" + name + "', " + options(end.options(), slots) + "\n";
        }
    }

    @Descriptor("sends a text message from one end of a named channel to the other; never waits")
    public String channelsend(@Descriptor("channel name") String name, @Descriptor("sending end: A or B") String side,
            @Descriptor("priority 0..31") int priority, @Descriptor("text") String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (ChannelEnd end = require(channels(), "ipc.channels").open(name, side(side))) {
            if (!end.trySend(bytes, 0, bytes.length, priority)) {
                throw new IpcException(org.multios.ipc.IpcError.WOULD_BLOCK, "channel '" + name + "' is full");
            }
            return "sent " + bytes.length + " bytes from " + side + " at priority " + priority + "\n";
        }
    }

    @Descriptor("receives the next message at one end of a named channel, waiting at most the given milliseconds")
    public String channelreceive(@Descriptor("channel name") String name, @Descriptor("receiving end: A or B") String side,
            @Descriptor("timeout in milliseconds") long millis) {
        try (ChannelEnd end = require(channels(), "ipc.channels").open(name, side(side))) {
            byte[] buffer = new byte[end.options().maxMessageSize()];
            MessageInfo info = new MessageInfo();
            int n = end.receive(buffer, 0, buffer.length, info, Duration.ofMillis(millis));
            return "priority " + info.priority() + " from " + info.senderKind().name().toLowerCase() + " "
                    + info.senderId() + ": " + new String(buffer, 0, n, StandardCharsets.UTF_8) + "\n";
        }
    }

    private static ChannelSide side(String side) {
        return switch (side) {
            case "A", "a" -> ChannelSide.A;
            case "B", "b" -> ChannelSide.B;
            default -> throw IpcException.invalidArgument("channel end '" + side + "': expected A or B");
        };
    }

    @Descriptor("creates a named pipe: a FIFO in the IPC root that shell tools can read and write")
    public String fifocreate(@Descriptor("name") String name, @Descriptor("octal mode") String mode) {
        require(pipes(), "ipc.channels").createNamed(name, Permissions.parseMode(mode), true);
        return "created fifo '" + name + "'\n";
    }

    // ------------------------------------------------------------------ measuring

    @Descriptor("measures each installed mechanism on this machine for about a second each")
    public String bench() {
        return new ConsoleBench(shm(), sync(), events(), queues()).run();
    }

}
