"""Log compaction (cleanup.policy=compact) seen from real clients: a topic
keyed like a dimension table keeps the latest value per key, tombstones
delete keys, and __consumer_offsets keeps the latest commit of a group
across a restart after being compacted."""

import subprocess
import time

from confluent_kafka import Consumer, Producer, TopicPartition

from harness import BINARY, Broker, run_tests


def broker_log(b):
    with open(b.log_path, "rb") as f:
        return f.read().decode(errors="replace")


def create_compacted(b, topic):
    res = subprocess.run([BINARY, "topics", "--bootstrap-server", b.bootstrap, "--create",
                          "--topic", topic, "--partitions", "1",
                          "--config", "cleanup.policy=compact",
                          "--config", "segment.bytes=2048",
                          "--config", "min.cleanable.dirty.ratio=0.01"],
                         capture_output=True, timeout=60)
    assert res.returncode == 0, res.stderr.decode()


def read_all(b, topic):
    """Every (offset, key, value) of partition 0 from the log start to the end."""
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "reader",
                  "enable.auto.commit": False})
    low, high = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    c.assign([TopicPartition(topic, 0, low)])
    out = []
    deadline = time.time() + 30
    while time.time() < deadline and (not out or out[-1][0] < high - 1):
        for m in c.consume(num_messages=500, timeout=0.5):
            assert not m.error(), m.error()
            out.append((m.offset(), m.key().decode(), None if m.value() is None else m.value().decode()))
    c.close()
    return out, high


def test_latest_value_per_key_survives():
    with Broker() as b:
        create_compacted(b, "users")
        p = Producer({"bootstrap.servers": b.bootstrap, "linger.ms": 0, "batch.num.messages": 10})
        latest = {}
        for rnd in range(40):
            for k in range(25):
                key, value = f"user-{k}", f"name-{k}-{rnd}"
                p.produce("users", key=key, value=value)
                latest[key] = value
            p.flush(10)
        p.produce("users", key="user-3", value=None)  # tombstone: user-3 deleted
        latest["user-3"] = None
        p.flush(10)
        # Roll once more so the tombstone's segment is cleanable.
        for k in range(60):
            p.produce("users", key=f"filler-{k}", value="x" * 64)
        p.flush(10)

        deadline = time.time() + 60
        while True:
            records, high = read_all(b, "users")
            if len(records) < 400 or time.time() > deadline:
                break
            time.sleep(1)
        assert len(records) < 400, f"not compacted: {len(records)} records, log:\n{b.output()}"
        assert "users-0: compacted" in broker_log(b)
        final = {}
        for off, key, value in records:
            final[key] = value
        for key, value in latest.items():
            assert final.get(key) == value, (key, final.get(key), value)
        offsets = [r[0] for r in records]
        assert offsets == sorted(offsets) and records[-1][0] == high - 1


def test_group_offsets_survive_compaction_and_restart():
    b = Broker(extra={"offsets.topic.segment.bytes": 4096, "offsets.topic.num.partitions": 1})
    try:
        b.start()
        p = Producer({"bootstrap.servers": b.bootstrap})
        for i in range(300):
            p.produce("clicks", value=f"c{i}")
        p.flush(10)
        c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "dash",
                      "enable.auto.commit": False})
        for i in range(1, 301):
            c.commit(offsets=[TopicPartition("clicks", 0, i)], asynchronous=False)
        c.close()
        deadline = time.time() + 60
        while "__consumer_offsets-0: compacted" not in broker_log(b) and time.time() < deadline:
            time.sleep(0.5)
        assert "__consumer_offsets-0: compacted" in broker_log(b), b.output()
        b.stop()
        b.start()
        c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "dash"})
        got = c.committed([TopicPartition("clicks", 0)], timeout=20)
        c.close()
        assert got[0].offset == 300, got
        b.stop()
    finally:
        b.cleanup()


if __name__ == "__main__":
    run_tests([test_latest_value_per_key_survives,
               test_group_offsets_survive_compaction_and_restart])
