# The seeds' confluent_kafka producer snippet ("Kafka Producer: Example 1"),
# unchanged: one click event keyed by user, with a header, to the local
# broker that `clickstream up` starts. Run it with Debian's Python:
#   /usr/bin/python3 examples/clickstream/producer.py
from confluent_kafka import Producer
import json

producer = Producer({'bootstrap.servers': 'localhost:9092'})

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
producer.flush()
