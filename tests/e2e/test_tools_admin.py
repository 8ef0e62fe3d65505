"""`clickstream topics` and `clickstream groups` as a user runs them: the binary
against a `clickstream broker` process, with Kafka's flags, checking output
and exit codes. Records come from kcat; the consumer group from
python3-confluent-kafka."""

import os
import subprocess
import tempfile
import time

from confluent_kafka import Consumer

from harness import BINARY, Broker, run_tests


def cs(*args, timeout=60, env=None):
    res = subprocess.run([BINARY, *args], capture_output=True, timeout=timeout, env=env)
    return res.returncode, res.stdout.decode(), res.stderr.decode()


def ok(*args):
    code, out, err = cs(*args)
    assert code == 0, f"{' '.join(args)} exited {code}: {err}"
    return out, err


def produce(b, topic, partition, count):
    data = "".join(f"v{i}\n" for i in range(count)).encode()
    subprocess.run(["kcat", "-b", b.bootstrap, "-P", "-t", topic, "-p", str(partition)],
                   input=data, check=True, timeout=60)


def consume_and_commit(b, group, topic, count):
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": group, "client.id": "e2e-client",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    got = 0
    deadline = time.time() + 30
    while got < count and time.time() < deadline:
        got += len([m for m in c.consume(num_messages=100, timeout=0.5) if not m.error()])
    assert got == count, f"consumed {got} of {count}"
    c.commit(asynchronous=False)
    return c


def test_topics_every_action():
    with Broker() as b:
        bs = ["--bootstrap-server", b.bootstrap]
        out, _ = ok("topics", *bs, "--create", "--topic", "clicks", "--partitions", "3",
                    "--replication-factor", "1", "--config", "retention.ms=60000")
        assert out == "Created topic clicks.\n", out

        code, _, err = cs("topics", *bs, "--create", "--topic", "clicks", "--partitions", "3")
        assert code == 1 and "Topic 'clicks' already exists" in err, err
        ok("topics", *bs, "--create", "--topic", "clicks", "--partitions", "3", "--if-not-exists")

        code, _, err = cs("topics", *bs, "--create", "--topic", "rf3", "--replication-factor", "3")
        assert code == 1 and "cannot create topic 'rf3': " in err, err

        out, _ = ok("topics", *bs, "--list")
        assert out.splitlines() == ["__consumer_offsets", "clicks"], out
        out, _ = ok("topics", *bs, "--list", "--exclude-internal")
        assert out.splitlines() == ["clicks"], out

        out, _ = ok("topics", *bs, "--describe", "--topic", "clicks")
        lines = out.splitlines()
        assert lines[0] == ("Topic: clicks\tPartitionCount: 3\tReplicationFactor: 1\t"
                            "Configs: retention.ms=60000"), lines
        assert lines[1] == "\tTopic: clicks\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0", lines
        assert len(lines) == 4, lines

        ok("topics", *bs, "--alter", "--topic", "clicks", "--partitions", "5")
        out, _ = ok("topics", *bs, "--describe", "--topic", "clicks")
        assert "PartitionCount: 5\t" in out, out
        code, _, err = cs("topics", *bs, "--alter", "--topic", "clicks", "--partitions", "2")
        assert code == 1 and "cannot alter topic 'clicks'" in err, err

        ok("topics", *bs, "--delete", "--topic", "clicks")
        out, _ = ok("topics", *bs, "--list")
        assert "clicks" not in out.splitlines(), out

        code, _, err = cs("topics", *bs, "--describe", "--topic", "nope")
        assert code == 1 and "Topic 'nope' does not exist" in err, err
        code, _, err = cs("topics", *bs, "--delete", "--topic", "nope")
        assert code == 1 and "Topic 'nope' does not exist" in err, err
        ok("topics", *bs, "--delete", "--topic", "nope", "--if-exists")

        # Usage errors: exit 2.
        code, _, err = cs("topics", *bs, "--list", "--describe")
        assert code == 2 and "exactly one action" in err, err


