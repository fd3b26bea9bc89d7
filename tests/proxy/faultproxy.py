#!/usr/bin/python3
# tests/proxy/faultproxy.py: fault-injecting, request-recording HTTP/1.1 reverse proxy between an S3 client and a server on 127.0.0.1.
"""libxfer's fault proxy (Debian's /usr/bin/python3, standard library only).

usage: faultproxy.py --upstream http://127.0.0.1:PORT [--listen-port 0]
                     [--port-file FILE] [--log FILE] [--owner-pid PID] [-v]

Listens on 127.0.0.1 only and forwards every request to the upstream unchanged (raw
request head, Host included, so SigV4 signatures stay valid), keep-alive on both sides.
It also serves as a forward proxy (a client's http_proxy): an absolute-form target
(`GET http://host:port/path?query HTTP/1.1`) is rewritten to origin-form
(`/path?query`) and forwarded to the upstream, whatever host it names; nothing else
of the head changes.
Bodies are streamed in pieces of at most 256 KiB, never buffered whole. Chunked bodies
are decoded and re-chunked (same bytes, maybe other chunk boundaries; trailers kept).
`Expect: 100-continue` is forwarded and the upstream's `100 Continue` (or its early final
answer) relayed; a body the client sends without waiting is forwarded at once; if
neither side moves for 5 s the proxy sends its own 100. When the proxy answers by
itself (status faults) it sends its own `100 Continue` and reads the body first.

Every proxied request is recorded, when it completes, as one JSON line (in memory, and
appended to --log): id, conn, method, path (raw, percent-encoded), query (raw),
headers (lower-case names; repeated headers joined with ", "), req_body_bytes,
status (sent to the client; null if none was), resp_body_bytes (sent to the client),
t_start, t_end (Unix seconds), fault (name or null), checksum_mismatch (true/false, or
null without an x-amz-checksum-* header), plus upstream_status, rule (index of the rule
that fired), checksums ({alg: {"expected", "actual"}}), error (why it ended early) and
absolute (true when the client sent an absolute-form target; path and query are then
those of the origin-form forwarded).
The line is written before the last byte of the answer can reach the client, so a
test that reads the log right after its request finished sees it.

Control API (same port, path prefix /_proxy/, never forwarded, never recorded):
  GET    /_proxy/stats   {"max_concurrent", "requests", "in_flight", "faults_fired",
                          "connections"}  (max_concurrent: most requests in flight at
                          once since the last reset; requests: completed since then)
  POST   /_proxy/reset   clears the log (and truncates --log) and the stats
  GET    /_proxy/log     the JSON lines (application/x-ndjson); ?since=ID: only id > ID
  POST   /_proxy/faults  JSON list of rules (or one rule) replacing the current ones;
                         ?append=1 adds them instead. 400 with {"error"} if invalid.
  GET    /_proxy/faults  the rules with their counters ("seen", "fired")
  DELETE /_proxy/faults  removes all rules

A rule: {"match": {...}, "fault": NAME, "times": N, "skip": K, "arg": ...,
         "corrupt_request_body": bool}
  match (all given keys must hold; omitted = every request):
    method          exact, case-insensitive
    path_contains   substring of the raw path;  path_regex: re.search on the raw path
    query_has       a parameter name ("partNumber") or "name=value", or a list (all)
    query_lacks     the same, none of them may be present (PutObject vs UploadPart)
    header          {name: value}: value a substring of the header; true = present,
                    false = absent
  times: how many matching requests get the fault (default 1; -1 or null = all)
  skip:  how many matching requests pass first (default 0)
  Rules are tried in order; each rule whose match fits counts the request (skip, then
  fire). The first rule that fires wins and later rules do not count that request.
Faults:
  status_500, slowdown_503, request_timeout_400: answer the S3 error (InternalError,
      SlowDown, RequestTimeout) without contacting upstream, after reading the body.
  status  arg {"status": N, "code": "X", "message": "..."}: the same, any status.
  reset_before_body   reset the client connection right after the request head.
  reset_during_body   forward the head and half the body, then reset both sides.
  reset_after_body    forward the whole request, wait for (and drop) the upstream's
                      answer, then reset the client: the server did it, the client
                      never hears.
  reset_mid_response  forward, send the answer's head and half its body, then reset.
  truncate_response   forward, send the head (full Content-Length) and half the body,
                      then close cleanly (FIN).
  (reset_* send a TCP RST; arg {"mode": "fin"} closes cleanly instead.)
  stall   arg {"seconds": S (default 5), "when": "before_response" (default) |
          "mid_response" | "before_body"}: send (or, before_body, read) nothing for
          S seconds, then continue normally.
  flip_byte     forward, but XOR 0xFF one byte in the middle of the response body
                (arg {"offset": N} picks it).
  error_in_200  forward, drop the upstream's answer, answer 200 OK with an
                <Error><Code>InternalError</Code><Message>injected</Message></Error>
                body (arg {"code", "message", "leading_whitespace": N}).
  pass          forward unchanged (with arg {"response_headers": {name: value}} to set
                response headers: a header of that name, any case, is replaced, a
                null value removes it, others are added; e.g. a wrong Content-Range.
                That arg works with every forwarding fault. The body is still framed
                as the upstream's Content-Length / Transfer-Encoding say).
  corrupt_request_body: true (with or without a fault): XOR 0xFF one byte in the
      middle of the forwarded request body. Checksums are computed over the bytes
      forwarded, so checksum_mismatch then shows true.
"Half" of a chunked body of unknown length is half of its first piece.

Checksums: for x-amz-checksum-crc32 / -crc32c / -crc64nvme / -sha1 / -sha256 request
headers the body is checksummed as it streams (in a thread per request, so the pure
Python CRC-32C / CRC-64/NVME, ~12 MB/s, do not block other connections). Bodies with
Content-Encoding aws-chunked (checksum in a trailer) are not checked: null.
"""

