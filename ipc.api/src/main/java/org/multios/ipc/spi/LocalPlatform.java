package org.multios.ipc.spi;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.internal.LocalContext;

/**
 * The plain-Java bootstrap with the mechanisms given, not those the class path holds: for
 * tests, benchmarks and tools that choose their mechanisms. Clients use {@link Ipc#open()}.
 */
public final class LocalPlatform {
    private LocalPlatform() {
    }

    /** Opens the platform on the given environment with the given mechanisms. */
    public static IpcContext open(IpcEnvironment environment, Iterable<MechanismFactory> mechanisms) {
        return new LocalContext(environment, mechanisms);
    }
}
