"""Bad bytes on raw sockets against a real `clickstream broker` process.

Each case opens its own connection and sends something a Kafka client never
would: truncated frames (then closing, or hanging), bad length prefixes,
unknown APIs and versions, headers whose lengths run past the frame, and
seeded random frames and byte streams. The broker must answer or close that
connection within a few seconds, and meanwhile keep serving everyone else:
after every case a long-lived raw connection still gets ApiVersions answers, a
fresh connection gets Metadata, and a confluent-kafka producer and consumer
still write and read a record. At the end the broker must still be running,
stop cleanly on SIGTERM, and its log must show no crash or handler failure.

Requests are encoded by hand (python3 stdlib only) from the Kafka protocol
layouts: a frame is an int32 size then the request header (api_key int16,
api_version int16, correlation_id int32, client_id nullable string) and body.
"""

import random
import socket
import struct
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition

from harness import Broker, run_tests

MAX_REQUEST_BYTES = 1 << 20  # socket.request.max.bytes for this broker
ANSWER_TIMEOUT = 5.0  # "answered or closed within a few seconds"
API_VERSIONS, METADATA = 18, 3
UNSUPPORTED_VERSION = 35

BROKER = None  # started once in __main__: the cases share it, like real clients would
HEALTHY = None  # a raw connection opened before the first case and used after each
PRODUCER = None
_correlation = 1000


def next_correlation():
    global _correlation
    _correlation += 1
    return _correlation


def frame(payload):
    return struct.pack(">i", len(payload)) + payload


def request_header(api_key, version, correlation_id, client_id=b"bad-input"):
    return struct.pack(">hhih", api_key, version, correlation_id, len(client_id)) + client_id


