package org.multios.ipc.net.internal.bridge;

/**
 * The bridge protocol: DATA frames ({@link org.multios.ipc.net.internal.wire.FrameDescriptor})
 * on a connection to a {@link BridgeServer}. The frame's type is the operation; its priority is
 * the message's priority (SEND requests, RECEIVE replies), else 0. Big-endian.
 *
 * <pre>
 * request (client to bridge)                 reply (bridge to client), type OK or ERROR
 *  0  request id            u32               0  request id            u32
 *  4  wait (ns; -1 forever, i64               4  OK:    operation's result, below
 *        0 = try)                                 ERROR: error code u16, length u32, priority u8,
 * 12  operation's arguments, below                       reason length u16, reason (UTF-8)
 *
 * OPEN     kind u8 (1 queue, 2 channel), side u8 (0 A, 1 B), rights u8, 0 u8,
 *          name length u16, name (UTF-8)
 *   OK     rights u8, non-blocking u8, 0 u16, max message size u32, capacity u32,
 *          buffer size u32 (channels), mode u16, 0 u16
 * SEND     the message bytes                          OK  sent u8 (0: full, for try)
 * RECEIVE  room u32                                   OK  got u8 (0: none, for try), sender kind u8,
 *                                                          sender id u64, sender pid u64, message bytes
 * STATUS   nothing                                    OK  messages u32, peer closed u8
 * CANCEL   nothing; the id is the request to cancel    no reply of its own
 * OPEN_SESSION  OPEN's arguments, then session id u64 (not 0), count u16,
 *          count x RECEIVE request id u32 (the client has their messages)
 *   OK     OPEN's result, then resumed u8 (1: the session existed), 0 u8, custody limit u16,
 *          grace (ms) u32
 * ACK      RECEIVE request id u32                      OK  held u8 (1: it was in custody)
 * END      count u16, count x RECEIVE request id u32    OK  put back u32 (the messages in
 *          (as in OPEN_SESSION)                                   custody not listed)
 * </pre>
 *
 * <p>The first request of a connection must be OPEN or OPEN_SESSION; the connection then
 * carries the one handle it opened until either side closes it. Requests may be pipelined: replies carry the
 * request's id and may come in any order. A reply too large for a frame never occurs: a
 * RECEIVE's room is cut to the frame size less {@link #RECEIVE_REPLY_HEADER}.
 *
 * <p>Delivery rules:
 * <ul>
 * <li><b>One reply per request.</b> Every request but CANCEL gets exactly one reply. A request
 * id that is still running, or is among the last 1024 answered on the connection, is not run
 * again: a repeated SEND, OPEN or STATUS is answered with the first reply, a repeated RECEIVE
 * not at all. A client that lost a reply may therefore repeat the request with the same id.</li>
 * <li><b>Order.</b> OPEN, OPEN_SESSION, END and SEND requests run one at a time in the order
 * they arrive, so the messages of one connection keep their order within a priority; RECEIVE,
 * STATUS and ACK run in parallel (a STATUS is never held up by a SEND waiting for room).</li>
 * <li><b>CANCEL</b> ends the named request: if it has not started it does nothing, if it waits
 * its wait ends; either way it is answered with ERROR INTERRUPTED and did nothing. A request
 * that had already completed is answered as usual (OK: a SEND that queued its message stays
 * queued). A RECEIVE that took its message before the cancel came puts the message back and
 * answers INTERRUPTED. A CANCEL of an id not running is ignored.</li>
 * <li><b>Undeliverable replies.</b> A RECEIVE reply that is never written whole to the socket
 * (the connection ended first) puts its message back at its priority, behind the messages of
 * that priority queued meanwhile. Without a session, one the socket took counts as delivered:
 * if the peer's connection is reset before it reads it, the message is lost. In a session it
 * stays in custody until acknowledged (below).</li>
 * <li><b>Sessions (acknowledged receives).</b> A connection opened with OPEN_SESSION belongs
 * to the session the client names; a session is bound to the peer's identity (its user, and
 * for a peer that is not authenticated also its host address): another identity naming it is
 * refused with PERMISSION_DENIED. A message a RECEIVE of a session takes is held <i>in
 * custody</i> (out of the object, not delivered yet) until the client ACKs that RECEIVE's
 * request id; a reply never written whole puts it back at once. The client numbers its
 * requests across the connections of a session without reusing an id whose message is in
 * custody (such a RECEIVE is treated as repeated). When the client opens the session again
 * (after a reset, BYE or idle timeout), it lists the RECEIVEs whose messages it has and whose
 * ACK it has not seen answered: those count as acknowledged, and every other message in
 * custody goes back to the object at its priority, so a reply lost with its connection is
 * received again, once. A live connection of the session is closed when the session is opened
 * again (the client left it). A session without a connection for its grace, or ended by END,
 * puts what is in custody back. At most {@link #MAX_CUSTODY} messages are in custody per
 * session, {@link #MAX_SESSIONS_PER_PEER} sessions per identity and 4096 per bridge, and all the
 * bridge's sessions together keep at most its byte budget (each session RECEIVE that has not
 * taken its message yet counting one largest reply): beyond, RECEIVE or
 * OPEN_SESSION fails with LIMIT_EXCEEDED and takes nothing. A client that does not come back
 * within the grace may receive again (or another consumer may) a message whose ACK was lost.
 * ACKs run in parallel with other requests, so END (like OPEN_SESSION) lists the messages the
 * client has whose ACK it has not seen answered. OPEN_SESSION is the session protocol's version mark: a bridge that predates it answers
 * PROTOCOL_ERROR (unknown operation), and plain OPEN keeps the rules without custody.</li>
 * <li><b>BYE</b> from the client is a half-close: the bridge reads nothing more, the requests
 * already received run to the end without waiting (one waiting is woken and answered
 * INTERRUPTED; one not started runs as its try form), their replies are written, then the
 * bridge sends BYE and closes.</li>
 * </ul>
 */
