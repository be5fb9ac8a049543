package org.multios.ipc.sync.signals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.posix.OsSignalSender;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.ConfigurableMechanism;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signal mechanism, plain Java: every caller gets a {@link SignalService} bound to its IPC
 * process; the IPC processes it knows are those bound now. Used by the OSGi component and by
 * the plain-Java bootstrap alike.
 *
 * <p><b>Delivery.</b> Handlers run on the mechanism's pool (threads
 * {@code ipc-signal-delivery-N}), never on the sender's thread, through one serial
 * {@link DeliveryLane} per process, so a slow or stuck handler only delays its own process. A
 * handler that throws is counted and logged and the other handlers still run; one that runs
 * past {@link SignalSettings#handlerBudget()} is interrupted, counted as an overrun and left
 * behind (a watchdog thread, {@code ipc-signal-watchdog}, enforces it).
 *
 * <p><b>Default actions.</b> A signal from an IPC process that its target neither handles nor
 * ignores takes its default action: {@link org.multios.ipc.signal.DefaultAction#TERMINATE} calls
 * the terminator given at construction (the OSGi component stops the target bundle; the
 * plain-Java bootstrap's default only logs, since the caller there is the JVM itself and this
 * mechanism cannot close its context); IGNORE does nothing. {@link Signal#KILL} terminates at
 * once, even when the target's handlers are busy; {@link Signal#STOP} has no effect.
 *
 * <p><b>Rights.</b> See {@link SignalPolicy}: same user, or the sender runs as root, or what
 * the caller context grants.
 *
 * <p><b>Operating system.</b> OS signals the JVM receives go to the processes that handle them
 * (see {@link OsSignalBridge}); {@code sendToOsProcess} uses {@code kill} and {@code sigqueue}
 * (see {@link OsSignalSender}).
 */
public final class SignalMechanism implements ConfigurableMechanism<SignalService> {
    private static final Logger LOG = LoggerFactory.getLogger(SignalMechanism.class);

    private final SignalSettings settings;
    private final Consumer<IpcProcess> terminator;
    private final DeliveryThreads threads;
    private final OsSignalBridge bridge;
    private final OsSignalSender sender = new OsSignalSender();
    private final Map<IpcProcess, ProcessSignals> processes = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Hook hook;
    private volatile IpcLimits limits;
    private volatile boolean closed;

    /**
     * A mechanism with the default settings.
     *
     * @param limits     the limits in force ({@link org.multios.ipc.Limit#SIGNAL_HANDLERS})
     * @param terminator takes the default action TERMINATE on a process; must not block
     */
    public SignalMechanism(IpcLimits limits, Consumer<IpcProcess> terminator) {
        this(limits, terminator, SignalSettings.defaults());
    }

    /**
     * A mechanism with the given settings.
     *
     * @param limits     the limits in force
     * @param terminator takes the default action TERMINATE on a process; must not block
     * @param settings   time budget, pool size and queue bound
     */
    public SignalMechanism(IpcLimits limits, Consumer<IpcProcess> terminator, SignalSettings settings) {
        this(limits, terminator, settings, OsSignalSource.detect());
    }

    SignalMechanism(IpcLimits limits, Consumer<IpcProcess> terminator, SignalSettings settings,
            OsSignalSource osSignals) {
        this(limits, terminator, settings, osSignals, null);
    }

    /** A mechanism whose race windows a test can hold open with {@code hook} (null: none). */
    SignalMechanism(IpcLimits limits, Consumer<IpcProcess> terminator, SignalSettings settings,
            OsSignalSource osSignals, Hook hook) {
        this.hook = hook;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.terminator = Objects.requireNonNull(terminator, "terminator");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.threads = new DeliveryThreads(settings.deliveryThreads());
        this.bridge = new OsSignalBridge(osSignals, this::deliverFromOs);
    }

    /**
     * The terminator of the plain-Java bootstrap: logs that the default action was not taken,
     * since the process there is the JVM itself.
     */
    public static Consumer<IpcProcess> loggingTerminator() {
        return p -> LOG.info("{} would be terminated by an unhandled signal; the JVM goes on", p);
    }

    /** Applies changed limits to later registrations. */
    public void limits(IpcLimits changed) {
        this.limits = Objects.requireNonNull(changed, "limits");
    }

    /** Applies the changed environment's limits to later registrations (signals have no files). */
    @Override
    public void environment(IpcEnvironment changed) {
        limits(changed.limits());
    }

    /**
     * Called by a thread at a point where another thread's action can land between two steps
     * of its own: tests only.
     */
    interface Hook {
        /** A handler call passed the registration's closed check; the handler runs next. */
        int CALL_ADMITTED = 1;
        /** {@link HandlerRegistration#close()} marked the registration closed; the process removes it next. */
        int REGISTRATION_CLOSING = 2;
        /** {@link ProcessSignals#register} listed the new registration; it returns next. */
        int REGISTERED = 3;
        /** {@link #release} detached the process's last context; the process is forgotten next. */
        int LAST_CONTEXT_DETACHED = 4;

        void at(int step);
    }

    @Override
    public Class<SignalService> apiType() {
        return SignalService.class;
    }

    @Override
    public SignalService bind(CallerContext caller) {
        Objects.requireNonNull(caller, "caller");
        while (true) {
            checkOpen();
            ProcessSignals state = processes.computeIfAbsent(caller.process(), p -> new ProcessSignals(p, this,
                    new DeliveryLane(p.toString(), threads, settings.handlerBudget())));
            synchronized (state) {
                if (!state.isClosed()) {
                    state.attach(caller);
                    return new BoundSignalService(this, state, caller);
                }
            }
            processes.remove(caller.process(), state);
        }
    }

    @Override
    public void release(CallerContext caller) {
        ProcessSignals state = processes.get(caller.process());
        if (state != null && state.detach(caller)) { // the last context: the process closed with it
            reached(Hook.LAST_CONTEXT_DETACHED);
            processes.remove(caller.process(), state);
        }
    }

    /**
     * Stops the mechanism: every process's handlers and pending signals go, the JVM's own OS
     * signal handlers are put back, and every thread of the mechanism ends (running handlers are
     * interrupted; this waits up to twice the handler budget for them). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ProcessSignals state : List.copyOf(processes.values())) {
            state.close();
        }
        processes.clear();
        bridge.close();
        threads.close(settings.handlerBudget().multipliedBy(2));
    }

    @Override
    public List<ObjectInfo> objects() {
        List<ObjectInfo> all = new ArrayList<>();
        processes.values().forEach(p -> all.addAll(p.objects()));
        return all;
    }

    /** Every handler registration counts as one connection. */
    @Override
    public int connectionCount() {
        return processes.values().stream().mapToInt(ProcessSignals::handlerCount).sum();
    }

    // ------------------------------------------------------------------ for the processes

    IpcLimits limits() {
        return limits;
    }

    SignalSettings settings() {
        return settings;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    void reached(int step) {
        if (hook != null) {
            hook.at(step);
        }
    }

    void checkOpen() {
        if (closed) {
            throw IpcException.closed("the signal mechanism");
        }
    }

    void osHandlerAdded(Signal signal) {
        bridge.retain(signal);
    }

    void osHandlerRemoved(Signal signal) {
        bridge.release(signal);
    }

    /** Takes the default action TERMINATE on a process. */
    void terminate(IpcProcess process, Signal signal) {
        LOG.info("{} terminated by {}", process, signal);
        try {
            terminator.accept(process);
        } catch (RuntimeException e) {
            LOG.error("terminating {} after {} failed", process, signal, e);
        }
    }

    /** The OS signals delivered to processes. */
    Set<Signal> osSignals() {
        return bridge.supported();
    }

    /** The OS signals a JVM handler of ours is installed for now. */
    Set<Signal> installedOsSignals() {
        return bridge.installed();
    }

    private int deliverFromOs(Signal signal) {
        int took = 0;
        for (ProcessSignals p : processes.values()) {
            if (p.arriveFromOs(signal)) {
                took++;
            }
        }
        return took;
    }

    // ------------------------------------------------------------------ sending

    IpcProcess find(ProcessKind kind, long id) {
        Objects.requireNonNull(kind, "kind");
        for (IpcProcess p : processes.keySet()) {
            if (p.kind() == kind && p.id() == id) {
                return p;
            }
        }
        throw new IpcException(IpcError.NOT_FOUND, "no IPC process " + kind.name().toLowerCase(java.util.Locale.ROOT)
                + " " + id + " uses signals");
    }

    void send(ProcessSignals self, CallerContext caller, IpcProcess target, Signal signal, long value) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(signal, "signal");
        checkSender(self);
        if (target.kind() == ProcessKind.REMOTE) {
            throw new IpcException(IpcError.UNSUPPORTED, "cannot send " + signal + " to remote " + target);
        }
        ProcessSignals to = processes.get(target);
        if (to == null) {
            throw new IpcException(IpcError.NOT_FOUND, "signal target " + target + " is not a live IPC process");
        }
        SignalPolicy.checkMaySignal(caller, to.process()); // the live process decides, never the argument
        to.arrive(SignalInfo.fromProcess(signal, value, caller.process()));
    }

    void sendToOsProcess(ProcessSignals self, CallerContext caller, long pid, Signal signal) {
        Objects.requireNonNull(signal, "signal");
        checkSender(self);
        checkPid(pid);
        SignalPolicy.checkMaySignalOs(caller, pid);
        sender.kill(pid, signal);
    }

    void sendToOsProcess(ProcessSignals self, CallerContext caller, long pid, Signal signal, int value) {
        Objects.requireNonNull(signal, "signal");
        checkSender(self);
        checkPid(pid);
        if (!signal.isRealTime()) {
            throw IpcException.invalidArgument("only real-time signals carry a value: " + signal
                    + " cannot be queued to OS process " + pid);
        }
        SignalPolicy.checkMaySignalOs(caller, pid);
        sender.queue(pid, signal, value);
    }

    private void checkSender(ProcessSignals self) {
        checkOpen();
        if (self.isClosed()) {
            throw IpcException.closed("signal service of " + self.process());
        }
    }

    private static void checkPid(long pid) {
        if (pid < 1) {
            throw IpcException.invalidArgument("process id " + pid + " must be 1 or more (process groups and "
                    + "broadcast are not supported)");
        }
    }
}
