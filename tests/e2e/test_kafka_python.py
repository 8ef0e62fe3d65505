"""python3-kafka (kafka-python 2.0) against our broker: the seeds' KafkaProducer,
KafkaConsumer and KafkaAdminClient snippets with only the address changed."""

import os
import tempfile
from json import dumps, loads

import kafka
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from harness import Broker, run_tests


def test_seed_admin_create_topic():
    with Broker() as b:
        kafka_servers = [b.bootstrap]
        admin_client = KafkaAdminClient(
            bootstrap_servers=kafka_servers,
            client_id='test'
        )
        topic_list = []
        topic_list.append(NewTopic(name="incremental_updates", num_partitions=1, replication_factor=1))
        admin_client.create_topics(new_topics=topic_list, validate_only=False)
        assert "incremental_updates" in admin_client.list_topics()
        admin_client.close()


def test_seed_producer_and_consumer():
    with Broker() as b:
        kafka_servers = [b.bootstrap]
        csv_lines = [f"{i},user{i},https://example.com/p{i}\n" for i in range(20)]
        # The seeds' consumer (a group, auto commit, value_deserializer, default
        # auto_offset_reset=latest), bounded by consumer_timeout_ms. As in the
        # seeds it runs before the producer, so it joins first.
        consumer = KafkaConsumer('incremental_updates_test', bootstrap_servers=kafka_servers,
                                 enable_auto_commit=True, group_id='my-group1-amit',
                                 consumer_timeout_ms=15000,
                                 value_deserializer=lambda x: loads(x.decode('utf-8')))
        admin_client = kafka.KafkaAdminClient(bootstrap_servers=kafka_servers)
        for _ in range(100):
            consumer.poll(timeout_ms=100)
            if consumer.assignment():
                break
        assert consumer.assignment(), "the consumer never got its partition"

        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "test_file.csv")
            with open(path, "w") as f:
                f.writelines(csv_lines)
            # The seeds' producer: value_serializer and a synchronous future.get per line.
            myproducer = KafkaProducer(bootstrap_servers=kafka_servers,
                                       value_serializer=lambda x: dumps(x).encode('utf-8'))
            offsets = []
            f = open(path, 'r')
            for msg in f:
                csv_data = msg
                future = myproducer.send('incremental_updates_test', value=csv_data)
                record_metadata = future.get(timeout=10)
                offsets.append(record_metadata.offset)
            f.close()
            myproducer.close()
            assert offsets == list(range(20))

        assert 'incremental_updates_test' in admin_client.list_topics()
        received = []
        for msg in consumer:
            received.append(msg.value)
            if len(received) == len(csv_lines):
                break
        consumer.close()
        admin_client.close()
        assert received == csv_lines


if __name__ == "__main__":
    run_tests([test_seed_admin_create_topic, test_seed_producer_and_consumer])