public final class BridgeDescriptor {
    /** Opens the exported object. */
    public static final int OP_OPEN = 1;
    /** Sends a message. */
    public static final int OP_SEND = 2;
    /** Receives a message. */
    public static final int OP_RECEIVE = 3;
    /** Reads the object's state. */
    public static final int OP_STATUS = 4;
    /** Cancels the request whose id it carries. */
    public static final int OP_CANCEL = 5;
    /** Opens the exported object within a session of acknowledged receives (resuming it if it exists). */
    public static final int OP_OPEN_SESSION = 6;
    /** Acknowledges the message of a RECEIVE of the session: it leaves custody for good. */
    public static final int OP_ACK = 7;
    /** Ends the connection's session: messages in custody go back to the object. */
    public static final int OP_END = 8;
    /** Reply: the operation succeeded. */
    public static final int REPLY_OK = 0x8000;
    /** Reply: the operation failed. */
    public static final int REPLY_ERROR = 0x8001;

    /** Object kind of OPEN: a message queue. */
    public static final int KIND_QUEUE = 1;
    /** Object kind of OPEN: a channel. */
    public static final int KIND_CHANNEL = 2;

    /** Offset of the request id (requests and replies). */
    public static final int ID_OFFSET = 0;
    /** Offset of the wait (requests). */
    public static final int WAIT_OFFSET = 4;
    /** Offset of a request's arguments. */
    public static final int ARGS_OFFSET = 12;
    /** Offset of a reply's result. */
    public static final int RESULT_OFFSET = 4;
    /** Bytes of a RECEIVE reply before the message. */
    public static final int RECEIVE_REPLY_HEADER = RESULT_OFFSET + 1 + 1 + 8 + 8;
    /** Bytes of OPEN's result (its last two are 0); OPEN_SESSION's own result follows them. */
    public static final int OPEN_RESULT = 20;
    /** The most messages one session holds in custody (unacknowledged RECEIVE replies). */
    public static final int MAX_CUSTODY = 256;
    /** The most sessions one peer identity has on one bridge. */
    public static final int MAX_SESSIONS_PER_PEER = 64;
    /** Bytes of a SEND request before the message. */
    public static final int SEND_REQUEST_HEADER = ARGS_OFFSET;

    private BridgeDescriptor() {
    }
}
