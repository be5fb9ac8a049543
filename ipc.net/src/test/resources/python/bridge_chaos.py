#!/usr/bin/env python3
"""Sends and receives through a MultiOS IPC bridge while cutting connections at random points.

Written from FrameDescriptor, HandshakeDescriptor and BridgeDescriptor alone (standard library
only). Every message carries a sequence number and a CRC-32 of its body. Connections end by a
reset (SO_LINGER 0) with requests in flight, by BYE with requests in flight (the bridge must
finish them), by the bridge's idle timeout, or cleanly. All connections belong to one session
of acknowledged receives: every message received is ACKed, and each connection opens the session
again listing the RECEIVEs whose messages it has and whose ACK was not answered, so that the
bridge puts back exactly the messages whose replies were lost with a connection. At the end a
clean connection drains the queue and ENDs the session.

Usage: bridge_chaos.py tcp:<host>:<port> QUEUE SEED SECONDS IDLE_MS

Prints one line: "seed <s> requests <n> rst <a> bye <b> idle <c> sent-ok <x> sent-unknown <y>
not-sent <z> received <r> duplicates <d> crc-errors <e> lost <l> receives-at-reset <k>
unanswered-after-bye <u> resumes <m>"
where lost counts messages whose SEND was answered OK and that nobody received,
receives-at-reset the RECEIVEs in flight when a connection was reset (their replies may have
been discarded with the connection: the session gets those messages back),
unanswered-after-bye the requests sent before a BYE that the bridge closed without answering,
resumes the connections that found the session in the bridge. Exit status 0 unless the
protocol broke.
"""

import random
import socket
import struct
import sys
import time
import zlib

HEADER = struct.Struct(">IHBB")  # length, type, priority, kind
KIND_DATA, KIND_HELLO, KIND_WELCOME, KIND_REFUSE, KIND_BYE = 0, 1, 2, 3, 4
HELLO = struct.Struct(">IHHIQH")
MAGIC, VERSION, MAX_FRAME = 0x4D495043, 1, 65600
OP_OPEN, OP_SEND, OP_RECEIVE, OP_OPEN_SESSION, OP_ACK, OP_END = 1, 2, 3, 6, 7, 8
REPLY_OK, REPLY_ERROR = 0x8000, 0x8001
REQUEST = struct.Struct(">Iq")  # id, wait (ns)
MESSAGE = struct.Struct(">QI")  # sequence number, CRC-32 of the body
SEND_WAIT = 100_000_000  # ns: a full queue answers TIMEOUT (not sent)
ROOM = 4096


class Ended(Exception):
    """The connection ended (end of stream, reset)."""


