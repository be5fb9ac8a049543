package org.multios.ipc.sync.signals;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.signal.Disposition;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalHandler;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalRegistration;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.spi.CallerContext;

/** The {@link SignalService} of one caller: acts on that caller's process. */
record BoundSignalService(SignalMechanism mechanism, ProcessSignals self, CallerContext caller)
        implements SignalService {
    @Override
    public SignalRegistration register(Signal signal, SignalHandler handler) {
        mechanism.checkOpen();
        return self.register(caller, signal, handler);
    }

    @Override
    public void ignore(Signal signal) {
        self.ignore(signal);
    }

    @Override
    public void restoreDefault(Signal signal) {
        self.restoreDefault(Objects.requireNonNull(signal, "signal"));
    }

    @Override
    public Disposition disposition(Signal signal) {
        return self.disposition(Objects.requireNonNull(signal, "signal"));
    }

    @Override
    public void block(Set<Signal> signals) {
        self.block(Set.copyOf(signals));
    }

    @Override
    public void unblock(Set<Signal> signals) {
        self.unblock(Set.copyOf(signals));
    }

    @Override
    public Set<Signal> blocked() {
        return self.blocked();
    }

    @Override
    public List<SignalInfo> pending() {
        return self.pending();
    }

    @Override
    public void send(IpcProcess target, Signal signal, long value) {
        mechanism.send(self, caller, target, signal, value);
    }

    @Override
    public void send(IpcProcess target, Signal signal) {
        send(target, signal, 0);
    }

    @Override
    public void send(ProcessKind kind, long id, Signal signal, long value) {
        mechanism.send(self, caller, mechanism.find(kind, id), signal, value);
    }

    @Override
    public void sendToOsProcess(long pid, Signal signal) {
        mechanism.sendToOsProcess(self, caller, pid, signal);
    }

    @Override
    public void sendToOsProcess(long pid, Signal signal, int value) {
        mechanism.sendToOsProcess(self, caller, pid, signal, value);
    }

    @Override
    public Set<Signal> osSignals() {
        return mechanism.osSignals();
    }

    @Override
    public String toString() {
        return "signal service of " + caller.process();
    }
}
