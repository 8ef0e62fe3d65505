"""`clickstream consume` through the binary against a `clickstream broker`
process: output byte-for-byte in the format of Kafka's DefaultMessageFormatter
(the expected text is built from kcat's independent JSON view of the same
records), --formatter json, SIGINT committing what was printed, the seeds'
Java consumer.properties via --consumer.config, and clear errors."""

import json
import os
import signal
import subprocess
import tempfile
import time

from harness import BINARY, Broker, run_tests


def kcat(broker, *args, stdin=None):
    res = subprocess.run(["kcat", "-b", broker.bootstrap, *args], input=stdin,
                         capture_output=True, timeout=60)
    assert res.returncode == 0, res.stderr.decode()
    return res.stdout.decode()


def consume(broker, *args, timeout=60, bootstrap=True):
    cmd = [BINARY, "consume", *args]
    if bootstrap:
        cmd[2:2] = ["--bootstrap-server", broker.bootstrap]
    return subprocess.run(cmd, capture_output=True, timeout=timeout)


def kcat_records(broker, topic):
    out = kcat(broker, "-C", "-t", topic, "-e", "-o", "beginning", "-J")
    return [json.loads(line) for line in out.splitlines()]


def kafka_format(rec, props):
    """DefaultMessageFormatter.writeTo, from Kafka's source, for one kcat -J record."""
    p = {"print.timestamp": False, "print.partition": False, "print.offset": False,
         "print.headers": False, "print.key": False, "print.value": True,
         "key.separator": "\t", "line.separator": "\n", "headers.separator": ",",
         "null.literal": "null"}
    for k, v in props.items():
        p[k] = v.strip().lower() == "true" if k.startswith("print.") else v
    fields = []
    if p["print.timestamp"]:
        kind = {"create": "CreateTime", "logappend": "LogAppendTime"}[rec["tstype"]]
        fields.append(f"{kind}:{rec['ts']}")
    if p["print.partition"]:
        fields.append(f"Partition:{rec['partition']}")
    if p["print.offset"]:
        fields.append(f"Offset:{rec['offset']}")
    if p["print.headers"]:
        h = rec.get("headers") or []
        pairs = [f"{h[i]}:{p['null.literal'] if h[i + 1] is None else h[i + 1]}"
                 for i in range(0, len(h), 2)]
        fields.append(p["headers.separator"].join(pairs) if pairs else "NO_HEADERS")
    if p["print.key"]:
        fields.append(p["null.literal"] if rec["key"] is None else rec["key"])
    if p["print.value"]:
        fields.append(p["null.literal"] if rec["payload"] is None else rec["payload"])
    return p["key.separator"].join(fields) + p["line.separator"]


def fill(broker, topic, n, with_headers=True):
    lines = "".join(f"user{i % 3}:{{\"n\":{i},\"url\":\"/p/{i}\"}}\n" for i in range(n))
    args = ["-P", "-t", topic, "-K:"]
    if with_headers:
        args += ["-H", "source=web", "-H", "trace=t1"]
    kcat(broker, *args, stdin=lines.encode())


def test_default_format_and_every_property_match_kafka():
    with Broker() as b:
        fill(b, "fmt", 20)
        kcat(b, "-P", "-t", "fmt", stdin=b"no-key-no-headers\n")
        records = kcat_records(b, "fmt")
        assert len(records) == 21
        cases = [
            {},
            {"print.key": "true"},
            {"print.timestamp": "true", "print.partition": "true", "print.offset": "true",
             "print.headers": "true", "print.key": "true"},
            {"print.value": "false", "print.key": "true", "print.offset": "true",
             "key.separator": " | ", "line.separator": "\r\n"},
            {"print.headers": "true", "headers.separator": ";", "null.literal": "NULL",
             "print.key": "True"},
        ]
        for props in cases:
            args = ["--topic", "fmt", "--from-beginning", "--max-messages", "21"]
            for k, v in props.items():
                args += ["--property", f"{k}={v}"]
            res = consume(b, *args)
            assert res.returncode == 0, res.stderr.decode()
            expected = "".join(kafka_format(r, props) for r in records)
            assert res.stdout.decode() == expected, (props, res.stdout.decode()[:300])
            assert "Processed a total of 21 messages" in res.stderr.decode()


def test_json_formatter_carries_every_field():
    with Broker() as b:
        fill(b, "js", 10)
        records = kcat_records(b, "js")
        res = consume(b, "--topic", "js", "--from-beginning", "--max-messages", "10",
                      "--formatter", "json")
        assert res.returncode == 0, res.stderr.decode()
        lines = res.stdout.decode().splitlines()
        assert len(lines) == 10
        for line, rec in zip(lines, records):
            got = json.loads(line)
            assert got == {
                "topic": "js", "partition": rec["partition"], "offset": rec["offset"],
                "timestamp": rec["ts"], "timestampType": "CreateTime", "key": rec["key"],
                "value": rec["payload"],
                "headers": [{"key": "source", "value": "web"}, {"key": "trace", "value": "t1"}],
            }, line
            # The value is embedded as a string, not as parsed JSON.
            assert isinstance(got["value"], str)