def test_topics_bootstrap_from_command_config_and_environment():
    with Broker() as b:
        with tempfile.NamedTemporaryFile("w", suffix=".properties", delete=False) as f:
            f.write(f"bootstrap.servers={b.bootstrap}\n")
        try:
            ok("topics", "--command-config", f.name, "--create", "--topic", "t1")
        finally:
            os.unlink(f.name)
        env = dict(os.environ, CLICKSTREAM_BOOTSTRAP_SERVERS=b.bootstrap)
        code, out, err = cs("topics", "--list", "--exclude-internal", env=env)
        assert code == 0 and out == "t1\n", (code, out, err)


def test_groups_every_action():
    with Broker() as b:
        bs = ["--bootstrap-server", b.bootstrap]
        ok("topics", *bs, "--create", "--topic", "clicks", "--partitions", "2")
        produce(b, "clicks", 0, 6)
        produce(b, "clicks", 1, 4)
        c = consume_and_commit(b, "readers", "clicks", 10)
        try:
            out, _ = ok("groups", *bs, "--list")
            assert out.splitlines() == ["readers"], out

            out, _ = ok("groups", *bs, "--describe", "--group", "readers")
            lines = out.splitlines()
            assert lines[0] == "", lines
            assert lines[1].split() == ["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET",
                                        "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST",
                                        "CLIENT-ID"], lines
            rows = sorted(l.split() for l in lines[2:])
            assert [r[:6] for r in rows] == [["readers", "clicks", "0", "6", "6", "0"],
                                             ["readers", "clicks", "1", "4", "4", "0"]], rows
            assert all(r[8] == "e2e-client" and r[6] != "-" for r in rows), rows

            code, _, err = cs("groups", *bs, "--delete", "--group", "readers")
            assert code == 1 and "The group is not empty." in err, err
            code, _, err = cs("groups", *bs, "--reset-offsets", "--group", "readers", "--topic",
                              "clicks", "--to-earliest", "--execute")
            assert code == 1 and "the current state is Stable" in err, err
        finally:
            c.close()

        code, out, err = cs("groups", *bs, "--describe", "--group", "readers")
        assert code == 0 and "Consumer group 'readers' has no active members." in err, err
        assert "readers" in out and " - " in out, out

        out, err = ok("groups", *bs, "--reset-offsets", "--group", "readers", "--topic",
                      "clicks:0", "--to-earliest")
        assert "WARN: No action will be performed" in err, err
        assert out.splitlines()[1:] == [
            "GROUP                          TOPIC                          PARTITION  NEW-OFFSET     ",
            "readers                        clicks                         0          0              "], out
        out, _ = ok("groups", *bs, "--reset-offsets", "--group", "readers", "--all-topics",
                    "--shift-by", "-2", "--execute")
        assert [l.split()[2:] for l in out.splitlines()[2:]] == [["0", "4"], ["1", "2"]], out
        ok("groups", *bs, "--reset-offsets", "--group", "readers", "--topic", "clicks",
           "--to-offset", "1", "--execute")
        ok("groups", *bs, "--reset-offsets", "--group", "readers", "--topic", "clicks",
           "--to-datetime", "2000-01-01T00:00:00.000", "--dry-run")
        ok("groups", *bs, "--reset-offsets", "--group", "readers", "--topic", "clicks",
           "--to-latest", "--execute")
        out, _ = ok("groups", *bs, "--describe", "--group", "readers")
        rows = sorted(l.split() for l in out.splitlines()[2:])
        assert [r[3] for r in rows] == ["6", "4"], rows

        out, _ = ok("groups", *bs, "--delete", "--group", "readers")
        assert out == "Deletion of requested consumer groups ('readers') was successful.\n", out

        code, _, err = cs("groups", *bs, "--describe", "--group", "readers")
        assert code == 1 and "Consumer group 'readers' does not exist." in err, err


def test_unreachable_broker_is_a_clear_error_within_seconds():
    for tool in (["topics", "--list"], ["groups", "--list"]):
        start = time.time()
        code, _, err = cs(*tool, "--bootstrap-server", "127.0.0.1:1", timeout=30)
        elapsed = time.time() - start
        assert code == 1, (code, err)
        assert "no Kafka broker answered at 127.0.0.1:1" in err, err
        assert elapsed < 15, elapsed


if __name__ == "__main__":
    run_tests([
        test_topics_every_action,
        test_topics_bootstrap_from_command_config_and_environment,
        test_groups_every_action,
        test_unreachable_broker_is_a_clear_error_within_seconds,
    ])
