#!/usr/bin/env python3
"""A MultiOS IPC bridge client written from the protocol description alone.

Standard library only (socket, struct, sys; os for the pid). The layouts follow
FrameDescriptor, HandshakeDescriptor and BridgeDescriptor; every field is big-endian.

Usage:
  bridge_client.py ENDPOINT exchange QUEUE TEXT@PRIORITY...
      HELLO/WELCOME, OPEN the queue READ|WRITE, SEND each message and print "sent <n>",
      wait for a line on stdin, then RECEIVE one message (waiting forever) and print
      "received <priority> <text>", then BYE.
  bridge_client.py ENDPOINT bad-version
      send a HELLO of version 99 and print "refused <code> <reason>" from the REFUSE.
  bridge_client.py ENDPOINT receive-bye QUEUE N
      OPEN, then N RECEIVEs (waiting forever) and BYE in one write; read to the end of the
      stream, printing "message <priority> <text>" per message received and "end <n>".
  bridge_client.py ENDPOINT send-pipelined QUEUE N PRIORITY
      OPEN, then N SENDs of the texts 0 to N-1 at PRIORITY in one write; read the N replies
      and print "sent <n>" (the SENDs that replied OK and sent).
  bridge_client.py ENDPOINT send-twice QUEUE TEXT PRIORITY
      OPEN, then the same SEND (request id 7) twice and a STATUS (id 8); read until both ids
      were answered; print "replies <k>" (replies to id 7 read) and "status <messages>".
  bridge_client.py ENDPOINT session QUEUE SESSION_ID [SOURCE_ADDRESS]
      a session of acknowledged receives driven by commands on stdin, one a line, each
      answered by one line: "open" (connect, from SOURCE_ADDRESS if given, and OPEN_SESSION
      listing the RECEIVEs whose messages this side has and whose ACK was not answered:
      "opened <resumed>" or "error <code>"), "receive" (send a RECEIVE waiting forever, do not
      read its reply: "asked <id>"), "read" (read one reply: "message <text>", "nothing" or "error <code>"),
      "ack" (ACK every message held, read the replies: "acked <n held by the bridge>"),
      "reset" (close with SO_LINGER 0, unread replies discarded: "reset"), "end" (END listing
      the messages held: "ended <n put back>"), "bye" (BYE, read to the end: "bye"). Request ids go on across
      connections, as a session requires.

ENDPOINT is unix:<path> or tcp:<host>:<port>. Exit status 0 on success, 1 on any failure
(the reason goes to stderr).
"""

import os
import socket
import struct
import sys

# Frame header (FrameDescriptor): length u32, type u16, priority u8, kind u8.
HEADER = struct.Struct(">IHBB")
KIND_DATA, KIND_HELLO, KIND_WELCOME, KIND_REFUSE, KIND_BYE = 0, 1, 2, 3, 4

# Handshake (HandshakeDescriptor).
MAGIC = 0x4D495043  # "MIPC"
VERSION = 1
MAX_FRAME = 65600
HELLO = struct.Struct(">IHHIQH")  # magic, version, reserved, max frame, pid, token length
REFUSE = struct.Struct(">HH")  # error code, reason length

# Bridge (BridgeDescriptor).
OP_OPEN, OP_SEND, OP_RECEIVE, OP_STATUS, OP_OPEN_SESSION, OP_ACK, OP_END = 1, 2, 3, 4, 6, 7, 8
REPLY_OK, REPLY_ERROR = 0x8000, 0x8001
KIND_QUEUE = 1
READ, WRITE = 1, 2  # org.multios.ipc.Rights
WAIT_FOREVER = -1
REQUEST = struct.Struct(">Iq")  # request id, wait (ns)
RECEIVE_ROOM = 4096


class ProtocolFailure(Exception):
    pass


