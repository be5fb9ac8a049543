package org.multios.ipc.signal;

import java.util.List;
import java.util.Set;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The calling process's signals: its handlers, ignored and blocked signals and pending set,
 * and sending signals to other processes. A bundle-scoped service: the calling bundle (or,
 * outside OSGi, the calling OS process) is the process it acts for.
 *
 * <p><b>Delivery.</b> A signal sent to a process is, in this order: discarded if the process
 * ignores it; kept pending if the process blocks it (standard signals coalesce: a second one
 * pending is lost, the first one's value kept; real-time signals queue, each with its value);
 * else delivered: every handler registered for it is called (see the {@link SignalHandler}
 * contract), or, with none, its {@link Signal#defaultAction() default action} is taken; for a
 * bundle, {@link Signal#TERM} and the other terminating signals stop the bundle.
 * {@link Signal#KILL} always terminates and can be neither handled, ignored nor blocked;
 * {@link Signal#STOP} likewise, but has no effect (IPC processes cannot be suspended). Pending
 * signals are delivered when unblocked, real-time ones lowest number first, each number in
 * sending order. Whether a signal is blocked is decided when its turn for delivery comes, so a
 * signal already sent when its number gets blocked becomes pending too, at its sending place:
 * the signals of one number are always delivered in sending order (for concurrent senders, in
 * the order the target took them), and of coalesced standard signals the first one sent is
 * kept. (POSIX leaves which one is kept to the implementation; Linux keeps the first.)
 *
 * <p><b>Operating-system signals.</b> The OS signals this JVM receives and the platform
 * listens to ({@link #osSignals()}, at least {@link Signal#HUP}, {@link Signal#USR2} and
 * {@link Signal#TERM} where the JVM allows) are delivered, with
 * {@link SignalOrigin#OPERATING_SYSTEM}, to the registered handlers of every process that
 * handles and does not ignore them (blocked ones stay pending). No default action is taken for
 * them: the JVM's own handling (a TERM shuts the framework down) still follows.
 *
 * <p><b>Rights.</b> Each IPC process's signal disposition is an object of kind
 * {@link org.multios.ipc.ObjectType#SIGNAL} owned by the process's user with mode 0600, so by
 * default a process may signal processes of its own user; sending needs
 * {@link org.multios.ipc.Rights#WRITE} on the target's, which the policy may also grant.
 */
@ProviderType
public interface SignalService {
    /**
     * Registers a handler for a signal in the calling process. Several handlers may be
     * registered for one signal; each is called. Registering makes the signal
     * {@link Disposition#HANDLED} (ending an {@link #ignore ignore}).
     *
     * @return the registration; close it to unregister
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for {@link Signal#KILL} or
     *         {@link Signal#STOP}; LIMIT_EXCEEDED if the process already has
     *         {@link org.multios.ipc.Limit#SIGNAL_HANDLERS} (64 by default) handlers
     *         registered, or its {@link org.multios.ipc.Quota#SIGNAL_HANDLERS} quota is used
     *         up; CLOSED if the service has been released
     */
    SignalRegistration register(Signal signal, SignalHandler handler);

    /**
     * Makes the calling process ignore a signal: it is discarded on arrival and any pending
     * instances are discarded now. Registered handlers stay registered but are not called
     * until {@link #restoreDefault(Signal)} or a new {@link #register}.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for KILL or STOP
     */
    void ignore(Signal signal);

    /**
     * Undoes {@link #ignore(Signal)}: the signal is handled again if handlers are registered,
     * else its default action applies.
     */
    void restoreDefault(Signal signal);

    /** What the calling process does with a signal now. */
    Disposition disposition(Signal signal);

    /**
     * Adds signals to the calling process's blocked set: they stay pending instead of being
     * delivered. Blocking a blocked signal does nothing.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for KILL or STOP
     */
    void block(Set<Signal> signals);

    /**
     * Removes signals from the blocked set and delivers their pending instances, before this
     * method returns (handlers run on platform threads, so it does not wait for them).
     */
    void unblock(Set<Signal> signals);

    /** The calling process's blocked set. */
    Set<Signal> blocked();

    /**
     * The signals pending for the calling process (blocked since they arrived), in the order
     * they will be delivered: at most one per standard signal, every queued real-time one.
     */
    List<SignalInfo> pending();

    /**
     * Sends a signal to an IPC process. Never blocks: the signal is queued and delivered on
     * the target's delivery thread. Sending to oneself is allowed.
     *
     * @param target the IPC process, a bundle or an OS process attached to the platform
     * @param value  a value the handler receives in {@link SignalInfo#value()}
     * @throws org.multios.ipc.IpcException NOT_FOUND if the target is not a live IPC process;
     *         UNSUPPORTED if it is a {@link ProcessKind#REMOTE remote} peer;
     *         PERMISSION_DENIED if the caller may not signal it; LIMIT_EXCEEDED if the target
     *         already has the most real-time signals queued that the platform allows
     */
    void send(IpcProcess target, Signal signal, long value);

    /**
     * Sends a signal with value 0 to an IPC process.
     *
     * @throws org.multios.ipc.IpcException as {@link #send(IpcProcess, Signal, long)}
     */
    void send(IpcProcess target, Signal signal);

    /**
     * Sends a signal to the IPC process of the given kind and id (a bundle id, or the pid of
     * an attached OS process), as listed by {@link org.multios.ipc.IpcRuntime#processes()}.
     *
     * @throws org.multios.ipc.IpcException as {@link #send(IpcProcess, Signal, long)}
     */
    void send(ProcessKind kind, long id, Signal signal, long value);

    /**
     * Sends a signal to an operating-system process of this machine with the operating
     * system's {@code kill}, mapping the signal to the host's number by name. The OS decides
     * delivery; the platform's policy must also allow the caller to signal OS processes.
     * Never blocks.
     *
     * @param pid the process id, 1 or more (process groups and broadcast are not supported)
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a pid below 1; NOT_FOUND if no
     *         such process exists; PERMISSION_DENIED if the policy or the operating system
     *         refuses; UNSUPPORTED if the host has no such signal or the platform cannot send
     *         OS signals here
     */
    void sendToOsProcess(long pid, Signal signal);

    /**
     * Sends a real-time signal with a value to an operating-system process, as
     * {@code sigqueue} does.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT also if the signal is not
     *         real-time; LIMIT_EXCEEDED if the target's signal queue is full; otherwise as
     *         {@link #sendToOsProcess(long, Signal)}
     */
    void sendToOsProcess(long pid, Signal signal, int value);

    /** The OS signals this JVM receives that the platform delivers to handlers. */
    Set<Signal> osSignals();
}