def test_sigint_commits_what_was_printed_and_leaves_the_group():
    with Broker() as b:
        fill(b, "sig", 5, with_headers=False)
        proc = subprocess.Popen([BINARY, "consume", "--bootstrap-server", b.bootstrap,
                                 "--topic", "sig", "--group", "sig-group", "--from-beginning"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        got = [proc.stdout.readline() for _ in range(5)]
        assert all(g for g in got), got
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err.decode()
        assert "Processed a total of 5 messages" in err.decode(), err.decode()
        # The group continues after the five printed records.
        kcat(b, "-P", "-t", "sig", "-K:", stdin=b"late:first\nlate:second\n")
        start = time.time()
        res = consume(b, "--topic", "sig", "--group", "sig-group", "--max-messages", "2")
        assert res.returncode == 0, res.stderr.decode()
        assert res.stdout.decode() == "first\nsecond\n", res.stdout.decode()
        # The first member left on SIGINT: no wait for its session to expire.
        assert time.time() - start < 9, time.time() - start


def test_seeds_consumer_properties_and_bootstrap_precedence():
    seeds = ("# consumer.properties\n\nbootstrap.servers=kafka1:9092,kafka2:9092\n"
             "group.id=clickstream-consumer\nenable.auto.commit=false\n"
             "auto.offset.reset=latest\nfetch.min.bytes=1048576\nmax.poll.records=500\n"
             "key.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n"
             "value.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n"
             "heartbeat.interval.ms=3000\nsession.timeout.ms=10000\n"
             "partition.assignment.strategy=org.apache.kafka.clients.consumer."
             "CooperativeStickyAssignor\n")
    with Broker() as b, tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "consumer.properties")
        with open(path, "w") as f:
            f.write(seeds)
        fill(b, "seeded", 4, with_headers=False)
        # --bootstrap-server wins over the file's bootstrap.servers (as in Kafka).
        res = consume(b, "--topic", "seeded", "--consumer.config", path,
                      "--consumer-property", "auto.offset.reset=earliest",
                      "--max-messages", "4")
        assert res.returncode == 0, res.stderr.decode()
        assert len(res.stdout.decode().splitlines()) == 4
        # --from-beginning against the file's auto.offset.reset=latest: Kafka's error.
        res = consume(b, "--topic", "seeded", "--consumer.config", path, "--from-beginning")
        assert res.returncode == 1
        assert "--from-beginning and 'auto.offset.reset=latest'" in res.stderr.decode()
        # Without the flag the file's (unresolvable) brokers are used: a clear error.
        env = dict(os.environ)
        env.pop("CLICKSTREAM_BOOTSTRAP_SERVERS", None)
        start = time.time()
        res = subprocess.run([BINARY, "consume", "--topic", "seeded", "--consumer.config", path],
                             capture_output=True, timeout=60, env=env)
        assert res.returncode == 1
        assert "no Kafka broker answered at kafka1:9092,kafka2:9092" in res.stderr.decode(), \
            res.stderr.decode()
        assert time.time() - start < 15


def test_errors_are_clear():
    with Broker() as b:
        fill(b, "exists", 1, with_headers=False)
        res = consume(b, "--topic", "missing", "--timeout-ms", "1000")
        assert res.returncode == 1
        assert 'clickstream consume: error: topic "missing" does not exist' in res.stderr.decode()
        res = consume(b, "--topic", "exists", "--offset", "3")
        assert res.returncode == 2
        assert "the partition is required when offset is specified" in res.stderr.decode()
        res = consume(b, "--topic", "exists", "--partition", "0", "--offset", "0",
                      "--timeout-ms", "1000")
        assert res.returncode == 0 and res.stdout.decode().count("\n") == 1, res.stderr.decode()
    res = subprocess.run([BINARY, "consume", "--bootstrap-server", "127.0.0.1:1", "--topic", "x"],
                         capture_output=True, timeout=30)
    assert res.returncode == 1
    assert "no Kafka broker answered at 127.0.0.1:1" in res.stderr.decode()


if __name__ == "__main__":
    run_tests([
        test_default_format_and_every_property_match_kafka,
        test_json_formatter_carries_every_field,
        test_sigint_commits_what_was_printed_and_leaves_the_group,
        test_seeds_consumer_properties_and_bootstrap_precedence,
        test_errors_are_clear,
    ])