def connect(endpoint, source=None):
    if endpoint.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(endpoint[len("unix:"):])
    elif endpoint.startswith("tcp:"):
        host, port = endpoint[len("tcp:"):].rsplit(":", 1)
        s = socket.create_connection((host, int(port)), source_address=(source, 0) if source else None)
    else:
        raise ProtocolFailure("endpoint must be unix:<path> or tcp:<host>:<port>, not " + endpoint)
    s.settimeout(20)
    return s


def read_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ProtocolFailure("connection closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def send_frame(s, kind, type_, priority, payload):
    s.sendall(HEADER.pack(len(payload), type_, priority, kind) + payload)


def read_frame(s):
    length, type_, priority, kind = HEADER.unpack(read_exactly(s, HEADER.size))
    return kind, type_, priority, read_exactly(s, length)


def hello(s, version):
    payload = HELLO.pack(MAGIC, version, 0, MAX_FRAME, os.getpid(), 0)  # no token
    send_frame(s, KIND_HELLO, 0, 0, payload)
    return read_frame(s)


def refusal(payload):
    code, n = REFUSE.unpack_from(payload)
    return code, payload[REFUSE.size:REFUSE.size + n].decode("utf-8")


def handshake(s):
    kind, _, _, payload = hello(s, VERSION)
    if kind == KIND_REFUSE:
        raise ProtocolFailure("refused: code %d: %s" % refusal(payload))
    if kind != KIND_WELCOME:
        raise ProtocolFailure("expected WELCOME, got kind %d" % kind)
    magic, version, _, max_frame, _, _ = HELLO.unpack_from(payload)
    if magic != MAGIC or version != VERSION:
        raise ProtocolFailure("bad WELCOME: magic %#x version %d" % (magic, version))
    return max_frame


class Bridge:
    def __init__(self, s):
        self.s = s
        self.next_id = 1

    def call(self, op, args, priority=0):
        """Sends one request and returns (priority, result bytes) of its OK reply."""
        request_id = self.next_id
        self.next_id += 1
        send_frame(self.s, KIND_DATA, op, priority, REQUEST.pack(request_id, WAIT_FOREVER) + args)
        kind, type_, reply_priority, payload = read_frame(self.s)
        if kind == KIND_REFUSE:
            raise ProtocolFailure("connection ended: code %d: %s" % refusal(payload))
        if kind != KIND_DATA:
            raise ProtocolFailure("expected a reply, got kind %d" % kind)
        (reply_id,) = struct.unpack_from(">I", payload)
        if reply_id != request_id:
            raise ProtocolFailure("reply to request %d, expected %d" % (reply_id, request_id))
        if type_ == REPLY_ERROR:
            code, _, _, n = struct.unpack_from(">HIBH", payload, 4)
            reason = payload[13:13 + n].decode("utf-8")
            raise ProtocolFailure("operation %d failed: code %d: %s" % (op, code, reason))
        if type_ != REPLY_OK:
            raise ProtocolFailure("unknown reply type %#x" % type_)
        return reply_priority, payload[4:]

    def open_queue(self, name, rights):
        encoded = name.encode("utf-8")
        args = struct.pack(">BBBBH", KIND_QUEUE, 0, rights, 0, len(encoded)) + encoded
        _, result = self.call(OP_OPEN, args)
        granted, _, _, max_size, capacity, _, mode = struct.unpack_from(">BBHIIIH", result)
        return granted

    def send(self, data, priority):
        _, result = self.call(OP_SEND, data, priority)
        if result[0] != 1:
            raise ProtocolFailure("SEND reported the queue full")

    def receive(self):
        priority, result = self.call(OP_RECEIVE, struct.pack(">I", RECEIVE_ROOM))
        if result[0] != 1:
            raise ProtocolFailure("RECEIVE (waiting forever) returned no message")
        # got u8, sender kind u8, sender id u64, sender pid u64, message bytes
        return priority, result[18:]


def exchange(endpoint, queue, messages):
    with connect(endpoint) as s:
        handshake(s)
        bridge = Bridge(s)
        granted = bridge.open_queue(queue, READ | WRITE)
        if granted & (READ | WRITE) != READ | WRITE:  # a handle may carry more than asked
            raise ProtocolFailure("OPEN granted rights %d, without READ|WRITE" % granted)
        for message in messages:
            text, priority = message.rsplit("@", 1)
            bridge.send(text.encode("utf-8"), int(priority))
        # Tell the caller the messages are in the queue, and wait until it says to go on
        # (so that it can take them before this side's RECEIVE does).
        print("sent %d" % len(messages), flush=True)
        sys.stdin.readline()
        priority, data = bridge.receive()
        print("received %d %s" % (priority, data.decode("utf-8")), flush=True)
        send_frame(s, KIND_BYE, 0, 0, b"")


def request_frame(op, request_id, args, priority=0):
    payload = REQUEST.pack(request_id, WAIT_FOREVER) + args
    return HEADER.pack(len(payload), op, priority, KIND_DATA) + payload


def opened(s, queue):
    handshake(s)
    bridge = Bridge(s)
    bridge.open_queue(queue, READ | WRITE)
    return bridge


def receive_bye(endpoint, queue, n):
    with connect(endpoint) as s:
        bridge = opened(s, queue)
        first = bridge.next_id
        frames = b"".join(request_frame(OP_RECEIVE, first + i, struct.pack(">I", RECEIVE_ROOM)) for i in range(n))
        s.sendall(frames + HEADER.pack(0, 0, 0, KIND_BYE))
        received = 0
        while True:
            try:
                kind, type_, priority, payload = read_frame(s)
            except ProtocolFailure:  # the end of the stream
                break
            if kind == KIND_BYE:
                continue
            if kind == KIND_DATA and type_ == REPLY_OK and payload[4] == 1:
                received += 1
                print("message %d %s" % (priority, payload[22:].decode("utf-8")), flush=True)
        print("end %d" % received, flush=True)


def send_pipelined(endpoint, queue, n, priority):
    with connect(endpoint) as s:
        bridge = opened(s, queue)
        first = bridge.next_id
        s.sendall(b"".join(request_frame(OP_SEND, first + i, str(i).encode("utf-8"), priority) for i in range(n)))
        sent = 0
        for _ in range(n):
            kind, type_, _, payload = read_frame(s)
            if kind == KIND_DATA and type_ == REPLY_OK and payload[4] == 1:
                sent += 1
        print("sent %d" % sent, flush=True)
        send_frame(s, KIND_BYE, 0, 0, b"")


def send_twice(endpoint, queue, text, priority):
    with connect(endpoint) as s:
        bridge = opened(s, queue)
        send = request_frame(OP_SEND, 7, text.encode("utf-8"), priority)
        s.sendall(send + send + request_frame(OP_STATUS, 8, b""))
        replies, messages = 0, None
        while replies == 0 or messages is None:
            kind, type_, _, payload = read_frame(s)
            (reply_id,) = struct.unpack_from(">I", payload)
            if reply_id == 7:
                replies += 1
            elif reply_id == 8:
                (messages,) = struct.unpack_from(">I", payload, 4)
        print("replies %d" % replies, flush=True)
        print("status %d" % messages, flush=True)
        send_frame(s, KIND_BYE, 0, 0, b"")


def bad_version(endpoint):
    with connect(endpoint) as s:
        kind, _, _, payload = hello(s, 99)
        if kind != KIND_REFUSE:
            raise ProtocolFailure("a HELLO of version 99 was answered with kind %d, not REFUSE" % kind)
        print("refused %d %s" % refusal(payload), flush=True)


class Session:
    """One session of acknowledged receives over successive connections (commands on stdin)."""

    def __init__(self, endpoint, queue, session_id, source):
        self.endpoint, self.queue, self.session_id, self.source = endpoint, queue.encode("utf-8"), session_id, source
        self.s = None
        self.next_id = 1
        self.have = set()  # RECEIVEs whose messages this side has, their ACK not answered

    def request(self, op, args, wait=WAIT_FOREVER):
        request_id = self.next_id
        self.next_id += 1
        send_frame(self.s, KIND_DATA, op, 0, REQUEST.pack(request_id, wait) + args)
        return request_id

    def reply(self):
        kind, type_, _, payload = read_frame(self.s)
        if kind != KIND_DATA:
            raise ProtocolFailure("expected a reply, got kind %d" % kind)
        (request_id,) = struct.unpack_from(">I", payload)
        return request_id, type_, payload

    def have_list(self):
        have = sorted(self.have)
        return struct.pack(">H", len(have)) + b"".join(struct.pack(">I", i) for i in have)

    def open(self):
        self.s = connect(self.endpoint, self.source)
        handshake(self.s)
        args = (struct.pack(">BBBBH", KIND_QUEUE, 0, READ | WRITE, 0, len(self.queue)) + self.queue
                + struct.pack(">Q", self.session_id) + self.have_list())
        self.request(OP_OPEN_SESSION, args)
        _, type_, payload = self.reply()
        if type_ != REPLY_OK:
            return "error %d" % struct.unpack_from(">H", payload, 4)
        self.have.clear()
        return "opened %d" % payload[4 + 20]

    def receive(self):
        return "asked %d" % self.request(OP_RECEIVE, struct.pack(">I", RECEIVE_ROOM))

    def read(self):
        request_id, type_, payload = self.reply()
        if type_ == REPLY_ERROR:
            return "error %d" % struct.unpack_from(">H", payload, 4)
        if payload[4] != 1:
            return "nothing"
        self.have.add(request_id)
        return "message " + payload[22:].decode("utf-8")

    def ack(self):
        asked = {self.request(OP_ACK, struct.pack(">I", i), 0): i for i in self.have}
        held = 0
        while asked:
            request_id, type_, payload = self.reply()
            if type_ == REPLY_OK:
                self.have.discard(asked.pop(request_id))
                held += payload[4]
        return "acked %d" % held

    def reset(self):
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.s.close()
        return "reset"

    def end(self):
        self.request(OP_END, self.have_list(), 0)
        _, type_, payload = self.reply()
        if type_ != REPLY_OK:
            raise ProtocolFailure("END failed: %r" % payload)
        return "ended %d" % struct.unpack_from(">I", payload, 4)

    def bye(self):
        send_frame(self.s, KIND_BYE, 0, 0, b"")
        try:
            while True:
                read_frame(self.s)
        except ProtocolFailure:  # the end of the stream
            pass
        self.s.close()
        return "bye"

    def run(self):
        commands = {"open": self.open, "receive": self.receive, "read": self.read, "ack": self.ack,
                    "reset": self.reset, "end": self.end, "bye": self.bye}
        for line in sys.stdin:
            print(commands[line.strip()](), flush=True)


def main(argv):
    if len(argv) >= 4 and argv[2] == "exchange":
        exchange(argv[1], argv[3], argv[4:])
    elif len(argv) == 3 and argv[2] == "bad-version":
        bad_version(argv[1])
    elif len(argv) == 5 and argv[2] == "receive-bye":
        receive_bye(argv[1], argv[3], int(argv[4]))
    elif len(argv) == 6 and argv[2] == "send-pipelined":
        send_pipelined(argv[1], argv[3], int(argv[4]), int(argv[5]))
    elif len(argv) == 6 and argv[2] == "send-twice":
        send_twice(argv[1], argv[3], argv[4], int(argv[5]))
    elif len(argv) in (5, 6) and argv[2] == "session":
        Session(argv[1], argv[3], int(argv[4]), argv[5] if len(argv) == 6 else None).run()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (ProtocolFailure, OSError, struct.error, ValueError) as e:
        print("bridge_client: %s" % e, file=sys.stderr)
        sys.exit(1)
