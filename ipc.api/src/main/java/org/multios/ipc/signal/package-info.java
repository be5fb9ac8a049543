/**
 * Signals between IPC processes, with POSIX meaning: numbered
 * {@link org.multios.ipc.signal.Signal signals}, standard ones that coalesce while pending and
 * real-time ones that queue and carry a value; per-process handlers, blocking masks and
 * pending sets; default actions; sending to IPC processes and to OS processes; and delivery
 * of the OS signals the JVM receives. A {@link org.multios.ipc.signal.SignalService} is the
 * calling process's signal disposition ({@link org.multios.ipc.ObjectType#SIGNAL}).
 *
 * <p>Handlers run on platform threads, never in an OS signal context, so they may do anything
 * ordinary Java code does, within the bounds of the {@link org.multios.ipc.signal.SignalHandler}
 * contract.
 */
@Export
@Version("1.1.0")
package org.multios.ipc.signal;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
