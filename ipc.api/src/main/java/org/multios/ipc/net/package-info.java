/**
 * Network IPC over TCP, UDP and Unix-domain sockets, with the same message model as the local
 * mechanisms, and bridges that make a named queue or channel reachable from other machines.
 *
 * <ul>
 * <li>An {@link org.multios.ipc.net.Endpoint} names an address: {@code tcp://host:port},
 * {@code udp://host:port} or {@code unix:/path}.</li>
 * <li>A {@link org.multios.ipc.net.NetService} listens ({@link org.multios.ipc.net.Listener}),
 * connects ({@link org.multios.ipc.net.Connection}: message-oriented, frames with a type, a
 * priority and a payload), opens UDP sockets
 * ({@link org.multios.ipc.net.DatagramEndpoint}), and exports and opens bridges
 * ({@link org.multios.ipc.net.Bridge}).</li>
 * </ul>
 *
 * <p><b>Identity.</b> The peer of a connection is an {@link org.multios.ipc.IpcProcess}: on a
 * Unix socket the user and group of the local OS process, as the kernel reports them
 * ({@code SO_PEERCRED}; the pid it shows is the one the peer declared, never trusted);
 * on TCP a {@link org.multios.ipc.ProcessKind#REMOTE remote} peer acting as the user its
 * {@link org.multios.ipc.net.AuthToken token} authenticates, as mapped by the security policy.
 * UDP datagrams are not authenticated. Tokens travel in clear text on TCP: use them on trusted
 * networks or through a tunnel.
 *
 * <p><b>Waiting.</b> Every operation that can wait has a blocking, a non-blocking
 * ({@code try...}, reporting "would block" through its return value) and a timed form (TIMEOUT
 * when the time passes). An interrupt ends a wait with INTERRUPTED and keeps the thread's
 * interrupt flag set; closing a handle wakes its waiters with CLOSED.
 *
 * <p><b>Access.</b> Listening on, connecting to and exporting on an endpoint are decided by
 * the security policy for objects of kind {@link org.multios.ipc.ObjectType#ENDPOINT} named by
 * the endpoint's text (PERMISSION_DENIED); a handle that is granted holds
 * {@link org.multios.ipc.Rights#READ_WRITE}.
 */
@Export
@Version("1.0.0")
package org.multios.ipc.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
