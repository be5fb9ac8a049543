package org.multios.ipc.event;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.multios.ipc.Permissions;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates, opens and unlinks events, and waits for any or all of several. A bundle-scoped
 * service: the calling bundle (or, outside OSGi, the calling OS process) is the process every
 * handle belongs to.
 *
 * <p>Names are checked with {@link org.multios.ipc.IpcNames#requireValid} in the
 * {@link org.multios.ipc.ObjectType#EVENT} namespace before any file is touched. Named events
 * live under the IPC root with the given owner, group and mode; anonymous events are reachable
 * only through their handle and are destroyed when their last handle closes or their creator
 * goes.
 *
 * <p>A named create follows the platform's create rule (see {@link org.multios.ipc}): it opens
 * the event if it exists, with the rights its permissions give (ALREADY_EXISTS if its
 * {@link EventType} differs; its state and permissions are the existing event's), and creates it
 * otherwise; {@link EventFlag#EXCLUSIVE} demands a new event.
 *
 * <p><b>Waiting for several events.</b> The list must hold 1 to {@link #MAX_WAIT_EVENTS}
 * distinct, open handles made by this service, each with {@link org.multios.ipc.Rights#READ};
 * otherwise the wait fails with INVALID_ARGUMENT (or CLOSED, PERMISSION_DENIED) before
 * waiting. Waiting for <em>any</em> consumes the signal of exactly one event (the lowest index
 * among those signalled) and leaves the others untouched. Waiting for <em>all</em> is atomic:
 * it completes only at a moment when every event is signalled, and then consumes every
 * auto-reset event's signal at once; until then it consumes nothing.
 */
@ProviderType
public interface EventService {
    /** The most events one wait for several may name. */
    int MAX_WAIT_EVENTS = 64;

    /**
     * Creates an anonymous event: the original specification's
     * {@code create_event(event_type, flags)}.
     *
     * @throws org.multios.ipc.IpcException LIMIT_EXCEEDED if the object count
     *         ({@link org.multios.ipc.Limit#OBJECTS}) or the caller's quota would be passed
     */
    Event create(EventType type, Set<EventFlag> flags);

    /**
     * Opens or creates a named event.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a bad name; ALREADY_EXISTS for
     *         an exclusive create of a taken name or an existing event of another type;
     *         LIMIT_EXCEEDED; PERMISSION_DENIED if the policy refuses; IO_ERROR if the file
     *         cannot be made
     */
    Event create(String name, EventType type, Set<EventFlag> flags, Permissions permissions);

    /**
     * Opens or creates a named event; a new one is owned by the caller's user and primary group,
     * with the given mode.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT also for a mode outside 0..0777;
     *         otherwise as {@link #create(String, EventType, Set, Permissions)}
     */
    Event create(String name, EventType type, Set<EventFlag> flags, int mode);

    /**
     * Opens a named event, with the rights its permissions and the policy give the caller.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a bad name; NOT_FOUND;
     *         PERMISSION_DENIED if the caller would get no right; CORRUPTED for a file not of
     *         this platform's format
     */
    Event open(String name);

    /**
     * Removes an event's name; open handles stay usable. Requires
     * {@link org.multios.ipc.Rights#ADMIN}.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a bad name; NOT_FOUND;
     *         PERMISSION_DENIED
     */
    void unlink(String name);

    /**
     * Waits until any of the events is signalled.
     *
     * @return the index of the event whose signal was taken and its data
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a bad list (see the class
     *         description); INTERRUPTED; CLOSED if a handle is or gets closed;
     *         PERMISSION_DENIED
     */
    SignalledEvent waitAny(List<Event> events);

    /**
     * Takes the signal of the first signalled event, if any; never blocks.
     *
     * @return the index and data, or empty if none was signalled
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT; CLOSED; PERMISSION_DENIED
     */
    Optional<SignalledEvent> tryWaitAny(List<Event> events);

    /**
     * Waits at most {@code timeout} until any of the events is signalled.
     *
     * @throws org.multios.ipc.IpcException TIMEOUT if none was signalled in time;
     *         INVALID_ARGUMENT also for a negative timeout; otherwise as {@link #waitAny(List)}
     */
    SignalledEvent waitAny(List<Event> events, Duration timeout);

    /**
     * Waits until all of the events are signalled at once, then takes every signal.
     *
     * @return the data values, in the order of the list
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a bad list; INTERRUPTED;
     *         CLOSED; PERMISSION_DENIED
     */
    long[] waitAll(List<Event> events);

    /**
     * Takes every signal if all of the events are signalled now; never blocks.
     *
     * @return the data values in the order of the list, or empty if any was not signalled
     *         (then nothing is consumed)
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT; CLOSED; PERMISSION_DENIED
     */
    Optional<long[]> tryWaitAll(List<Event> events);

    /**
     * Waits at most {@code timeout} until all of the events are signalled at once.
     *
     * @throws org.multios.ipc.IpcException TIMEOUT if they were not all signalled in time
     *         (nothing is consumed); INVALID_ARGUMENT also for a negative timeout; otherwise
     *         as {@link #waitAll(List)}
     */
    long[] waitAll(List<Event> events, Duration timeout);
}
