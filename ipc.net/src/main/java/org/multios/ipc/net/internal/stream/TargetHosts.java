package org.multios.ipc.net.internal.stream;

import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;

/**
 * The rule for a host a connection, a remote object or a datagram is sent to: not the wildcard
 * address. Linux takes {@code 0.0.0.0} and {@code ::} as a target for this machine, so a target
 * written that way would reach a loopback service past a rule that names {@code 127.0.0.1}.
 */
public final class TargetHosts {
    private TargetHosts() {
    }

    /**
     * Checks a target.
     *
     * @param operation what a refusal names, {@code connect to}
     * @throws IpcException INVALID_ARGUMENT naming the target for a wildcard host
     */
    public static void requireNamedHost(Endpoint target, String operation) {
        if (target.isWildcard()) {
            throw IpcException.invalidArgument("cannot " + operation + " " + target + ": the wildcard address names no"
                    + " host (Linux would take it for this machine); write 127.0.0.1 or [::1]");
        }
    }
}
