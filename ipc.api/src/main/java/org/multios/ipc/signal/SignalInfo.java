package org.multios.ipc.signal;

import java.util.Objects;
import java.util.Optional;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;

/**
 * One delivered (or pending) signal, as a handler receives it. Immutable.
 *
 * @param signal the signal
 * @param value  the value the sender attached; 0 if none (always 0 for signals from the
 *               operating system)
 * @param sender the IPC process that sent it; empty for signals from the operating system
 * @param origin whether an IPC process or the operating system sent it
 */
public record SignalInfo(Signal signal, long value, Optional<IpcProcess> sender, SignalOrigin origin) {
    /**
     * Checks that the parts agree.
     *
     * @throws IpcException INVALID_ARGUMENT if a signal from an IPC process has no sender, or one
     *         from the operating system has a sender or a value
     */
    public SignalInfo {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(origin, "origin");
        if (origin == SignalOrigin.IPC && sender.isEmpty()) {
            throw IpcException.invalidArgument(signal + " from an IPC process must name its sender");
        }
        if (origin == SignalOrigin.OPERATING_SYSTEM && (sender.isPresent() || value != 0)) {
            throw IpcException.invalidArgument(signal + " from the operating system has no sender and no value");
        }
    }

    /** A signal sent by an IPC process. */
    public static SignalInfo fromProcess(Signal signal, long value, IpcProcess sender) {
        return new SignalInfo(signal, value, Optional.of(sender), SignalOrigin.IPC);
    }

    /** A signal the JVM received from the operating system. */
    public static SignalInfo fromOperatingSystem(Signal signal) {
        return new SignalInfo(signal, 0, Optional.empty(), SignalOrigin.OPERATING_SYSTEM);
    }
}
