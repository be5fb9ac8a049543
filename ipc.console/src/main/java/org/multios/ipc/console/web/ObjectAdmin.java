package org.multios.ipc.console.web;

import java.util.function.Supplier;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcObject;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.event.EventService;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;

/**
 * Unlink, chmod and chown of named objects by kind, as the Gogo commands do them, for the Web
 * Console page (and for the commands, which can delegate here). Every call goes to the guarded API services of this bundle, so ipc.security
 * checks it like any other call. The services are looked up at each call (they come and go
 * with their bundles); a missing one fails with UNAVAILABLE, a kind without names of its own
 * with INVALID_ARGUMENT.
 */
public final class ObjectAdmin {
    private final Supplier<SharedMemoryService> shm;
    private final Supplier<SyncService> sync;
    private final Supplier<EventService> events;
    private final Supplier<MessageQueueService> queues;
    private final Supplier<PipeService> pipes;
    private final Supplier<ChannelService> channels;

    /** Administration through the services the suppliers give at each call (null when absent). */
    public ObjectAdmin(Supplier<SharedMemoryService> shm, Supplier<SyncService> sync, Supplier<EventService> events,
            Supplier<MessageQueueService> queues, Supplier<PipeService> pipes, Supplier<ChannelService> channels) {
        this.shm = shm;
        this.sync = sync;
        this.events = events;
        this.queues = queues;
        this.pipes = pipes;
        this.channels = channels;
    }

    /** Removes a named object (POSIX unlink: open handles stay usable). */
    public void unlink(String type, String name) {
        switch (ObjectType.ofLabel(type)) {
            case SHARED_MEMORY -> require(shm.get(), "ipc.shm").unlink(name);
            case SEMAPHORE -> require(sync.get(), "ipc.sync").unlinkSemaphore(name);
            case MUTEX -> require(sync.get(), "ipc.sync").unlinkMutex(name);
            case CONDITION -> require(sync.get(), "ipc.sync").unlinkCondition(name);
            case EVENT -> require(events.get(), "ipc.sync").unlink(name);
            case QUEUE -> require(queues.get(), "ipc.channels").unlink(name);
            case PIPE -> require(pipes.get(), "ipc.channels").unlink(name);
            case CHANNEL -> require(channels.get(), "ipc.channels").unlink(name);
            default -> throw IpcException.invalidArgument("cannot unlink objects of kind " + type + " here");
        }
    }

    /** Changes the mode of a named object; returns its permissions afterwards. */
    public Permissions chmod(String type, String name, String mode) {
        try (IpcObject o = open(type, name)) {
            o.setPermissions(o.permissions().withMode(Permissions.parseMode(mode)));
            return o.permissions();
        }
    }

    /** Changes the owner and group of a named object; returns its permissions afterwards. */
    public Permissions chown(String type, String name, String owner, String group) {
        try (IpcObject o = open(type, name)) {
            o.setPermissions(o.permissions().withOwner(owner, group));
            return o.permissions();
        }
    }

    /** Opens a handle on a named object, for changing its permissions. */
    public IpcObject open(String type, String name) {
        return switch (ObjectType.ofLabel(type)) {
            case SHARED_MEMORY -> require(shm.get(), "ipc.shm").open(name);
            case SEMAPHORE -> require(sync.get(), "ipc.sync").openSemaphore(name);
            case MUTEX -> require(sync.get(), "ipc.sync").openMutex(name);
            case CONDITION -> require(sync.get(), "ipc.sync").openCondition(name);
            case EVENT -> require(events.get(), "ipc.sync").open(name);
            case QUEUE -> require(queues.get(), "ipc.channels").open(name);
            case CHANNEL -> require(channels.get(), "ipc.channels").open(name, ChannelSide.A);
            default -> throw IpcException.invalidArgument("cannot open objects of kind " + type + " here");
        };
    }

    /** Whether named objects of this kind can be unlinked here. */
    public static boolean canUnlink(ObjectType kind) {
        return switch (kind) {
            case SHARED_MEMORY, SEMAPHORE, MUTEX, CONDITION, EVENT, QUEUE, PIPE, CHANNEL -> true;
            default -> false;
        };
    }

    /** Whether the mode of named objects of this kind can be changed here. */
    public static boolean canChmod(ObjectType kind) {
        return canUnlink(kind) && kind != ObjectType.PIPE;
    }

    /** The service, or UNAVAILABLE naming the bundle to start. */
    public static <T> T require(T service, String bundle) {
        if (service == null) {
            throw new IpcException(IpcError.UNAVAILABLE, "the mechanism is not running (start " + bundle + ")");
        }
        return service;
    }

    /**
     * Who created an object, as users read it: {@code bundle 42 com.example.hello, pid 1234} for
     * a bundle of a gateway, {@code pid 1234 (java)} for a plain program, {@code unknown} where
     * nothing trustworthy was recorded (an object file without an owner record).
     */
    public static String creator(IpcProcess p) {
        return switch (p.kind()) {
            case BUNDLE -> "bundle " + p.id() + " " + p.name() + ", pid " + p.pid();
            case REMOTE -> p.toString();
            case OS_PROCESS -> p.pid() == 0 ? "unknown"
                    : "pid " + p.pid() + (p.name().equals("pid " + p.pid()) ? "" : " (" + p.name() + ")");
        };
    }

    /**
     * An object's size as users read it: bytes of a segment or pipe, messages of a queue, a
     * semaphore's maximum, or "-" for a semaphore without one.
     */
    public static String size(ObjectInfo o) {
        return o.type() == ObjectType.SEMAPHORE && o.capacity() == SemaphoreOptions.MAX_VALUE ? "-"
                : Long.toString(o.capacity());
    }
}
