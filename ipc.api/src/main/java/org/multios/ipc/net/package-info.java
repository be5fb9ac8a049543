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
 * <p><b>Delivery through a bridge.</b> A handle from
 * {@link org.multios.ipc.net.NetService#openRemoteQueue openRemoteQueue} or
 * {@link org.multios.ipc.net.NetService#openRemoteChannel openRemoteChannel} keeps the
 * promises of a local one (each message received once; the messages one handle sends keep
 * their order within a priority) and tells the caller what happened to its message:
 * <ul>
 * <li><b>Success.</b> A send that returned queued its message exactly once. A receive that
 * returned a message took it from the object; no one else receives it.</li>
 * <li><b>An error the bridge replied</b> (TIMEOUT, WOULD_BLOCK, PERMISSION_DENIED,
 * LIMIT_EXCEEDED, MESSAGE_TOO_LARGE, ...): nothing was sent or received.</li>
 * <li><b>Timeout and interrupt.</b> The handle cancels its request and waits at most one
 * second more for the bridge to settle it. If the operation completed meanwhile it returns
 * normally (an interrupted thread keeps its interrupt flag set); otherwise it fails with
 * TIMEOUT or INTERRUPTED and did nothing: a message a cancelled receive had already taken is
 * put back. So a timed operation returns within its timeout plus that second; a
 * {@code try} form (which does not wait at the bridge) waits ten seconds for its reply before
 * it cancels.</li>
 * <li><b>{@link org.multios.ipc.IpcError#OUTCOME_UNKNOWN OUTCOME_UNKNOWN}</b>: a send whose
 * cancel was not settled in time, or whose connection ended after the request left. The
 * message may or may not be queued; sending it again may queue it twice. (A client of the
 * wire protocol may instead repeat the request with the same id on the same connection: a
 * bridge does not run an id again while it runs or among the last 1024 it answered.)</li>
 * <li><b>Connection loss</b> (CLOSED): a send failing with CLOSED never left; a receive
 * received nothing, and a message the bridge had taken for it is put back, even one whose
 * reply a connection reset discarded: each handle is a <i>session of acknowledged
 * receives</i>. A message a receive takes stays in the bridge's custody (out of the object,
 * not yet delivered) until the handle acknowledges it, which it does as the reply arrives;
 * closing the handle ends the session, over a new connection if its own was lost, and the
 * bridge puts back what the handle never got. A session is bound to the peer's identity
 * (another peer cannot resume it) and, without a connection, lasts a grace period (30 s by
 * default) after which its custody goes back too; a handle that is not closed, or cannot
 * reach the bridge again within the grace, may thereby see a message it had received
 * delivered again (to another consumer), never lose it.</li>
 * <li><b>Late replies.</b> A message that arrives for a receive whose caller gave up before
 * it was settled goes to the next receive on the handle, or back to the object when the
 * handle closes (if the handle may write). Closing a handle first cancels its pending
 * receives (their callers get CLOSED) so the messages they had taken are put back.</li>
 * </ul>
 * A message put back goes to its priority behind the messages of that priority queued
 * meanwhile, with the exporter as its sender. If the object has no room for it by then, or the
 * exporter's handle may not write, it is lost, counted in the bridge's ERRORS and logged.
 *
 * <p><b>Access.</b> Listening on, connecting to and exporting on an endpoint are decided by
 * the security policy for objects of kind {@link org.multios.ipc.ObjectType#ENDPOINT} named by
 * the endpoint's text (PERMISSION_DENIED): a socket named in the IPC root by its name, however it
 * was written ({@link org.multios.ipc.net.RootEndpoints}); a host with a final dot also by its text
 * without it ({@link org.multios.ipc.net.Endpoint#ruleText()}). What the socket reaches is decided
 * too, each text as an endpoint of its own, and every decision must grant: each address its host's
 * one lookup gives (the socket then uses one of those, never a second lookup), the real path of a
 * Unix socket file reached through links. A handle that is granted holds
 * {@link org.multios.ipc.Rights#READ_WRITE}.
 */
@Export
@Version("1.5.0")
package org.multios.ipc.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
