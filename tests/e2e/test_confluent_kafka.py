"""python3-confluent-kafka (librdkafka) against our broker: the seeds' producer
and consumer snippets with only the address changed, AdminClient calls,
idempotence and every compression codec."""

import json
import time

from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from harness import Broker, run_tests


def consume_all(bootstrap, topic, n, group="verify", timeout=30):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                  "auto.offset.reset": "earliest"})
    c.subscribe([topic])
    got = []
    deadline = time.time() + timeout
    while len(got) < n and time.time() < deadline:
        msg = c.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            raise AssertionError(f"consumer error: {msg.error()}")
        got.append(msg)
    c.close()
    assert len(got) == n, f"expected {n} records, got {len(got)}"
    return got


def test_seed_producer_with_headers():
    with Broker() as b:
        # The seeds' Example 1, address changed.
        producer = Producer({'bootstrap.servers': b.bootstrap})
        record_key = "user123"
        record_value = json.dumps({
            "timestamp": "2025-04-30T14:35:00Z",
            "url": "https://example.com/page",
            "device_id": "dev456"
        })
        producer.produce(
            topic="clickstream",
            key=record_key,
            value=record_value.encode("utf-8"),
            headers={"source": "web"}
        )
        assert producer.flush(10) == 0
        [msg] = consume_all(b.bootstrap, "clickstream", 1)
        assert msg.key() == b"user123"
        assert json.loads(msg.value())["device_id"] == "dev456"
        assert msg.headers() == [("source", b"web")]


def test_seed_producer_with_callback():
    with Broker() as b:
        delivered = []

        # The seeds' Example 2, address changed; the callback records instead of printing.
        conf = {'bootstrap.servers': b.bootstrap}
        producer = Producer(conf)

        def delivery_report(err, msg):
            delivered.append((err, msg.topic(), msg.partition(), msg.offset()))

        producer.produce("clickstream", key="user1", value="page1", callback=delivery_report)
        producer.flush()
        assert delivered == [(None, "clickstream", 0, 0)], delivered


def test_seed_consumer_poll_loop_in_group():
    with Broker() as b:
        p = Producer({"bootstrap.servers": b.bootstrap})
        for i in range(50):
            p.produce("clickstream", key=f"user{i}", value=f"page{i}")
        p.flush()
        # The seeds' consumer, with a bounded loop instead of `while True`.
        conf = {
            'bootstrap.servers': b.bootstrap,
            'group.id': 'clickstream-group',
            'auto.offset.reset': 'earliest'
        }
        consumer = Consumer(conf)
        consumer.subscribe(['clickstream'])
        received = []
        deadline = time.time() + 30
        while len(received) < 50 and time.time() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                raise AssertionError(f"Error: {msg.error()}")
            received.append(f"Received: {msg.key()} - {msg.value().decode('utf-8')}")
        consumer.commit(asynchronous=False)
        consumer.close()
        assert len(received) == 50
        assert received[0] == "Received: b'user0' - page0"
        # The group's committed offset is there for the next consumer.
        c2 = Consumer(conf)
        from confluent_kafka import TopicPartition
        committed = c2.committed([TopicPartition("clickstream", 0)], timeout=10)
        c2.close()
        assert committed[0].offset == 50, committed


def test_admin_client():
    with Broker() as b:
        admin = AdminClient({"bootstrap.servers": b.bootstrap})
        fs = admin.create_topics([NewTopic("users", num_partitions=3, replication_factor=1,
                                           config={"cleanup.policy": "compact"})])
        fs["users"].result(10)
        md = admin.list_topics(timeout=10)
        assert "users" in md.topics and len(md.topics["users"].partitions) == 3
        res = ConfigResource(ConfigResource.Type.TOPIC, "users")
        configs = admin.describe_configs([res])[res].result(10)
        assert configs["cleanup.policy"].value == "compact"
        assert configs["retention.ms"].value == str(7 * 24 * 3600 * 1000)
        # A replication factor above 1 is refused with a message that says why.
        fs = admin.create_topics([NewTopic("replicated", num_partitions=1, replication_factor=3)])
        try:
            fs["replicated"].result(10)
            raise AssertionError("replication factor 3 was accepted")
        except KafkaException as e:
            assert "single-node" in str(e), str(e)
        fs = admin.delete_topics(["users"])
        fs["users"].result(10)
        assert "users" not in admin.list_topics(timeout=10).topics


def test_idempotent_producer_and_compression():
    with Broker() as b:
        for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
            topic = f"idem-{codec}"
            p = Producer({"bootstrap.servers": b.bootstrap, "enable.idempotence": True,
                          "acks": "all", "compression.type": codec, "linger.ms": 5})
            errors = []
            for i in range(2000):
                p.produce(topic, key=f"k{i % 13}", value=json.dumps({"i": i, "codec": codec}),
                          on_delivery=lambda err, msg: err and errors.append(err))
            assert p.flush(30) == 0
            assert not errors, errors
            got = consume_all(b.bootstrap, topic, 2000, group=f"g-{codec}")
            assert [json.loads(m.value())["i"] for m in got] == list(range(2000))
            codec_id = ["none", "gzip", "snappy", "lz4", "zstd"].index(codec)
            assert set(b.stored_codecs(topic)) == {codec_id}, (codec, b.stored_codecs(topic))


if __name__ == "__main__":
    run_tests([
        test_seed_producer_with_headers,
        test_seed_producer_with_callback,
        test_seed_consumer_poll_loop_in_group,
        test_admin_client,
        test_idempotent_producer_and_compression,
    ])
