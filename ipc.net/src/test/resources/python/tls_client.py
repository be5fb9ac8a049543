#!/usr/bin/env python3
"""A MultiOS IPC client over TLS, written with Python's ssl module from the protocol description.

Standard library only (socket, ssl, struct, os, sys). The frame and handshake layouts follow
FrameDescriptor and HandshakeDescriptor; every field is big-endian.

Usage:
  tls_client.py HOST PORT CAFILE TOKEN
      TLS 1.3 handshake verifying the listener against CAFILE and HOST, then HELLO with
      TOKEN (inside TLS), WELCOME, a DATA frame of type 7 priority 3 "ping from python",
      and one DATA frame read back; prints "tls <version>", "welcome <max frame>",
      "received <type> <priority> <text>", then sends BYE.
  tls_client.py HOST PORT CAFILE TOKEN expect-refusal
      the same handshake; prints "refused <code> <reason>" for the REFUSE that answers HELLO,
      or "tls-failed <reason>" if the TLS handshake fails.

Exit status 0 on success, 1 on any failure (the reason goes to stderr).
"""

import os
import socket
import ssl
import struct
import sys

HEADER = struct.Struct(">IHBB")  # length u32, type u16, priority u8, kind u8
KIND_DATA, KIND_HELLO, KIND_WELCOME, KIND_REFUSE, KIND_BYE = 0, 1, 2, 3, 4
MAGIC = 0x4D495043  # "MIPC"
VERSION = 1
MAX_FRAME = 65536
HELLO = struct.Struct(">IHHIQH")  # magic, version, reserved, max frame, pid, token length
REFUSE = struct.Struct(">HH")  # error code, reason length


def read_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise RuntimeError("connection closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def send_frame(s, kind, type_, priority, payload):
    s.sendall(HEADER.pack(len(payload), type_, priority, kind) + payload)


def read_frame(s):
    length, type_, priority, kind = HEADER.unpack(read_exactly(s, HEADER.size))
    return kind, type_, priority, read_exactly(s, length)


def main(host, port, cafile, token, mode):
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    raw = socket.create_connection((host, int(port)), timeout=20)
    try:
        s = context.wrap_socket(raw, server_hostname=host)
    except ssl.SSLError as e:
        if mode == "expect-refusal":
            print("tls-failed %s" % e, flush=True)
            return
        raise
    with s:
        print("tls %s" % s.version(), flush=True)
        secret = token.encode("utf-8")
        send_frame(s, KIND_HELLO, 0, 0, HELLO.pack(MAGIC, VERSION, 0, MAX_FRAME, os.getpid(), len(secret)) + secret)
        kind, _, _, payload = read_frame(s)
        if kind == KIND_REFUSE:
            code, n = REFUSE.unpack_from(payload)
            print("refused %d %s" % (code, payload[REFUSE.size:REFUSE.size + n].decode("utf-8")), flush=True)
            return
        if mode == "expect-refusal":
            raise RuntimeError("expected a REFUSE, got kind %d" % kind)
        if kind != KIND_WELCOME:
            raise RuntimeError("expected WELCOME, got kind %d" % kind)
        magic, version, _, max_frame, _, _ = HELLO.unpack_from(payload)
        if magic != MAGIC or version != VERSION:
            raise RuntimeError("bad WELCOME: magic %#x version %d" % (magic, version))
        print("welcome %d" % max_frame, flush=True)
        send_frame(s, KIND_DATA, 7, 3, b"ping from python")
        kind, type_, priority, payload = read_frame(s)
        if kind != KIND_DATA:
            raise RuntimeError("expected DATA, got kind %d" % kind)
        print("received %d %d %s" % (type_, priority, payload.decode("utf-8")), flush=True)
        send_frame(s, KIND_BYE, 0, 0, b"")


if __name__ == "__main__":
    try:
        main(*sys.argv[1:5], sys.argv[5] if len(sys.argv) > 5 else "exchange")
    except Exception as e:  # any failure: exit 1 with the reason
        print("failure: %r" % e, file=sys.stderr)
        sys.exit(1)
