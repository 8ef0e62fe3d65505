"""Kafka transactions against our broker with real clients: confluent-kafka's
transactional producer (commit, abort, send_offsets_to_transaction for
consume-transform-produce exactly once, fencing), read_committed and
read_uncommitted consumers, a transaction timing out, and a broker killed in
the middle of a transaction. (kafka-python 2.0.2 has neither transactions nor
read_committed, and hands out transaction markers as records, with Kafka as
with us: its fetcher never checks the control flag.)"""

import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

from harness import Broker, run_tests


def read_all(bootstrap, topic, isolation, expect=None, timeout=15, group=None):
    """Values of the topic from the beginning, as a consumer with `isolation`
    sees them: until `expect` values arrived, or the topic was quiet for 2s."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group or f"read-{isolation}-{time.time()}",
                  "auto.offset.reset": "earliest", "isolation.level": isolation,
                  "enable.auto.commit": False})
    c.subscribe([topic])
    got = []
    deadline = time.time() + timeout
    quiet_since = time.time()
    while time.time() < deadline:
        m = c.poll(0.3)
        if m is None:
            if expect is None and got and time.time() - quiet_since > 2:
                break
            if expect is not None and len(got) >= expect:
                break
            continue
        if m.error():
            raise AssertionError(f"consumer error: {m.error()}")
        got.append(m.value().decode())
        quiet_since = time.time()
    c.close()
    return got


def txn_producer(bootstrap, tid, **extra):
    conf = {"bootstrap.servers": bootstrap, "transactional.id": tid}
    conf.update(extra)
    p = Producer(conf)
    p.init_transactions(15)
    return p


def test_committed_and_aborted_transactions():
    with Broker() as b:
        p = txn_producer(b.bootstrap, "clicks-writer")
        p.begin_transaction()
        for i in range(5):
            p.produce("clicks", key=f"u{i}", value=f"c{i}", headers={"source": "web"})
        p.commit_transaction(15)
        p.begin_transaction()
        for i in range(3):
            p.produce("clicks", key=f"u{i}", value=f"a{i}")
        p.flush(15)
        p.abort_transaction(15)
        p.begin_transaction()
        p.produce("clicks", key="u9", value="c-last")
        p.commit_transaction(15)

        committed = ["c0", "c1", "c2", "c3", "c4", "c-last"]
        assert read_all(b.bootstrap, "clicks", "read_committed", expect=6) == committed
        uncommitted = read_all(b.bootstrap, "clicks", "read_uncommitted", expect=9)
        assert uncommitted == ["c0", "c1", "c2", "c3", "c4", "a0", "a1", "a2", "c-last"], uncommitted



def test_read_committed_waits_for_the_open_transaction():
    with Broker() as b:
        p = txn_producer(b.bootstrap, "slowpoke")
        plain = Producer({"bootstrap.servers": b.bootstrap})
        plain.produce("clicks", value="before")
        plain.flush(10)
        p.begin_transaction()
        p.produce("clicks", value="in-txn")
        p.flush(10)
        plain.produce("clicks", value="after")
        plain.flush(10)
        # The open transaction holds read_committed consumers at its start.
        assert read_all(b.bootstrap, "clicks", "read_committed", timeout=6) == ["before"]
        # ListOffsets: "latest" is the last stable offset for read_committed.
        for isolation, latest in [("read_committed", 1), ("read_uncommitted", 3)]:
            c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "probe",
                          "isolation.level": isolation})
            low, high = c.get_watermark_offsets(TopicPartition("clicks", 0), timeout=10)
            assert (low, high) == (0, latest), (isolation, low, high)
            c.close()
        p.commit_transaction(15)
        assert read_all(b.bootstrap, "clicks", "read_committed", expect=3) == [
            "before", "in-txn", "after"]


def test_consume_transform_produce_exactly_once():
    with Broker() as b:
        src = Producer({"bootstrap.servers": b.bootstrap})
        for i in range(30):
            src.produce("raw", key=f"u{i}", value=f"{i}")
        src.flush(10)

        def run(fail_after=None):
            """Copies raw -> doubled in transactions of 10 input records, the
            input offsets committed with each; with fail_after, the
            transaction after that many records is aborted, as a crash would."""
            consumer = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "doubler",
                                 "auto.offset.reset": "earliest", "enable.auto.commit": False,
                                 "isolation.level": "read_committed"})
            producer = txn_producer(b.bootstrap, "doubler-0")
            consumer.subscribe(["raw"])
            seen = 0
            idle_since = time.time()
            batch = []
            while time.time() - idle_since < 4:
                m = consumer.poll(0.3)
                if m is None:
                    continue
                idle_since = time.time()
                assert not m.error(), m.error()
                if not batch:
                    producer.begin_transaction()
                producer.produce("doubled", key=m.key(), value=str(2 * int(m.value())))
                batch.append(m)
                seen += 1
                if len(batch) == 10:
                    if fail_after is not None and seen > fail_after:
                        producer.flush(15)  # written, then aborted (not purged unsent)
                        producer.abort_transaction(15)
                        consumer.close()
                        return
                    producer.send_offsets_to_transaction(
                        consumer.position(consumer.assignment()),
                        consumer.consumer_group_metadata(), 15)
                    producer.commit_transaction(15)
                    batch = []
            consumer.close()

        run(fail_after=15)  # commits records 0-9, aborts 10-19
        c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "doubler"})
        [tp] = c.committed([TopicPartition("raw", 0)], timeout=10)
        assert tp.offset == 10, tp
        c.close()
        run()  # resumes at 10
        out = read_all(b.bootstrap, "doubled", "read_committed", expect=30)
        assert sorted(int(v) for v in out) == [2 * i for i in range(30)], out
        # The aborted attempt's output is there for read_uncommitted only.
        assert len(read_all(b.bootstrap, "doubled", "read_uncommitted", expect=40)) == 40


def test_a_second_producer_with_the_same_id_fences_the_first():
    with Broker() as b:
        first = txn_producer(b.bootstrap, "singleton")
        first.begin_transaction()
        first.produce("clicks", value="zombie")
        first.flush(10)
        second = txn_producer(b.bootstrap, "singleton")  # aborts the first's transaction
        second.begin_transaction()
        second.produce("clicks", value="alive")
        second.commit_transaction(15)
        try:
            first.commit_transaction(15)
            raise AssertionError("the fenced producer committed")
        except KafkaException as e:
            err = e.args[0]
            assert err.fatal(), err
            assert "fenced" in err.str().lower(), err.str()
        assert read_all(b.bootstrap, "clicks", "read_committed", expect=1) == ["alive"]


def test_the_broker_aborts_a_transaction_open_past_its_timeout():
    with Broker() as b:
        p = txn_producer(b.bootstrap, "sleepy", **{"transaction.timeout.ms": 2000})
        p.begin_transaction()
        p.produce("clicks", value="never")
        p.flush(10)
        time.sleep(5)
        try:
            p.commit_transaction(15)
            raise AssertionError("a timed-out transaction committed")
        except KafkaException:
            pass
        plain = Producer({"bootstrap.servers": b.bootstrap})
        plain.produce("clicks", value="later")
        plain.flush(10)
        assert read_all(b.bootstrap, "clicks", "read_committed", expect=1) == ["later"]


def test_a_killed_broker_keeps_transactions_whole():
    with Broker() as b:
        p = txn_producer(b.bootstrap, "survivor", **{"transaction.timeout.ms": 4000})
        p.begin_transaction()
        for i in range(3):
            p.produce("clicks", value=f"open{i}")
        p.flush(10)
        b.kill()
        b.start()
        # The open transaction survived the crash: it holds read_committed
        # consumers until the broker aborts it at its timeout.
        plain = Producer({"bootstrap.servers": b.bootstrap})
        plain.produce("clicks", value="after-crash")
        plain.flush(15)
        assert read_all(b.bootstrap, "clicks", "read_committed", expect=1, timeout=20) == [
            "after-crash"]
        assert len(read_all(b.bootstrap, "clicks", "read_uncommitted", expect=4)) == 4
        # A committed transaction stays committed across a crash.
        q = txn_producer(b.bootstrap, "durable")
        q.begin_transaction()
        q.produce("clicks", value="kept")
        q.commit_transaction(15)
        b.kill()
        b.start()
        got = read_all(b.bootstrap, "clicks", "read_committed", expect=2)
        assert got == ["after-crash", "kept"], got


if __name__ == "__main__":
    run_tests([
        test_committed_and_aborted_transactions,
        test_read_committed_waits_for_the_open_transaction,
        test_consume_transform_produce_exactly_once,
        test_a_second_producer_with_the_same_id_fences_the_first,
        test_the_broker_aborts_a_transaction_open_past_its_timeout,
        test_a_killed_broker_keeps_transactions_whole,
    ])
