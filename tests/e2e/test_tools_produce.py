"""`clickstream produce` through the binary against a `clickstream broker`
process, read back with kcat: stdin and --file, CSV with --key-field, Kafka's
parse.key / parse.headers, a record the broker rejects (exit 1 and the
summary), the seeds' producer.properties unchanged, Ctrl-C, and an
unreachable broker."""

import os
import signal
import subprocess
import tempfile
import time

from harness import BINARY, Broker, run_tests


def produce(broker, *args, stdin=b"", timeout=60):
    cmd = [BINARY, "produce", "--bootstrap-server", broker.bootstrap, *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout)


def consume(broker, topic, fmt="%k|%s\\n", count=None):
    cmd = ["kcat", "-C", "-b", broker.bootstrap, "-t", topic, "-e", "-q", "-f", fmt]
    if count is not None:
        cmd += ["-c", str(count)]
    res = subprocess.run(cmd, capture_output=True, timeout=60)
    assert res.returncode == 0, res.stderr.decode()
    return res.stdout.decode()


def test_stdin_with_parse_key_and_headers():
    with Broker() as b:
        lines = b"source:web,trace:1\tuser1\t{\"n\":1}\nsource:app\tuser2\t{\"n\":2}\n"
        res = produce(b, "--topic", "kh", "--property", "parse.key=true",
                      "--property", "parse.headers=true", stdin=lines)
        assert res.returncode == 0, res.stderr.decode()
        assert "topic kh: 2 delivered, 0 failed" in res.stderr.decode(), res.stderr.decode()
        out = consume(b, "kh", fmt="%h|%k|%s\\n")
        assert out.splitlines() == ['source=web,trace=1|user1|{"n":1}',
                                    'source=app|user2|{"n":2}'], out


def test_file_csv_with_key_field():
    with Broker(extra={"num.partitions": 3}) as b, tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "clicks.csv")
        with open(path, "w", newline="") as f:
            f.write("timestamp,user_id,url,device_id\r\n")
            for i in range(300):
                f.write(f"2024-01-01T00:00:{i % 60:02d}Z,u{i % 17},\"/p?a={i},b\",d{i % 5}\r\n")
        res = produce(b, "--topic", "csv", "--file", path, "--format", "csv",
                      "--key-field", "user_id")
        assert res.returncode == 0, res.stderr.decode()
        assert "300 delivered, 0 failed" in res.stderr.decode()
        out = consume(b, "csv").splitlines()
        assert len(out) == 300, len(out)
        first = sorted(out, key=lambda l: l.split("|")[1])
        assert 'u0|{"timestamp":"2024-01-01T00:00:00Z","user_id":"u0","url":"/p?a=0,b","device_id":"d0"}' in first


def test_json_lines_bad_line_is_reported_and_counted():
    with Broker() as b:
        res = produce(b, "--topic", "js", "--format", "json",
                      stdin=b'{"a":1}\n{"a":\n{"a":3}\n')
        err = res.stderr.decode()
        assert res.returncode == 1, err
        assert "stdin line 2: not valid JSON" in err, err
        assert "2 delivered, 1 failed (malformed input: 1)" in err, err
        assert consume(b, "js", fmt="%s\\n").splitlines() == ['{"a":1}', '{"a":3}']


def test_lost_record_exits_1_with_summary():
    with Broker(extra={"message.max.bytes": 1000}) as b:
        data = b"ok\n" + b"x" * 3000 + b"\nok again\n"
        # One record per batch: the broker rejects whole batches.
        res = produce(b, "--topic", "small", "--producer-property", "batch.num.messages=1",
                      stdin=data)
        err = res.stderr.decode()
        assert res.returncode == 1, err
        assert "topic small: 2 delivered, 1 failed (Broker: Message size too large: 1)" in err, err


def test_seeds_producer_properties_unchanged():
    with Broker() as b, tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "producer.properties")
        with open(path, "w") as f:
            f.write("bootstrap.servers=kafka1:9092,kafka2:9092\n"
                    "acks=all\n"
                    "compression.type=snappy\n"
                    "batch.size=32768\n"
                    "linger.ms=10\n"
                    "buffer.memory=67108864\n"
                    "key.serializer=org.apache.kafka.common.serialization.StringSerializer\n"
                    "value.serializer=org.apache.kafka.common.serialization.StringSerializer\n"
                    "max.request.size=1048576\n"
                    "retries=3\n")
        # --bootstrap-server overrides the file's kafka1:9092, as in Kafka's tool.
        lines = [f"click {i} " + "x" * 100 for i in range(200)]  # compressible
        res = produce(b, "--topic", "seeds", "--producer.config", path,
                      stdin=("\n".join(lines) + "\n").encode())
        assert res.returncode == 0, res.stderr.decode()
        assert consume(b, "seeds", fmt="%s\\n").splitlines() == lines
        # The file's compression.type=snappy was applied (librdkafka sends a
        # batch uncompressed only when compression does not make it smaller).
        assert 2 in set(b.stored_codecs("seeds")), b.stored_codecs("seeds")


def test_ctrl_c_flushes_and_prints_the_summary():
    with Broker() as b:
        proc = subprocess.Popen([BINARY, "produce", "--bootstrap-server", b.bootstrap,
                                 "--topic", "intr"],
                                stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdin.write(b"one\ntwo\nthree\n")
        proc.stdin.flush()
        # The lines are read and sent while stdin stays open.
        deadline = time.time() + 30
        while time.time() < deadline:
            # The topic may not exist yet (kcat -C then fails): poll until it does.
            res = subprocess.run(["kcat", "-C", "-b", b.bootstrap, "-t", "intr", "-e", "-q",
                                  "-f", "%s\\n"], capture_output=True, timeout=60)
            if res.returncode == 0 and res.stdout.decode().splitlines() == ["one", "two", "three"]:
                break
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        proc.stdin.close()
        err = err.decode()
        assert proc.returncode == 130, (proc.returncode, err)
        assert "topic intr: 3 delivered, 0 failed; interrupted" in err, err


def test_unreachable_broker_fails_within_seconds():
    start = time.time()
    res = subprocess.run([BINARY, "produce", "--bootstrap-server", "127.0.0.1:1", "--topic", "t"],
                         input=b"a\n", capture_output=True, timeout=30)
    assert res.returncode == 1
    assert "no Kafka broker answered at 127.0.0.1:1" in res.stderr.decode(), res.stderr.decode()
    assert time.time() - start < 10


if __name__ == "__main__":
    run_tests([
        test_stdin_with_parse_key_and_headers,
        test_file_csv_with_key_field,
        test_json_lines_bad_line_is_reported_and_counted,
        test_lost_record_exits_1_with_summary,
        test_seeds_producer_properties_unchanged,
        test_ctrl_c_flushes_and_prints_the_summary,
        test_unreachable_broker_fails_within_seconds,
    ])
