/**
 * Event objects: a signalled/non-signalled state that threads of any IPC process wait for,
 * carrying a 64-bit data value from the signaller to the waiter. An
 * {@link org.multios.ipc.event.EventType#AUTO_RESET auto-reset} event releases exactly one
 * waiter per signal; a {@link org.multios.ipc.event.EventType#MANUAL_RESET manual-reset} event
 * releases every waiter until it is reset. An {@link org.multios.ipc.event.EventService}
 * creates, opens and unlinks events and waits for any or all of several.
 *
 * <p>The original specification's {@code create_event(event_type, flags)},
 * {@code event.signal(pid, data)} and {@code event.wait(pid, thread_id, timeout)} are
 * {@link org.multios.ipc.event.EventService#create(EventType, java.util.Set)},
 * {@link org.multios.ipc.event.Event#signal(long)} and
 * {@link org.multios.ipc.event.Event#await(java.time.Duration)}: the process and thread are
 * always the caller.
 *
 * <p>Every wait has a blocking, a non-blocking ({@code try...}, reporting "not signalled"
 * through its return value) and a timed form (TIMEOUT when the time passes). An interrupt ends
 * a wait with INTERRUPTED and keeps the thread's interrupt flag set; closing the handle wakes
 * its waiters with CLOSED.
 */
@Export
@Version("2.0.0")
package org.multios.ipc.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