import argparse
import asyncio
import base64
import fcntl
import hashlib
import http
import itertools
import json
import os
import queue
import re
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
import zlib

try:
    from termios import TIOCOUTQ
except ImportError:  # pragma: no cover - Linux has it
    TIOCOUTQ = 0x5411

PIECE = 256 * 1024  # body pieces moved at a time
STREAM_LIMIT = 1 << 20  # StreamReader buffer limit; also the longest request head
WRITE_HIGH = 1 << 20  # transport write buffer high-water mark
EXPECT_WAIT = 5.0  # how long to wait for the upstream's 100 Continue or early answer
# before sending our own 100 and the body. Generous, so that a loaded upstream's answer
# is still relayed as its own (a client that stops waiting sends its body meanwhile,
# which just waits in the socket buffers); servers here all send 100 at once.
UPSTREAM_REUSE_IDLE = 2.0  # reuse an idle upstream connection only if younger than
# this: servers drop idle keep-alive connections (node after 5 s), and a request sent
# on one that is just being closed would fail
CONNECT_TIMEOUT = 10.0
CLIENT_IDLE_TIMEOUT = 900.0

VERBOSE = False


def debug(msg):
    if VERBOSE:
        print("faultproxy: " + msg, file=sys.stderr, flush=True)


def warn(msg):
    print("faultproxy: " + msg, file=sys.stderr, flush=True)


# --- checksums -----------------------------------------------------------------------


def _reflected_table(poly):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


def _slice8_tables(poly):
    # Slicing-by-8: tables[k][b] is the CRC contribution of byte b followed by k zero
    # bytes; eight lookups per 8-byte word, about three times faster than byte-wise.
    t0 = _reflected_table(poly)
    tables = [t0]
    for _ in range(7):
        prev = tables[-1]
        tables.append([(prev[i] >> 8) ^ t0[prev[i] & 0xFF] for i in range(256)])
    return tables


_CRC32C_T = _slice8_tables(0x82F63B78)
_CRC64NVME_T = _slice8_tables(0x9A6C9329AC4BC9B5)
_LITTLE = sys.byteorder == "little"


