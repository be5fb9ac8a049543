package org.multios.ipc.event;

import java.time.Duration;
import java.util.OptionalLong;

import org.multios.ipc.IpcObject;
import org.multios.ipc.Waiting;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on an event object ({@link org.multios.ipc.ObjectType#EVENT}). Thread-safe.
 *
 * <p>The event is signalled or not; a signal carries a data value that waiters receive.
 * Signals do not accumulate: signalling an event that is already signalled only replaces its
 * data, so the latest data wins. Waiters are released in arrival order.
 *
 * <p>Waiting and {@link #isSignalled()} require {@link org.multios.ipc.Rights#READ};
 * {@link #signal} and {@link #reset()} require {@link org.multios.ipc.Rights#WRITE}.
 * Statistics count signals as {@link org.multios.ipc.Counter#MESSAGES_IN} and completed waits
 * as {@link org.multios.ipc.Counter#MESSAGES_OUT}.
 */
@ProviderType
public interface Event extends IpcObject, Waiting {
    /** Whether the event is auto-reset or manual-reset, fixed at creation. */
    EventType eventType();

    /**
     * Signals the event with a data value: the original specification's
     * {@code event.signal(pid, data)}. An {@link EventType#AUTO_RESET auto-reset} event
     * releases exactly one waiter, which receives {@code data}, and resets; if none waits it
     * stays signalled until one comes. A {@link EventType#MANUAL_RESET manual-reset} event
     * releases every waiter and stays signalled until {@link #reset()}. Never blocks.
     *
     * @throws org.multios.ipc.IpcException CLOSED; PERMISSION_DENIED without write right
     */
    void signal(long data);

    /**
     * Signals the event with data value 0.
     *
     * @throws org.multios.ipc.IpcException CLOSED; PERMISSION_DENIED without write right
     */
    void signal();

    /**
     * Makes the event not signalled. Does nothing if it is not signalled. Never blocks.
     *
     * @throws org.multios.ipc.IpcException CLOSED; PERMISSION_DENIED without write right
     */
    void reset();

    /**
     * Waits until the event is signalled: the original specification's
     * {@code event.wait(pid, thread_id)}. An auto-reset event is reset by the wait that
     * consumes its signal.
     *
     * @return the data value of the signal
     * @throws org.multios.ipc.IpcException INTERRUPTED (the flag stays set); CLOSED if the
     *         handle is or gets closed; PERMISSION_DENIED without read right
     */
    long await();

    /**
     * Consumes (auto-reset) or observes (manual-reset) the signal if the event is signalled;
     * never blocks.
     *
     * @return the signal's data value, or empty if the event was not signalled
     * @throws org.multios.ipc.IpcException CLOSED; PERMISSION_DENIED without read right
     */
    OptionalLong tryAwait();

    /**
     * Waits at most {@code timeout} until the event is signalled: the original
     * specification's {@code event.wait(pid, thread_id, timeout)}.
     *
     * @return the data value of the signal
     * @throws org.multios.ipc.IpcException TIMEOUT if not signalled in time; INVALID_ARGUMENT
     *         for a negative timeout; INTERRUPTED; CLOSED; PERMISSION_DENIED without read
     *         right
     */
    long await(Duration timeout);

    /**
     * Whether the event is signalled now; a snapshot that does not consume the signal.
     *
     * @throws org.multios.ipc.IpcException CLOSED; PERMISSION_DENIED without read right
     */
    boolean isSignalled();
}
