"""Restarts and crashes of a real `clickstream broker` with real clients:
everything acknowledged is there afterwards, exactly once, and committed
group offsets survive."""

import random
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from harness import Broker, run_tests


def read_all(bootstrap, topic, partitions, timeout=30):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "reader",
                  "enable.auto.commit": False})
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    ends = {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
            for p in range(partitions)}
    pos = {p: 0 for p in range(partitions)}
    out = []
    deadline = time.time() + timeout
    while any(pos[p] < ends[p] for p in pos) and time.time() < deadline:
        msg = c.poll(0.5)
        if msg is None or msg.error():
            continue
        out.append(msg.value().decode())
        pos[msg.partition()] = msg.offset() + 1
    c.close()
    return out


def test_restart_keeps_topics_records_and_offsets():
    b = Broker(extra={"num.partitions": 3})
    try:
        b.start()
        admin = AdminClient({"bootstrap.servers": b.bootstrap})
        admin.create_topics([NewTopic("events", 3, 1), NewTopic("users", 1, 1,
                                                              config={"cleanup.policy": "compact"})])["events"].result(10)
        p = Producer({"bootstrap.servers": b.bootstrap, "acks": "all"})
        for i in range(3000):
            p.produce("events", key=f"u{i % 50}", value=f"e{i}")
        for i in range(10):
            p.produce("users", key=f"u{i}", value=f"name{i}")
        assert p.flush(30) == 0
        c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "g1",
                      "auto.offset.reset": "earliest", "enable.auto.commit": False})
        c.subscribe(["events"])
        seen = 0
        deadline = time.time() + 30
        while seen < 1000 and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                seen += 1
        c.commit(asynchronous=False)
        committed = {tp.partition: tp.offset for tp in
                     c.committed([TopicPartition("events", q) for q in range(3)], timeout=10)}
        c.close()
        b.stop()

        b.start()
        assert "unclean" not in b.output().split("broker 0 stopped")[-1], b.output()
        admin = AdminClient({"bootstrap.servers": b.bootstrap})
        md = admin.list_topics(timeout=10)
        assert len(md.topics["events"].partitions) == 3 and "users" in md.topics
        assert sorted(read_all(b.bootstrap, "events", 3)) == sorted(f"e{i}" for i in range(3000))
        assert sorted(read_all(b.bootstrap, "users", 1)) == sorted(f"name{i}" for i in range(10))
        c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "g1"})
        after = {tp.partition: tp.offset for tp in
                 c.committed([TopicPartition("events", q) for q in range(3)], timeout=10)}
        c.close()
        assert after == committed, (after, committed)
        b.stop()
    finally:
        b.cleanup()


def test_sigkill_during_acks_all_produce_loses_and_duplicates_nothing():
    rng = random.Random(7)
    b = Broker()
    try:
        b.start()
        admin = AdminClient({"bootstrap.servers": b.bootstrap})
        admin.create_topics([NewTopic("crash", 1, 1)])["crash"].result(10)
        acked, failed = [], []
        lock = threading.Lock()

        def on_delivery(err, msg):
            with lock:
                (failed if err else acked).append(msg.value().decode())

        p = Producer({"bootstrap.servers": b.bootstrap, "acks": "all", "enable.idempotence": True,
                      "linger.ms": 2, "message.timeout.ms": 120000,
                      "reconnect.backoff.ms": 50, "reconnect.backoff.max.ms": 200})
        stop = threading.Event()

        def produce_forever():
            i = 0
            while not stop.is_set():
                try:
                    p.produce("crash", value=f"v{i}", on_delivery=on_delivery)
                    i += 1
                except BufferError:
                    p.poll(0.05)
                    continue
                if i % 100 == 0:
                    p.poll(0)
                    time.sleep(0.005)

        t = threading.Thread(target=produce_forever)
        t.start()
        try:
            for _ in range(5):
                time.sleep(rng.uniform(0.3, 1.0))
                b.kill()
                b.start()
        finally:
            stop.set()
            t.join()
        assert p.flush(120) == 0, "producer could not deliver everything after the crashes"
        assert not failed, failed[:5]
        b.stop()
        b.start()
        stored = read_all(b.bootstrap, "crash", 1, timeout=60)
        b.stop()
        assert len(acked) > 0
        missing = set(acked) - set(stored)
        assert not missing, f"{len(missing)} acknowledged records lost, e.g. {sorted(missing)[:5]}"
        dups = len(stored) - len(set(stored))
        assert dups == 0, f"{dups} duplicated records"
    finally:
        b.cleanup()


if __name__ == "__main__":
    run_tests([test_restart_keeps_topics_records_and_offsets,
               test_sigkill_during_acks_all_produce_loses_and_duplicates_nothing])