def crc32c_update(crc, data):
    """CRC-32C (Castagnoli) register update; crc is the raw register (init ~0)."""
    mv = memoryview(data)
    t0 = _CRC32C_T[0]
    n = len(mv) // 8 * 8 if _LITTLE else 0
    if n:
        t0, t1, t2, t3, t4, t5, t6, t7 = _CRC32C_T
        for w in mv[:n].cast("Q"):
            x = crc ^ (w & 0xFFFFFFFF)
            h = w >> 32
            crc = (t7[x & 0xFF] ^ t6[(x >> 8) & 0xFF] ^ t5[(x >> 16) & 0xFF] ^ t4[x >> 24]
                   ^ t3[h & 0xFF] ^ t2[(h >> 8) & 0xFF] ^ t1[(h >> 16) & 0xFF] ^ t0[h >> 24])
    for b in mv[n:]:
        crc = t0[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def crc64nvme_update(crc, data):
    """CRC-64/NVME register update; crc is the raw register (init ~0)."""
    mv = memoryview(data)
    t0 = _CRC64NVME_T[0]
    n = len(mv) // 8 * 8 if _LITTLE else 0
    if n:
        t0, t1, t2, t3, t4, t5, t6, t7 = _CRC64NVME_T
        for w in mv[:n].cast("Q"):
            x = crc ^ w
            crc = (t7[x & 0xFF] ^ t6[(x >> 8) & 0xFF] ^ t5[(x >> 16) & 0xFF]
                   ^ t4[(x >> 24) & 0xFF] ^ t3[(x >> 32) & 0xFF] ^ t2[(x >> 40) & 0xFF]
                   ^ t1[(x >> 48) & 0xFF] ^ t0[x >> 56])
    for b in mv[n:]:
        crc = t0[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


class _Crc:
    def __init__(self, update, init, xorout, size):
        self.update_fn, self.reg, self.xorout, self.size = update, init, xorout, size

    def update(self, data):
        self.reg = self.update_fn(self.reg, data)

    def digest(self):
        return (self.reg ^ self.xorout).to_bytes(self.size, "big")


class _Crc32:
    def __init__(self):
        self.v = 0

    def update(self, data):
        self.v = zlib.crc32(data, self.v)

    def digest(self):
        return self.v.to_bytes(4, "big")


CHECKSUM_ALGS = {
    "crc32": _Crc32,
    "crc32c": lambda: _Crc(crc32c_update, 0xFFFFFFFF, 0xFFFFFFFF, 4),
    "crc64nvme": lambda: _Crc(crc64nvme_update, (1 << 64) - 1, (1 << 64) - 1, 8),
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
}


def checksum_b64(alg, data):
    h = CHECKSUM_ALGS[alg]()
    h.update(data)
    return base64.b64encode(h.digest()).decode()


def _self_check():
    want = {"crc32c": "4waSgw==", "crc64nvme": "rosUhgp5mIg=", "crc32": "y/Q5Jg=="}
    for alg, b64 in want.items():  # check values of "123456789" (0xE3069283 etc.)
        got = checksum_b64(alg, b"123456789")
        if got != b64:
            raise SystemExit("faultproxy: %s self-check failed: %s != %s" % (alg, got, b64))


class Checksummer:
    """Checksums a body as it streams through, in its own thread.

    The queue is bounded (16 pieces, 4 MiB), so a slow pure-Python CRC holds the
    transfer back rather than buffering the body.
    """

    QMAX = 16

    def __init__(self, loop, expected):
        self.expected = expected  # {alg: base64 from the header}
        self.hashes = {alg: CHECKSUM_ALGS[alg]() for alg in expected}
        self.q = queue.Queue(self.QMAX)
        self.abandoned = False
        self.fut = loop.create_future()
        self.loop = loop
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    @staticmethod
    def for_headers(loop, hmap):
        if "aws-chunked" in hmap.get("content-encoding", "").lower():
            return None  # the body carries aws-chunked framing: not checked (see docs)
        expected = {}
        for alg in CHECKSUM_ALGS:
            v = hmap.get("x-amz-checksum-" + alg)
            if v is not None:
                expected[alg] = v.strip()
        return Checksummer(loop, expected) if expected else None

    def _run(self):
        result = None
        try:
            while not self.abandoned:
                d = self.q.get()
                if d is None:
                    result = {alg: base64.b64encode(h.digest()).decode()
                              for alg, h in self.hashes.items()}
                    break
                for h in self.hashes.values():
                    h.update(d)
        except Exception as e:  # noqa: BLE001 - reported with the record
            result = e
        if not self.loop.is_closed():
            try:
                self.loop.call_soon_threadsafe(self._done, result)
            except RuntimeError:
                pass

    def _done(self, result):
        if not self.fut.done():
            self.fut.set_result(result)

    async def _put(self, item):
        while True:
            try:
                self.q.put_nowait(item)
                return
            except queue.Full:
                await asyncio.sleep(0.002)

    async def feed(self, data):
        await self._put(data)

    async def finish(self, rec):
        await self._put(None)
        result = await self.fut
        if isinstance(result, Exception):
            rec["error"] = "checksum: %r" % result
            return
        rec["checksums"] = {alg: {"expected": self.expected[alg], "actual": result[alg]}
                            for alg in self.expected}
        rec["checksum_mismatch"] = any(self.expected[a] != result[a] for a in self.expected)

    def abandon(self):
        self.abandoned = True
        try:
            self.q.put_nowait(None)
        except queue.Full:
            pass


# --- HTTP parsing ----------------------------------------------------------------------


class BadMessage(Exception):
    pass


class Head:
    """A parsed request or response head; raw keeps the bytes to forward unchanged."""

    def __init__(self, raw, is_request):
        self.raw = raw
        text = raw.decode("latin-1")
        lines = text.split("\r\n")
        self.first = lines[0]
        self.headers = []
        for line in lines[1:]:
            if not line:
                continue
            if line[0] in " \t" and self.headers:  # obsolete line folding
                n, v = self.headers[-1]
                self.headers[-1] = (n, v + " " + line.strip())
                continue
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                raise BadMessage("bad header line %r" % line[:100])
            self.headers.append((name, value.strip()))
        self.h = {}
        for n, v in self.headers:
            k = n.lower()
            self.h[k] = self.h[k] + ", " + v if k in self.h else v
        parts = self.first.split(" ", 2)
        if is_request:
            if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
                raise BadMessage("bad request line %r" % self.first[:200])
            self.method, self.target, self.version = parts
            self.absolute = None  # scheme://authority of an absolute-form target
            m = re.match(r"(?i)(http://[^/?#]+)([/?].*)?$", self.target)
            if m:  # a client that takes us for a forward proxy (http_proxy)
                self.absolute = m.group(1)
                self.target = m.group(2) or "/"
                if self.target.startswith("?"):
                    self.target = "/" + self.target
                self.first = " ".join((self.method, self.target, self.version))
                self.raw = (self.first + text[len(lines[0]):]).encode("latin-1")
            self.path, _, self.query = self.target.partition("?")
        else:
            if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
                raise BadMessage("bad status line %r" % self.first[:200])
            self.version, self.status = parts[0], int(parts[1])

    def with_headers(self, extra):
        """The head with each header named in extra (case-insensitive) replaced by
        extra's value, or removed when the value is None; names not present are added."""
        lower = {k.lower() for k in extra}
        lines = [self.first] + ["%s: %s" % (n, v) for n, v in self.headers
                                if n.lower() not in lower]
        lines += ["%s: %s" % (k, v) for k, v in extra.items() if v is not None]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def tokens(self, name):
        return [t.strip().lower() for t in self.h.get(name, "").split(",") if t.strip()]

    def keep_alive(self):
        conn = self.tokens("connection")
        if self.version == "HTTP/1.0":
            return "keep-alive" in conn
        return "close" not in conn


def _content_length(h):
    cl = h.h.get("content-length")
    if cl is None:
        return None
    vals = {v.strip() for v in cl.split(",")}
    if len(vals) != 1 or not next(iter(vals)).isdigit():
        raise BadMessage("bad Content-Length %r" % cl)
    return int(vals.pop())


def request_framing(req):
    if "transfer-encoding" in req.h:
        if req.tokens("transfer-encoding")[-1:] != ["chunked"]:
            raise BadMessage("unsupported Transfer-Encoding")
        return "chunked", None
    n = _content_length(req)
    return "length", n or 0


def response_framing(method, resp):
    if method == "HEAD" or resp.status < 200 or resp.status in (204, 304):
        return "length", 0
    if "transfer-encoding" in resp.h:
        if resp.tokens("transfer-encoding")[-1:] == ["chunked"]:
            return "chunked", None
        return "close", None
    n = _content_length(resp)
    if n is None:
        return "close", None
    return "length", n


class SideError(Exception):
    """An I/O failure on one side ("client" or "upstream")."""

    def __init__(self, side, exc):
        super().__init__("%s: %s" % (side, exc if str(exc) else type(exc).__name__))
        self.side = side


class BodyReader:
    """Reads a message body's data (chunked framing removed) in pieces."""

    def __init__(self, reader, kind, length, side):
        self.r, self.kind, self.side = reader, kind, side
        self.left = length if kind == "length" else 0
        self.total = length if kind == "length" else None
        self.done = kind == "length" and not length
        self.chunk_left = 0
        self.trailers = b""
        self.pushback = b""
        self.count = 0  # data bytes handed out (minus those pushed back)

    async def read(self, maxn=PIECE):
        if self.pushback:
            data, self.pushback = self.pushback[:maxn], self.pushback[maxn:]
            self.count += len(data)
            return data
        if self.done:
            return b""
        try:
            data = await self._read(maxn)
        except (asyncio.IncompleteReadError, ConnectionError, OSError, EOFError) as e:
            raise SideError(self.side, e if str(e) else "connection closed mid-body") from e
        except (ValueError, asyncio.LimitOverrunError) as e:
            raise SideError(self.side, "bad chunked framing: %s" % e) from e
        self.count += len(data)
        return data

    async def _read(self, maxn):
        r = self.r
        if self.kind == "length":
            data = await r.read(min(maxn, self.left))
            if not data:
                raise EOFError("connection closed with %d body bytes missing" % self.left)
            self.left -= len(data)
            self.done = not self.left
            return data
        if self.kind == "close":
            data = await r.read(maxn)
            self.done = not data
            return data
        if not self.chunk_left:
            line = await r.readuntil(b"\r\n")
            size = int(line.split(b";", 1)[0].strip(), 16)
            if size < 0:
                raise ValueError("negative chunk size")
            if size == 0:
                trailers = []
                while True:
                    t = await r.readuntil(b"\r\n")
                    if t == b"\r\n":
                        break
                    trailers.append(t)
                self.trailers = b"".join(trailers)
                self.done = True
                return b""
            self.chunk_left = size
        data = await r.read(min(maxn, self.chunk_left))
        if not data:
            raise EOFError("connection closed mid-chunk")
        self.chunk_left -= len(data)
        if not self.chunk_left and await r.readexactly(2) != b"\r\n":
            raise ValueError("chunk not followed by CRLF")
        return data

    def unread(self, data):
        if data:
            self.pushback = data + self.pushback
            self.count -= len(data)

    async def half_point(self):
        """Where "half the body" is: total/2, or half of the first piece if chunked."""
        if self.total is not None:
            return self.total // 2
        first = await self.read()
        self.unread(first)
        return self.count + len(first) // 2


class BodyWriter:
    """Writes body data with the framing the message announced."""

    def __init__(self, writer, kind):
        self.w, self.kind = writer, kind
        self.count = 0

    def write(self, data):
        if not data:
            return
        if self.kind == "chunked":
            self.w.write(b"%x\r\n" % len(data) + data + b"\r\n")
        else:
            self.w.write(data)
        self.count += len(data)

    def finish(self, trailers=b""):
        if self.kind == "chunked":
            self.w.write(b"0\r\n" + trailers + b"\r\n")


def flip(data, offset):
    b = bytearray(data)
    b[offset] ^= 0xFF
    return bytes(b)


async def pump(src, dst, dst_writer, dst_side, limit=None, flip_at=None, ck=None):
    """Moves body data from src to dst until src ends (returns True) or src.count
    reaches limit (returns False). dst None discards. It drains before each write
    (never after the last one), so the caller can record the request before yielding."""
    while True:
        maxn = PIECE
        if limit is not None:
            maxn = min(maxn, limit - src.count)
            if maxn <= 0:
                return False
        data = await src.read(maxn)
        if not data:
            return True
        if flip_at is not None and src.count - len(data) <= flip_at < src.count:
            data = flip(data, flip_at - (src.count - len(data)))
        if ck is not None:
            await ck.feed(data)
        if dst is not None:
            try:
                await dst_writer.drain()
                if dst_writer.transport.is_closing():
                    raise ConnectionResetError("connection closed")
                dst.write(data)
            except (ConnectionError, OSError) as e:
                raise SideError(dst_side, e) from e


# --- connection helpers --------------------------------------------------------------


def _tune(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
    writer.transport.set_write_buffer_limits(high=WRITE_HIGH)


def reset(writer):
    """Ends a connection with a TCP RST (SO_LINGER 0), dropping anything unsent."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


async def flush_fully(writer, timeout=3.0):
    """Waits until everything written has left the transport and been acknowledged
    by the peer, so that a reset that follows cannot discard it."""
    deadline = time.monotonic() + timeout
    try:
        writer.transport.set_write_buffer_limits(high=0)
        await asyncio.wait_for(writer.drain(), timeout)
        sock = writer.get_extra_info("socket")
        while sock is not None and time.monotonic() < deadline:
            buf = fcntl.ioctl(sock.fileno(), TIOCOUTQ, b"\0\0\0\0")
            if struct.unpack("i", buf)[0] == 0:
                break
            await asyncio.sleep(0.005)
    except (asyncio.TimeoutError, ConnectionError, OSError):
        pass


def end_connection(writer, mode):
    if mode == "fin":
        writer.close()
    else:
        reset(writer)


async def lingering_close(reader, writer, timeout=2.0):
    """Closes after the answer without a RST that could destroy it: send FIN, then
    read and drop whatever the client still sends (a body we will not read)."""
    try:
        if writer.can_write_eof():
            writer.write_eof()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            d = await asyncio.wait_for(reader.read(PIECE), max(0.01, deadline - time.monotonic()))
            if not d:
                break
    except (asyncio.TimeoutError, ConnectionError, OSError):
        pass
    writer.close()


# --- fault rules ---------------------------------------------------------------------

STATUS_FAULTS = {
    "status_500": (500, "InternalError", "We encountered an internal error. Please try again."),
    "slowdown_503": (503, "SlowDown", "Please reduce your request rate."),
    "request_timeout_400": (400, "RequestTimeout",
                            "Your socket connection to the server was not read from or "
                            "written to within the timeout period."),
    "status": None,
}
FAULTS = set(STATUS_FAULTS) | {
    "reset_before_body", "reset_during_body", "reset_after_body", "reset_mid_response",
    "truncate_response", "stall", "flip_byte", "error_in_200", "pass",
}
MATCH_KEYS = {"method", "path_contains", "path_regex", "query_has", "query_lacks", "header"}
RULE_KEYS = {"match", "fault", "times", "skip", "arg", "corrupt_request_body"}


def _as_list(v):
    return [v] if isinstance(v, str) else list(v)


class Rule:
    def __init__(self, spec, index):
        if not isinstance(spec, dict):
            raise ValueError("rule %d is not an object" % index)
        unknown = set(spec) - RULE_KEYS
        if unknown:
            raise ValueError("rule %d: unknown keys %s" % (index, sorted(unknown)))
        self.spec = spec
        self.index = index
        self.match = spec.get("match") or {}
        if not isinstance(self.match, dict) or set(self.match) - MATCH_KEYS:
            raise ValueError("rule %d: match must be an object with keys from %s"
                             % (index, sorted(MATCH_KEYS)))
        self.fault = spec.get("fault")
        self.corrupt = bool(spec.get("corrupt_request_body", False))
        if self.fault is None and not self.corrupt:
            raise ValueError("rule %d: needs a fault or corrupt_request_body" % index)
        if self.fault is not None and self.fault not in FAULTS:
            raise ValueError("rule %d: unknown fault %r (known: %s)"
                             % (index, self.fault, ", ".join(sorted(FAULTS))))
        self.arg = spec.get("arg")
        if self.arg is None:
            self.arg = {}
        if not isinstance(self.arg, dict):
            raise ValueError("rule %d: arg must be an object" % index)
        if self.fault == "status":
            st = self.arg.get("status")
            if not isinstance(st, int) or not 200 <= st <= 599:
                raise ValueError("rule %d: status needs arg {\"status\": 200..599}" % index)
        if self.fault == "stall":
            if self.arg.get("when", "before_response") not in (
                    "before_response", "mid_response", "before_body"):
                raise ValueError("rule %d: stall when must be before_response, "
                                 "mid_response or before_body" % index)
            float(self.arg.get("seconds", 5))
        times = spec.get("times", 1)
        if times is not None and (not isinstance(times, int) or times == 0 or times < -1):
            raise ValueError("rule %d: times must be a positive integer, -1 or null" % index)
        self.times = None if times in (None, -1) else times
        self.skip = spec.get("skip", 0)
        if not isinstance(self.skip, int) or self.skip < 0:
            raise ValueError("rule %d: skip must be a non-negative integer" % index)
        self.path_re = re.compile(self.match["path_regex"]) if "path_regex" in self.match else None
        hdr = self.match.get("header", {})
        if not isinstance(hdr, dict):
            raise ValueError("rule %d: match.header must be an object" % index)
        self.headers = {k.lower(): v for k, v in hdr.items()}
        self.seen = 0  # matching requests counted
        self.fired = 0

    def matches(self, req, params):
        m = self.match
        if "method" in m and req.method.upper() != str(m["method"]).upper():
            return False
        if "path_contains" in m and m["path_contains"] not in req.path:
            return False
        if self.path_re is not None and not self.path_re.search(req.path):
            return False
        for q in _as_list(m.get("query_has", [])):
            if not _query_has(params, q):
                return False
        for q in _as_list(m.get("query_lacks", [])):
            if _query_has(params, q):
                return False
        for name, want in self.headers.items():
            have = req.h.get(name)
            if want is True or want is False:
                if (have is not None) != want:
                    return False
            elif have is None or str(want) not in have:
                return False
        return True

    def take(self):
        """Counts a matching request; True if the fault fires for it."""
        if self.times is not None and self.fired >= self.times:
            return False
        self.seen += 1
        if self.seen <= self.skip:
            return False
        self.fired += 1
        return True

    def state(self):
        d = dict(self.spec)
        d.update(index=self.index, seen=self.seen, fired=self.fired,
                 exhausted=self.times is not None and self.fired >= self.times)
        return d


def _query_params(query):
    params = []
    for part in query.split("&"):
        if not part:
            continue
        k, sep, v = part.partition("=")
        params.append((urllib.parse.unquote(k), urllib.parse.unquote(v) if sep else None))
    return params


def _query_has(params, q):
    name, sep, value = q.partition("=")
    return any(k == name and (not sep or v == value) for k, v in params)


def parse_rules(body, start=0):
    try:
        spec = json.loads(body.decode("utf-8") or "[]")
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError("body is not JSON: %s" % e) from e
    if isinstance(spec, dict):
        spec = [spec]
    if not isinstance(spec, list):
        raise ValueError("body must be a JSON list of rules")
    return [Rule(s, start + i) for i, s in enumerate(spec)]


# --- the proxy -----------------------------------------------------------------------


def s3_error_xml(code, message, resource, request_id):
    esc = lambda s: (str(s).replace("&", "&amp;").replace("<", "&lt;")  # noqa: E731
                     .replace(">", "&gt;"))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code>'
            "<Message>%s</Message><Resource>%s</Resource><RequestId>%s</RequestId>"
            "</Error>" % (esc(code), esc(message), esc(resource), esc(request_id))).encode()


def simple_response(status, body, keep, head_only=False, ctype="application/xml",
                    extra=()):
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = "Status"
    lines = ["HTTP/1.1 %d %s" % (status, reason),
             "Date: " + time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()),
             "Server: libxfer-faultproxy",
             "Content-Type: " + ctype,
             "Content-Length: %d" % (0 if head_only else len(body)),
             "Connection: " + ("keep-alive" if keep else "close")]
    lines.extend("%s: %s" % kv for kv in extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (b"" if head_only else body)


class ClientConn:
    """One client connection and the upstream connection it uses."""

    def __init__(self, proxy, cid, reader, writer):
        self.proxy, self.id, self.r, self.w = proxy, cid, reader, writer
        self.up = None  # idle upstream connection (reader, writer)
        self.up_idle_since = 0.0
        self.active = None  # upstream connection the current request uses
        self.linger = False  # close with lingering_close: the client may still send
        self.tasks = []  # helper tasks of the current request, cancelled when it ends

    async def upstream(self):
        if self.up is not None:
            r, w = self.up
            if (not r.at_eof() and not w.transport.is_closing()
                    and time.monotonic() - self.up_idle_since < UPSTREAM_REUSE_IDLE):
                self.up = None
                self.active = (r, w)
                return r, w
            self.drop_upstream()
        host, port = self.proxy.upstream_addr
        try:
            r, w = await asyncio.wait_for(
                asyncio.open_connection(host, port, limit=STREAM_LIMIT), CONNECT_TIMEOUT)
        except (OSError, asyncio.TimeoutError) as e:
            raise SideError("upstream", "connect to %s:%d failed: %s" % (host, port, e)) from e
        _tune(w)
        self.active = (r, w)
        return r, w

    def release_upstream(self, conn, reusable):
        self.active = None
        if reusable:
            self.drop_upstream()
            self.up = conn
            self.up_idle_since = time.monotonic()
        else:
            conn[1].transport.abort()

    def drop_upstream(self):
        if self.up is not None:
            self.up[1].transport.abort()
            self.up = None


class Proxy:
    def __init__(self, upstream_addr, log_path):
        self.upstream_addr = upstream_addr
        self.log_path = log_path
        self.log_file = open(log_path, "a", encoding="utf-8") if log_path else None
        if self.log_file is not None:
            self.log_file.truncate(0)
        self.records = []
        self.rules = []
        self.req_ids = itertools.count(1)
        self.conn_ids = itertools.count(1)
        self.in_flight = 0
        self.max_concurrent = 0
        self.completed = 0
        self.faults_fired = 0
        self.connections = 0

    # -- recording --

    def record(self, rec):
        rec["t_end"] = round(time.time(), 6)
        line = json.dumps(rec, separators=(",", ":"))
        self.records.append(line)
        self.completed += 1
        if self.log_file is not None:
            self.log_file.write(line + "\n")
            self.log_file.flush()

    def reset_stats(self):
        self.records = []
        self.completed = 0
        self.faults_fired = 0
        self.max_concurrent = self.in_flight
        if self.log_file is not None:
            self.log_file.seek(0)
            self.log_file.truncate(0)

    def pick_rule(self, req):
        if not self.rules:
            return None
        params = _query_params(req.query)
        for rule in self.rules:
            if rule.matches(req, params) and rule.take():
                self.faults_fired += 1
                return rule
        return None

    # -- connections --

    async def handle(self, reader, writer):
        _tune(writer)
        conn = ClientConn(self, next(self.conn_ids), reader, writer)
        self.connections += 1
        try:
            while True:
                try:
                    raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"),
                                                 CLIENT_IDLE_TIMEOUT)
                except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError):
                    break
                except asyncio.LimitOverrunError:
                    writer.write(simple_response(431, b"", False))
                    break
                raw = raw.lstrip(b"\r\n")
                try:
                    req = Head(raw, True)
                except BadMessage as e:
                    writer.write(simple_response(400, str(e).encode(), False, ctype="text/plain"))
                    break
                if req.path.startswith("/_proxy/"):
                    keep = await self.control(req, reader, writer)
                else:
                    keep = await self.forward(conn, req)
                if not keep:
                    break
                await writer.drain()
        except Exception as e:  # noqa: BLE001 - one connection must not end the proxy
            if not isinstance(e, (ConnectionError, SideError)):
                warn("conn %d: %r" % (conn.id, e))
            else:
                debug("conn %d: %s" % (conn.id, e))
        finally:
            self.connections -= 1
            conn.drop_upstream()
            if conn.linger and not writer.transport.is_closing():
                await lingering_close(reader, writer)
            elif not writer.transport.is_closing():
                try:
                    await asyncio.wait_for(writer.drain(), 5)
                except (asyncio.TimeoutError, ConnectionError, OSError):
                    pass
                writer.close()

    async def forward(self, conn, req):
        """Handles one proxied request; returns whether the client connection stays."""
        rec = {"id": next(self.req_ids), "conn": conn.id, "method": req.method,
               "path": req.path, "query": req.query, "headers": req.h,
               "req_body_bytes": 0, "status": None, "resp_body_bytes": 0,
               "t_start": round(time.time(), 6), "t_end": None, "fault": None,
               "checksum_mismatch": None, "upstream_status": None, "rule": None,
               "error": None, "absolute": req.absolute is not None}
        self.in_flight += 1
        self.max_concurrent = max(self.max_concurrent, self.in_flight)
        body = ck = None
        try:
            try:
                kind, length = request_framing(req)
            except BadMessage as e:
                conn.w.write(simple_response(400, str(e).encode(), False, ctype="text/plain"))
                rec["status"], rec["error"] = 400, str(e)
                return False
            rule = self.pick_rule(req)
            fault, arg, corrupt = None, {}, False
            if rule is not None:
                fault, arg, corrupt = rule.fault, rule.arg, rule.corrupt
                rec["rule"] = rule.index
                rec["fault"] = fault or "corrupt_request_body"
            body = BodyReader(conn.r, kind, length, "client")
            ck = Checksummer.for_headers(asyncio.get_running_loop(), req.h)
            expect = (req.version == "HTTP/1.1" and not body.done
                      and "100-continue" in req.tokens("expect"))
            req_keep = req.keep_alive()
            return await self._forward(conn, req, rec, body, ck, expect, req_keep,
                                       fault, arg, corrupt)
        except SideError as e:
            rec["error"] = str(e)
            debug("request %d: %s" % (rec["id"], e))
            if e.side == "upstream" and rec["status"] is None and not conn.w.transport.is_closing():
                # Nothing was sent to the client yet: answer 502, then close.
                msg = s3_error_xml("BadGateway", "faultproxy: %s" % e, req.path,
                                   "faultproxy-%d" % rec["id"])
                conn.w.write(simple_response(502, msg, False, req.method == "HEAD"))
                rec["status"] = 502
                conn.linger = True
            else:
                conn.w.transport.abort()
            return False
        except (ConnectionError, OSError) as e:
            rec["error"] = "client: %s" % e
            conn.w.transport.abort()
            return False
        finally:
            for t in conn.tasks:  # Expect: 100-continue waits left behind by an error
                if not t.done():
                    t.cancel()
                elif not t.cancelled():
                    t.exception()  # retrieved: no "exception never retrieved" noise
            conn.tasks = []
            if conn.active is not None:  # ended by an exception: the upstream is unusable
                conn.active[1].transport.abort()
                conn.active = None
            if ck is not None and "checksums" not in rec:
                ck.abandon()
            if body is not None:
                rec["req_body_bytes"] = body.count
            self.in_flight -= 1
            self.record(rec)

    async def _forward(self, conn, req, rec, body, ck, expect, req_keep, fault, arg, corrupt):
        cw = conn.w
        if fault == "stall" and arg.get("when") == "before_body":
            await asyncio.sleep(float(arg.get("seconds", 5)))

        # Answered here without contacting the upstream.
        if fault in STATUS_FAULTS:
            if fault == "status":
                status = arg["status"]
                code = arg.get("code", "InjectedError")
                msg = arg.get("message", "injected by faultproxy")
            else:
                status, code, msg = STATUS_FAULTS[fault]
            if expect:
                cw.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            await pump(body, None, None, "client", ck=ck)
            if ck is not None:
                await ck.finish(rec)
            xml = s3_error_xml(code, msg, req.path, "faultproxy-%d" % rec["id"])
            cw.write(simple_response(status, xml, req_keep, req.method == "HEAD"))
            rec["status"] = status
            rec["resp_body_bytes"] = 0 if req.method == "HEAD" else len(xml)
            return req_keep
        if fault == "reset_before_body":
            end_connection(cw, arg.get("mode"))
            return False

        up = await conn.upstream()
        ur, uw = up
        try:
            uw.write(req.raw)
        except (ConnectionError, OSError) as e:
            raise SideError("upstream", e) from e

        early = None  # a final answer the upstream gave instead of 100 Continue
        head_task = None  # the upstream's answer head, when still being waited for
        if expect:
            # Whichever comes first: the upstream's 100 (relayed) or early final answer,
            # or the client's body (it stopped waiting: forward it at once).
            head_task = asyncio.ensure_future(self._read_head(ur))
            body_task = asyncio.ensure_future(body.read())
            conn.tasks += [head_task, body_task]
            await asyncio.wait({head_task, body_task}, timeout=EXPECT_WAIT,
                               return_when=asyncio.FIRST_COMPLETED)
            if head_task.done():
                interim, head_task = head_task.result(), None
                if interim.status == 100:
                    cw.write(interim.raw)
                elif interim.status >= 200:
                    early = interim
            elif not body_task.done():
                # Neither said anything: the upstream may wait for the body unasked.
                cw.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            if early is None:
                body.unread(await body_task)
            else:
                body_task.cancel()  # the body will not be read: the connection closes

        if early is None:
            uwriter = BodyWriter(uw, body.kind)
            flip_at = await body.half_point() if corrupt else None
            limit = await body.half_point() if fault == "reset_during_body" else None
            try:
                done = await pump(body, uwriter, uw, "upstream", limit=limit, flip_at=flip_at,
                                  ck=ck)
            except SideError as e:
                if e.side != "upstream":
                    raise
                # The upstream stopped reading (and may have answered already).
                rec["error"] = "upstream stopped reading the body: %s" % e
                early = await self._read_head_or_none(ur, head_task)
                if early is None:
                    raise
                done = True
            if not done:  # reset_during_body
                try:
                    await uw.drain()
                except (ConnectionError, OSError):
                    pass
                conn.release_upstream(up, False)
                end_connection(cw, arg.get("mode"))
                return False
            if early is None:
                uwriter.finish(body.trailers)
                if ck is not None:
                    await ck.finish(rec)
                try:
                    await uw.drain()
                except (ConnectionError, OSError) as e:
                    raise SideError("upstream", e) from e
                resp = await self._read_final_head(ur, head_task)
            else:
                resp = early
        else:
            resp = early
        rec["upstream_status"] = resp.status
        body_unread = not body.done  # the client may still be sending a body

        rkind, rlen = response_framing(req.method, resp)
        rbody = BodyReader(ur, rkind, rlen, "upstream")
        up_reusable = resp.keep_alive() and rkind != "close" and not body_unread
        client_keep = (req_keep and resp.keep_alive() and rkind != "close"
                       and not body_unread)

        if fault == "reset_after_body":
            await pump(rbody, None, None, "client")
            conn.release_upstream(up, up_reusable)
            end_connection(cw, arg.get("mode"))
            return False
        if fault == "error_in_200":
            await pump(rbody, None, None, "client")
            conn.release_upstream(up, up_reusable)
            ws = b" " * int(arg.get("leading_whitespace", 0))
            xml = ws + s3_error_xml(arg.get("code", "InternalError"),
                                    arg.get("message", "injected"), req.path,
                                    "faultproxy-%d" % rec["id"])
            cw.write(simple_response(200, xml, req_keep and not body_unread,
                                     req.method == "HEAD"))
            rec["status"] = 200
            rec["resp_body_bytes"] = 0 if req.method == "HEAD" else len(xml)
            return req_keep and not body_unread

        when = arg.get("when", "before_response")
        seconds = float(arg.get("seconds", 5))
        if fault == "stall" and when == "before_response":
            await asyncio.sleep(seconds)
        if cw.transport.is_closing():
            raise SideError("client", "client closed the connection")
        extra = arg.get("response_headers") or {}
        if extra:  # e.g. checksums a server does not send, or a wrong Content-Range
            cw.write(resp.with_headers(extra))
        else:
            cw.write(resp.raw)
        rec["status"] = resp.status
        cbody = BodyWriter(cw, rkind)
        try:
            if fault in ("reset_mid_response", "truncate_response") or (
                    fault == "stall" and when == "mid_response"):
                half = await rbody.half_point()
                await pump(rbody, cbody, cw, "client", limit=half)
                rec["resp_body_bytes"] = cbody.count
                if fault == "stall":
                    await cw.drain()
                    await asyncio.sleep(seconds)
                    await pump(rbody, cbody, cw, "client")
                else:
                    conn.release_upstream(up, False)
                    if fault == "truncate_response" or arg.get("mode") == "fin":
                        cw.close()  # FIN after what is buffered
                    else:
                        await flush_fully(cw)
                        reset(cw)
                    return False
            else:
                flip_at = None
                if fault == "flip_byte":
                    flip_at = arg.get("offset")
                    if flip_at is None:
                        flip_at = await rbody.half_point()
                await pump(rbody, cbody, cw, "client", flip_at=flip_at)
            cbody.finish(rbody.trailers)
        finally:
            rec["resp_body_bytes"] = cbody.count
        conn.release_upstream(up, up_reusable)
        if body_unread:
            rec["error"] = "upstream answered before the body; connection closed"
            conn.linger = True
        return client_keep

    @staticmethod
    async def _read_head(reader):
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError, OSError) as e:
            raise SideError("upstream", "connection closed before an answer (%s)"
                            % type(e).__name__) from e
        except asyncio.LimitOverrunError as e:
            raise SideError("upstream", "answer head too long") from e
        try:
            return Head(raw, False)
        except BadMessage as e:
            raise SideError("upstream", e) from e

    async def _read_head_or_none(self, reader, pending=None):
        try:
            return await asyncio.wait_for(self._read_final_head(reader, pending), 2.0)
        except (SideError, asyncio.TimeoutError):
            return None

    async def _read_final_head(self, reader, pending=None):
        while True:
            if pending is not None:
                resp, pending = await asyncio.shield(pending), None
            else:
                resp = await self._read_head(reader)
            if resp.status == 101:
                raise SideError("upstream", "101 Switching Protocols is not supported")
            if resp.status >= 200:
                return resp
            # A late 100 Continue or another interim answer: not for the client.

    # -- control API --

    async def control(self, req, reader, writer):
        keep = req.keep_alive()
        try:
            kind, length = request_framing(req)
            body = BodyReader(reader, kind, length, "client")
            parts = []
            while True:
                d = await body.read()
                if not d:
                    break
                parts.append(d)
                if sum(map(len, parts)) > 16 << 20:
                    raise BadMessage("control body too large")
            data = b"".join(parts)
        except (BadMessage, SideError) as e:
            writer.write(simple_response(400, str(e).encode(), False, ctype="text/plain"))
            return False
        status, out, ctype = 200, None, "application/json"
        route = req.path.rstrip("/")
        params = dict((k, v) for k, v in _query_params(req.query))
        if route == "/_proxy/stats" and req.method == "GET":
            out = {"max_concurrent": self.max_concurrent, "requests": self.completed,
                   "in_flight": self.in_flight, "faults_fired": self.faults_fired,
                   "connections": self.connections - 1}
        elif route == "/_proxy/reset" and req.method == "POST":
            self.reset_stats()
            out = {"ok": True}
        elif route == "/_proxy/log" and req.method == "GET":
            since = int(params.get("since") or 0)
            lines = [ln for ln in self.records if since == 0 or json.loads(ln)["id"] > since]
            out = "".join(ln + "\n" for ln in lines).encode()
            ctype = "application/x-ndjson"
        elif route == "/_proxy/faults" and req.method in ("POST", "PUT"):
            append = params.get("append") not in (None, "", "0")
            try:
                new = parse_rules(data, len(self.rules) if append else 0)
            except (ValueError, re.error) as e:
                status, out = 400, {"error": str(e)}
            else:
                self.rules = (self.rules + new) if append else new
                out = {"ok": True, "rules": len(self.rules)}
        elif route == "/_proxy/faults" and req.method == "GET":
            out = [r.state() for r in self.rules]
        elif route == "/_proxy/faults" and req.method == "DELETE":
            self.rules = []
            out = {"ok": True, "rules": 0}
        else:
            status, out = 404, {"error": "no control endpoint %s %s" % (req.method, req.path)}
        if not isinstance(out, bytes):
            out = (json.dumps(out) + "\n").encode()
        writer.write(simple_response(status, out, keep, req.method == "HEAD", ctype=ctype))
        return keep


def _starttime(pid):
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] in ("Z", "X", "x") else fields[19]


async def _watch_owner(pid, stop):
    """Ends the proxy once the owner process is gone, so a killed test run leaves none."""
    st = _starttime(pid)
    while st is not None and _starttime(pid) == st:
        await asyncio.sleep(1.0)
    warn("owner pid %d is gone: exiting" % pid)
    stop.set()


async def amain(args, upstream_addr):
    proxy = Proxy(upstream_addr, args.log)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", args.listen_port,
                                        limit=STREAM_LIMIT, backlog=1024,
                                        reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        tmp = "%s.tmp.%d" % (args.port_file, os.getpid())
        with open(tmp, "w", encoding="ascii") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("faultproxy: listening on 127.0.0.1:%d, upstream %s:%d"
          % ((port,) + upstream_addr), file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    watch = None
    if args.owner_pid:
        watch = asyncio.ensure_future(_watch_owner(args.owner_pid, stop))
    async with server:
        await stop.wait()
    if watch is not None:
        watch.cancel()
    if proxy.log_file is not None:
        proxy.log_file.close()


def main(argv=None):
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT")
    ap.add_argument("--listen-port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--port-file", help="where to write the port listened on")
    ap.add_argument("--log", help="append each request's JSON line here")
    ap.add_argument("--owner-pid", type=int, help="exit once this process is gone")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    VERBOSE = args.verbose
    u = urllib.parse.urlsplit(args.upstream)
    if u.scheme != "http" or u.hostname not in ("127.0.0.1", "localhost") or not u.port:
        ap.error("--upstream must be http://127.0.0.1:PORT (only loopback is allowed)")
    if u.path not in ("", "/"):
        ap.error("--upstream takes no path")
    _self_check()
    try:
        asyncio.run(amain(args, ("127.0.0.1", u.port)))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