class Chaos:
    def __init__(self, endpoint, queue, seed, idle):
        host, port = endpoint[len("tcp:"):].rsplit(":", 1)
        self.address = (host, int(port))
        self.queue = queue.encode("utf-8")
        self.rnd = random.Random(seed)
        self.idle = idle
        self.next_seq = 0
        self.sent_ok, self.sent_unknown, self.not_sent = set(), set(), 0
        self.received = {}
        self.crc_errors = 0
        self.requests = 0
        self.cuts = {"rst": 0, "bye": 0, "idle": 0}
        self.receives_at_reset = 0
        self.unanswered_after_bye = 0
        # The session: its id, its request ids (never reused), and the RECEIVEs whose messages
        # this side has and whose ACK was not answered (listed when the session is opened again).
        self.session = self.rnd.getrandbits(63) | 1
        self.next_id = 1
        self.unconfirmed = set()
        self.resumes = 0
        self.said_bye = False

    # ------------------------------------------------------------------ wire

    def connect(self):
        s = socket.create_connection(self.address)
        s.settimeout(20)
        self.buffer = b""
        self.s = s
        self.said_bye = False
        self.in_session = True
        self.send_frame(KIND_HELLO, 0, 0, HELLO.pack(MAGIC, VERSION, 0, MAX_FRAME, 0, 0))
        kind, _, _, payload = self.read_frame()
        if kind != KIND_WELCOME:
            raise RuntimeError("handshake answered with kind %d" % kind)
        args = (struct.pack(">BBBBH", 1, 0, 3, 0, len(self.queue)) + self.queue + struct.pack(">Q", self.session)
                + self.received_list())
        self.request(OP_OPEN_SESSION, args, 0, 5_000_000_000)
        kind, type_, _, payload = self.read_frame()
        if kind == KIND_BYE:
            raise Ended("the bridge ended the connection before OPEN was answered (idle on a busy machine)")
        if kind == KIND_REFUSE or type_ != REPLY_OK:
            raise RuntimeError("OPEN_SESSION failed: kind %d type %#x: %r" % (kind, type_, payload))
        # The bridge counted the listed messages as acknowledged and put every other one back.
        self.unconfirmed.clear()
        if payload[4 + 20] == 1:
            self.resumes += 1

    def received_list(self):
        """The RECEIVEs whose messages this side has and whose ACK was not answered (count u16, ids u32)."""
        have = sorted(self.unconfirmed)
        return struct.pack(">H", len(have)) + b"".join(struct.pack(">I", i) for i in have)

    def send_frame(self, kind, type_, priority, payload):
        self.s.sendall(HEADER.pack(len(payload), type_, priority, kind) + payload)

    def read_exactly(self, n):
        while len(self.buffer) < n:
            try:
                chunk = self.s.recv(65536)
            except (ConnectionError, socket.timeout) as e:
                raise Ended(str(e))
            if not chunk:
                raise Ended("end of stream")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read_frame(self):
        length, type_, priority, kind = HEADER.unpack(self.read_exactly(HEADER.size))
        return kind, type_, priority, self.read_exactly(length)

    def request(self, op, args, priority, wait):
        request_id = self.next_id
        self.next_id += 1
        self.requests += 1
        self.send_frame(KIND_DATA, op, priority, REQUEST.pack(request_id, wait) + args)
        return request_id

    # ------------------------------------------------------------------ messages

    def send(self, in_flight):
        seq = self.next_seq
        self.next_seq += 1
        body = bytes(self.rnd.getrandbits(8) for _ in range(self.rnd.randint(0, 200)))
        message = MESSAGE.pack(seq, zlib.crc32(body)) + body
        in_flight[self.request(OP_SEND, message, self.rnd.randint(0, 31), SEND_WAIT)] = ("send", seq)

    def receive(self, in_flight, wait):
        in_flight[self.request(OP_RECEIVE, struct.pack(">I", ROOM), 0, wait)] = ("receive", None)

    def answered(self, in_flight, frame):
        kind, type_, _, payload = frame
        if kind != KIND_DATA:
            return
        (request_id,) = struct.unpack_from(">I", payload)
        what, seq = in_flight.pop(request_id)
        if what == "ack":
            if type_ == REPLY_OK:
                self.unconfirmed.discard(seq)
        elif what == "send":
            if type_ == REPLY_OK and payload[4] == 1:
                self.sent_ok.add(seq)
            else:
                self.not_sent += 1
        elif type_ == REPLY_OK and payload[4] == 1:
            message = payload[22:]
            got, crc = MESSAGE.unpack_from(message)
            if zlib.crc32(message[MESSAGE.size:]) != crc:
                self.crc_errors += 1
            self.received[got] = self.received.get(got, 0) + 1
            self.unconfirmed.add(request_id)
            if not self.said_bye and self.in_session:
                in_flight[self.request(OP_ACK, struct.pack(">I", request_id), 0, 0)] = ("ack", request_id)

    def unsettled(self, in_flight, reset):
        for what, seq in in_flight.values():
            if what == "ack":
                continue
            if what == "send":
                self.sent_unknown.add(seq)
            elif reset:
                self.receives_at_reset += 1
        in_flight.clear()

    # ------------------------------------------------------------------ one connection

    def one_connection(self):
        try:
            self.connect()
        except Ended:
            self.cuts["idle"] += 1
            self.s.close()
            return
        in_flight = {}
        try:
            for _ in range(self.rnd.randint(1, 30)):
                for _ in range(self.rnd.randint(1, 8)):
                    if self.rnd.random() < 0.5:
                        self.send(in_flight)
                    else:
                        self.receive(in_flight, self.rnd.choice([0, 0, 20_000_000]))
                cut = self.rnd.random()
                if cut < 0.06:
                    # Reset with requests in flight, maybe after reading some replies.
                    for _ in range(self.rnd.randint(0, len(in_flight))):
                        self.answered(in_flight, self.read_frame())
                    self.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.s.close()
                    self.cuts["rst"] += 1
                    self.unsettled(in_flight, True)
                    return
                if cut < 0.12:
                    # BYE with requests in flight: each must still be answered.
                    self.send_frame(KIND_BYE, 0, 0, b"")
                    self.said_bye = True
                    self.cuts["bye"] += 1
                    try:
                        while True:
                            frame = self.read_frame()
                            if frame[0] != KIND_BYE:
                                self.answered(in_flight, frame)
                    except Ended:
                        self.unanswered_after_bye += len(in_flight)
                        raise
                while in_flight:
                    self.answered(in_flight, self.read_frame())
                if cut < 0.15:
                    # Stay silent past the bridge's idle timeout: it ends the connection.
                    self.cuts["idle"] += 1
                    time.sleep(self.idle * 1.5)
                    while True:
                        self.read_frame()
            self.send_frame(KIND_BYE, 0, 0, b"")
            self.said_bye = True
            while True:
                frame = self.read_frame()
                if frame[0] != KIND_BYE:
                    self.answered(in_flight, frame)
        except Ended:
            self.unsettled(in_flight, False)
        finally:
            self.s.close()

    def drain(self):
        """Opens the session again (what was in custody goes back), receives until the queue is
        empty, ACKing each message, then ENDs the session and receives what END put back (a
        reply an earlier connection's late RECEIVE wrote after the resume)."""
        self.connect()
        self.drain_queue()
        self.request(OP_END, self.received_list(), 0, 0)
        kind, type_, _, payload = self.read_frame()
        if type_ != REPLY_OK:
            raise RuntimeError("END after the drain: type %#x: %r" % (type_, payload))
        self.in_session = False
        self.drain_queue()
        self.s.close()

    def drain_queue(self):
        while True:
            in_flight = {}
            self.receive(in_flight, 0)
            kind, type_, _, payload = self.read_frame()
            if type_ != REPLY_OK or payload[4] != 1:
                break
            self.answered(in_flight, (kind, type_, 0, payload))
            while in_flight:
                self.answered(in_flight, self.read_frame())

    def run(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            self.one_connection()
        self.drain()
        duplicates = sum(1 for n in self.received.values() if n > 1)
        lost = len(self.sent_ok - set(self.received))
        print("seed %d requests %d rst %d bye %d idle %d sent-ok %d sent-unknown %d not-sent %d received %d "
              "duplicates %d crc-errors %d lost %d receives-at-reset %d unanswered-after-bye %d resumes %d" % (
                  SEED, self.requests, self.cuts["rst"], self.cuts["bye"], self.cuts["idle"], len(self.sent_ok),
                  len(self.sent_unknown), self.not_sent, sum(self.received.values()), duplicates,
                  self.crc_errors, lost, self.receives_at_reset, self.unanswered_after_bye, self.resumes), flush=True)


if __name__ == "__main__":
    SEED = int(sys.argv[3])
    Chaos(sys.argv[1], sys.argv[2], SEED, int(sys.argv[5]) / 1000).run(float(sys.argv[4]))