def connect():
    s = socket.create_connection(("127.0.0.1", BROKER.port), timeout=ANSWER_TIMEOUT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_exact(sock, n, deadline):
    """n bytes, or None if the peer closed first; raises if the deadline passes."""
    buf = b""
    while len(buf) < n:
        left = deadline - time.time()
        if left <= 0:
            raise AssertionError(f"no answer and no close within {ANSWER_TIMEOUT}s")
        sock.settimeout(left)
        try:
            chunk = sock.recv(n - len(buf))
        except socket.timeout:
            raise AssertionError(f"no answer and no close within {ANSWER_TIMEOUT}s") from None
        except ConnectionResetError:
            return None
        if not chunk:
            return None
        buf += chunk
    return buf


def read_frame(sock, deadline=None):
    """The next response frame's payload, or None if the broker closed."""
    deadline = deadline or time.time() + ANSWER_TIMEOUT
    size = read_exact(sock, 4, deadline)
    if size is None:
        return None
    (n,) = struct.unpack(">i", size)
    assert 4 <= n <= 64 << 20, f"response frame size {n}"
    payload = read_exact(sock, n, deadline)
    assert payload is not None, "connection closed in the middle of a response"
    return payload


def expect_closed(sock):
    """The broker closes this connection within the timeout, answering nothing."""
    data = read_exact(sock, 1, time.time() + ANSWER_TIMEOUT)
    assert data is None, f"expected the broker to close the connection, got {data!r}"
    sock.close()


def answered_or_closed(sock):
    """Reads until the broker closes or has answered with whole frames; returns
    (frames, closed). Raises if neither happens within the timeout."""
    frames = []
    deadline = time.time() + ANSWER_TIMEOUT
    while True:
        payload = read_frame(sock, deadline)
        if payload is None:
            return frames, True
        frames.append(payload)
        sock.settimeout(0.2)
        try:
            peek = sock.recv(1, socket.MSG_PEEK)
        except socket.timeout:
            return frames, False
        except ConnectionResetError:
            return frames, True
        if not peek:
            return frames, True


# ---- well-formed requests, encoded by hand ----------------------------------

def api_versions_v0(sock):
    """Sends ApiVersions v0; returns {api_key: (min, max)} from the answer."""
    cid = next_correlation()
    sock.sendall(frame(request_header(API_VERSIONS, 0, cid)))
    payload = read_frame(sock)
    assert payload is not None, "broker closed a healthy connection"
    got_cid, error, count = struct.unpack_from(">ihi", payload, 0)
    assert got_cid == cid and error == 0, (got_cid, cid, error)
    ranges = {}
    for i in range(count):
        key, lo, hi = struct.unpack_from(">hhh", payload, 10 + 6 * i)
        ranges[key] = (lo, hi)
    assert len(payload) == 10 + 6 * count, "trailing bytes in ApiVersions v0 answer"
    return ranges


def metadata_v1_brokers(sock):
    """Sends Metadata v1 for all topics; returns [(node_id, host, port)]."""
    cid = next_correlation()
    sock.sendall(frame(request_header(METADATA, 1, cid) + struct.pack(">i", -1)))
    payload = read_frame(sock)
    assert payload is not None, "broker closed a healthy connection"
    got_cid, count = struct.unpack_from(">ii", payload, 0)
    assert got_cid == cid
    pos, brokers = 8, []
    for _ in range(count):
        node_id, host_len = struct.unpack_from(">ih", payload, pos)
        pos += 6
        host = payload[pos:pos + host_len].decode()
        pos += host_len
        (port, rack_len) = struct.unpack_from(">ih", payload, pos)
        pos += 6 + max(rack_len, 0)
        brokers.append((node_id, host, port))
    return brokers


def assert_serving(tag):
    """Everyone else is still served: the long-lived raw connection, a new raw
    connection, and a real client producing and consuming one record."""
    assert BROKER.proc.poll() is None, f"broker died: {BROKER.output()}"
    assert 18 in api_versions_v0(HEALTHY)
    with connect() as s:
        assert metadata_v1_brokers(s) == [(0, "127.0.0.1", BROKER.port)]

    delivered = []
    value = f"after {tag}".encode()
    PRODUCER.produce("health", value=value,
                     on_delivery=lambda err, msg: delivered.append((err, msg.offset())))
    assert PRODUCER.flush(15) == 0, "producer could not deliver"
    [(err, offset)] = delivered
    assert err is None, err
    c = Consumer({"bootstrap.servers": BROKER.bootstrap, "group.id": "health",
                  "enable.auto.commit": False})
    try:
        c.assign([TopicPartition("health", 0, offset)])
        deadline = time.time() + 15
        msg = None
        while time.time() < deadline:
            msg = c.poll(0.5)
            if msg is not None and not msg.error():
                break
        assert msg is not None and not msg.error(), f"no record read back after {tag}"
        assert (msg.offset(), msg.value()) == (offset, value)
    finally:
        c.close()
    assert BROKER.proc.poll() is None, f"broker died: {BROKER.output()}"


# ---- the cases -----------------------------------------------------------

def test_truncated_frame_then_close():
    # Half of a Metadata request, then a full close: nothing to observe on
    # this socket, the broker just must not care.
    body = request_header(METADATA, 1, next_correlation()) + struct.pack(">i", -1)
    s = connect()
    s.sendall(struct.pack(">i", len(body)) + body[:7])
    s.close()
    # The same, but half-closed so that we see the broker close in turn.
    s = connect()
    s.sendall(struct.pack(">i", len(body)) + body[:7])
    s.shutdown(socket.SHUT_WR)
    expect_closed(s)
    # A frame cut inside the 4-byte length prefix.
    s = connect()
    s.sendall(b"\x00\x00")
    s.shutdown(socket.SHUT_WR)
    expect_closed(s)
    assert_serving("truncated frame then close")


def test_truncated_frames_that_hang_block_nobody():
    # More hanging connections than the broker has network threads, each with
    # a partial frame and the socket left open: a broker reading with blocking
    # calls would stall everyone.
    hanging = []
    for i in range(12):
        s = connect()
        body = request_header(API_VERSIONS, 0, next_correlation())
        s.sendall(struct.pack(">i", len(body) + 100) + body[: i % len(body)])
        hanging.append(s)
    # Also one that stops inside the length prefix.
    s = connect()
    s.sendall(b"\x00")
    hanging.append(s)
    assert_serving("truncated frames left hanging")
    # The hanging connections are neither answered nor closed: the broker is
    # waiting for the rest of their frames (until connections.max.idle.ms).
    for h in hanging:
        h.setblocking(False)
        try:
            data = h.recv(1)
            raise AssertionError(f"hanging connection got {data!r}")
        except BlockingIOError:
            pass
        h.close()
    # A client that sends its request one byte at a time is still answered.
    s = connect()
    cid = next_correlation()
    req = frame(request_header(API_VERSIONS, 0, cid))
    for i in range(len(req)):  # one byte at a time, like a very slow client
        s.sendall(req[i:i + 1])
    payload = read_frame(s)
    assert payload is not None and struct.unpack_from(">i", payload)[0] == cid
    s.close()
    assert_serving("slow client")


def test_negative_length_prefix():
    for n in (-1, -5, -0x80000000):
        s = connect()
        s.sendall(struct.pack(">i", n) + request_header(API_VERSIONS, 0, next_correlation()))
        expect_closed(s)
    assert_serving("negative length prefix")


def test_huge_length_prefix_is_closed():
    # Just over socket.request.max.bytes, and the largest int32: closed on
    # the prefix alone, without the broker waiting for (or buffering) a body.
    for n in (MAX_REQUEST_BYTES + 1, 100 * 1024 * 1024 + 1, 0x7FFFFFFF):
        s = connect()
        s.sendall(struct.pack(">i", n) + request_header(API_VERSIONS, 0, next_correlation()))
        expect_closed(s)
    # Exactly at the limit is accepted as a frame (then refused as a request:
    # ApiVersions v0 has no body, but this is a Metadata with 1 MiB of junk).
    s = connect()
    body = request_header(METADATA, 1, next_correlation())
    s.sendall(struct.pack(">i", MAX_REQUEST_BYTES) + body
              + struct.pack(">i", 1) + b"\x7f" * (MAX_REQUEST_BYTES - len(body) - 4))
    frames, closed = answered_or_closed(s)
    assert closed or frames, "no answer"
    s.close()
    assert_serving("huge length prefix")


def test_length_prefix_too_short_for_a_header():
    for n in range(0, 8):
        s = connect()
        s.sendall(struct.pack(">i", n) + b"\x00\x12\x00\x00\x00\x00\x00"[:n])
        expect_closed(s)
    assert_serving("length prefix 0..7")


def test_unknown_api_key():
    for key in (999, -1, 0x7FFF, 27):  # 27 = WriteTxnMarkers: inter-broker, not served
        s = connect()
        s.sendall(frame(request_header(key, 0, next_correlation()) + b"\x00" * 16))
        expect_closed(s)
    assert_serving("unknown api key")


def test_unsupported_version_of_a_known_api():
    ranges = api_versions_v0(HEALTHY)
    # Metadata v99 (and one below our minimum where there is one): Kafka closes.
    s = connect()
    s.sendall(frame(request_header(METADATA, 99, next_correlation()) + struct.pack(">i", -1)))
    expect_closed(s)
    s = connect()
    s.sendall(frame(request_header(METADATA, -1, next_correlation()) + struct.pack(">i", -1)))
    expect_closed(s)
    fetch_min = ranges[1][0]
    assert fetch_min > 0
    s = connect()
    s.sendall(frame(request_header(1, fetch_min - 1, next_correlation()) + b"\x00" * 40))
    expect_closed(s)

    # ApiVersions v99 is answered in the v0 layout with UNSUPPORTED_VERSION and
    # our ApiVersions range only (KIP-511), so a client can retry lower; the
    # body (here a v3-style flexible header tail) is not parsed.
    lo, hi = ranges[API_VERSIONS]
    assert (lo, hi) == (0, 3), ranges[API_VERSIONS]
    s = connect()
    cid = 0x01020304
    s.sendall(frame(request_header(API_VERSIONS, 99, cid) + b"\x00\x07garbage\x00"))
    expected = (struct.pack(">i", 16)  # size of what follows
                + struct.pack(">i", cid)  # response header v0: correlation id
                + struct.pack(">h", UNSUPPORTED_VERSION)  # error_code
                + struct.pack(">i", 1)  # api_keys: one entry
                + struct.pack(">hhh", API_VERSIONS, 0, 3))
    got = read_exact(s, len(expected), time.time() + ANSWER_TIMEOUT)
    assert got == expected, (got.hex() if got else got, expected.hex())
    assert expected.hex() == "0000001001020304002300000001001200000003"
    # The connection stays usable: the retry at v0 is answered normally.
    assert api_versions_v0(s) == ranges
    s.close()
    assert_serving("unsupported version")


def test_header_and_body_lengths_past_the_frame():
    cases = [
        # client_id length 500 with 9 bytes of it in the frame
        struct.pack(">hhih", METADATA, 1, next_correlation(), 500) + b"bad-input",
        # client_id length 0x7fff, nothing after it
        struct.pack(">hhih", API_VERSIONS, 0, next_correlation(), 0x7FFF),
        # client_id length negative but not -1 (null)
        struct.pack(">hhih", METADATA, 1, next_correlation(), -7) + b"x" * 8,
        # client_id cut inside its own length
        struct.pack(">hhi", METADATA, 1, next_correlation()) + b"\x00",
        # Metadata v1 topics array of 1,000,000 entries and no entries present
        request_header(METADATA, 1, next_correlation()) + struct.pack(">i", 1000000),
        # Metadata v1 one topic whose name length runs past the frame
        request_header(METADATA, 1, next_correlation()) + struct.pack(">ih", 1, 3000) + b"abc",
        # CreateTopics v0 with a negative array count other than null
        request_header(19, 0, next_correlation()) + struct.pack(">i", -50) + b"\x00" * 8,
        # Produce v3 whose records bytes claim more than the frame holds
        request_header(0, 3, next_correlation()) + struct.pack(">hhii", -1, 1, 5000, 1)
        + struct.pack(">h", 6) + b"health" + struct.pack(">iii", 1, 0, 1 << 30) + b"\x00" * 20,
    ]
    for payload in cases:
        s = connect()
        s.sendall(frame(payload))
        expect_closed(s)
    assert_serving("lengths past the frame")


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def zigzag(v):
    u = (v << 1) ^ (v >> 63)
    out = b""
    while True:
        if u < 0x80:
            return out + bytes([u])
        out += bytes([(u & 0x7F) | 0x80])
        u >>= 7


def kstr(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b


def record_batch(values, timestamp=1700000000000):
    """An uncompressed RecordBatch v2 (layout in src/protocol/record_batch.h)."""
    records = b""
    for i, v in enumerate(values):
        body = b"\x00" + zigzag(0) + zigzag(i) + zigzag(-1) + zigzag(len(v)) + v + zigzag(0)
        records += zigzag(len(body)) + body
    after_crc = struct.pack(">hiqqqhii", 0, len(values) - 1, timestamp, timestamp, -1, -1, -1,
                            len(values)) + records
    rest = struct.pack(">ibI", -1, 2, crc32c(after_crc)) + after_crc
    return struct.pack(">qi", 0, len(rest)) + rest


def seed_requests():
    """Well-formed requests (header + body) that the random frames mutate."""
    batch = record_batch([b"fuzz-1", b"fuzz-2"])
    return [
        request_header(API_VERSIONS, 0, 1, b"fz"),
        request_header(METADATA, 1, 2, b"fz") + struct.pack(">i", 2) + kstr("health")
        + kstr("fz-topic"),
        request_header(0, 3, 3, b"fz") + struct.pack(">hhii", -1, 1, 5000, 1) + kstr("health")
        + struct.pack(">iii", 1, 0, len(batch)) + batch,
        request_header(2, 1, 4, b"fz") + struct.pack(">ii", -1, 1) + kstr("health")
        + struct.pack(">iiq", 1, 0, -1),
        request_header(10, 0, 5, b"fz") + kstr("fz-group"),
        request_header(9, 1, 6, b"fz") + kstr("fz-group") + struct.pack(">i", 1) + kstr("health")
        + struct.pack(">ii", 1, 0),
        request_header(19, 0, 7, b"fz") + struct.pack(">i", 1) + kstr("fz-created")
        + struct.pack(">ihiii", 1, 1, 0, 0, 5000),
        request_header(32, 0, 8, b"fz") + struct.pack(">ib", 1, 2) + kstr("health")
        + struct.pack(">i", -1),
    ]


def mutate(rng, payload):
    """1-2 random edits past the api key and version: flipped bytes, a
    random int32 written somewhere, a cut, or random bytes appended."""
    b = bytearray(payload)
    for _ in range(rng.randint(1, 2)):
        kind = rng.randrange(4)
        if kind == 0 and len(b) > 4:
            b[rng.randrange(4, len(b))] ^= 1 << rng.randrange(8)
        elif kind == 1 and len(b) > 8:
            at = rng.randrange(4, len(b) - 3)
            value = rng.choice([0, -1, 1, 0x7FFFFFFF, -0x80000000, rng.randint(-1000, 1000)])
            b[at:at + 4] = struct.pack(">i", value)
        elif kind == 2 and len(b) > 9:
            del b[rng.randrange(8, len(b)):]
        else:
            b += rng.randbytes(rng.randint(1, 20))
    return bytes(b)


def test_random_frames_with_valid_length_prefixes():
    # Every seed, unmutated, is a request the broker answers.
    for payload in seed_requests():
        with connect() as s:
            s.sendall(frame(payload))
            frames, closed = answered_or_closed(s)
            assert frames and not closed, f"seed request {payload[:4].hex()} not answered"
            assert struct.unpack_from(">i", frames[0])[0] == struct.unpack_from(">i", payload, 4)[0]

    rng = random.Random(20261125)
    seeds = seed_requests()
    answered = closed = 0
    for i in range(200):
        if i % 2 == 0:
            payload = mutate(rng, rng.choice(seeds))  # near-valid requests
        else:
            payload = rng.randbytes(rng.randint(8, 2000))  # pure noise
        s = connect()
        # A well-formed ApiVersions after the random frame: if the random one
        # is answered (or needs no answer, like a Produce with acks=0), this
        # one is answered too, in order; otherwise the broker closes.
        cid = next_correlation()
        s.sendall(frame(payload) + frame(request_header(API_VERSIONS, 0, cid)))
        frames, was_closed = answered_or_closed(s)
        if not was_closed:
            while not frames or struct.unpack_from(">i", frames[-1])[0] != cid:
                more = read_frame(s)
                assert more is not None, f"frame {i}: closed after a partial answer"
                frames.append(more)
            answered += 1
        else:
            closed += 1
        s.close()
        if i % 50 == 49:
            assert 18 in api_versions_v0(HEALTHY)
            assert BROKER.proc.poll() is None, f"broker died at random frame {i}"
    print(f"  random frames: {answered} answered, {closed} closed", flush=True)
    # Both outcomes occur, so both the refusal and the handler paths ran.
    assert answered > 0 and closed > 0
    assert_serving("random frames")


def test_random_byte_streams():
    rng = random.Random(7)
    for i in range(50):
        data = rng.randbytes(rng.randint(1, 5000))
        s = connect()
        try:
            s.sendall(data)
            # Our EOF ends any frame the random prefix left waiting for bytes.
            s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            s.close()  # closed on the prefix while we were still sending
            continue
        frames, was_closed = answered_or_closed(s)
        assert was_closed, f"stream {i}: broker kept a half-closed connection open"
        s.close()
    assert_serving("random byte streams")


def check_log():
    with open(BROKER.log_path, "rb") as f:
        log = f.read().decode(errors="replace")
    # Lines are "<time> <level> [<component>] <message>": bad input is worth a
    # warning at most; an error or critical line means something broke.
    for line in log.splitlines():
        fields = line.split(None, 2)
        assert len(fields) < 2 or fields[1] not in ("error", "critical"), line
    for needle in ("threw", "terminate called", "Sanitizer", "runtime error", "Segmentation"):
        assert needle not in log, f"broker log contains {needle!r}:\n{log[-6000:]}"
    # The broker did see and refuse the bad input.
    assert "unknown api key 999" in log and "is negative" in log, log[-6000:]


def test_broker_still_healthy_and_stops_cleanly():
    global PRODUCER
    assert BROKER.proc.poll() is None
    assert_serving("all cases")
    PRODUCER = None  # disconnect the clients before the broker goes
    HEALTHY.close()
    BROKER.stop()  # SIGTERM; raises unless the broker exits 0
    check_log()


def main():
    global BROKER, HEALTHY, PRODUCER
    BROKER = Broker(extra={"socket.request.max.bytes": MAX_REQUEST_BYTES})
    try:
        BROKER.start()
        HEALTHY = connect()
        PRODUCER = Producer({"bootstrap.servers": BROKER.bootstrap, "acks": "all",
                             "linger.ms": 0})
        assert_serving("start")
        run_tests([
            test_truncated_frame_then_close,
            test_truncated_frames_that_hang_block_nobody,
            test_negative_length_prefix,
            test_huge_length_prefix_is_closed,
            test_length_prefix_too_short_for_a_header,
            test_unknown_api_key,
            test_unsupported_version_of_a_known_api,
            test_header_and_body_lengths_past_the_frame,
            test_random_frames_with_valid_length_prefixes,
            test_random_byte_streams,
            test_broker_still_healthy_and_stops_cleanly,
        ])
    except SystemExit as e:
        if e.code:
            sys.stderr.write(f"--- broker log ---\n{BROKER.output()}\n")
        raise
    except BaseException:
        sys.stderr.write(f"--- broker log ---\n{BROKER.output()}\n")
        raise
    finally:
        BROKER.cleanup()


if __name__ == "__main__":
    main()
