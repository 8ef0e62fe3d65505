"""The loop the streams benchmarks' Python peers share (enrichment_python.py,
aggregate_python.py): read COUNT records of partition 0 of a topic from the
start with confluent_kafka, hand each to a function that returns the
(key, value) to produce, produce it to the output topic, and time that
until every produced record is acknowledged. Prints one JSON line: events,
wall seconds, process CPU seconds.
"""

import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition


def run_loop(bootstrap, source, out, count, handle):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"py-bench-{time.time()}",
                         "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    consumer.assign([TopicPartition(source, 0, 0)])
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5,
                         "batch.num.messages": 10000, "queue.buffering.max.messages": 1000000})
    start_wall, start_cpu = time.monotonic(), time.process_time()
    done = 0
    while done < count:
        for m in consumer.consume(min(10000, count - done), timeout=1.0):
            if m.error():
                continue
            key, value = handle(m)
            while True:
                try:
                    producer.produce(out, key=key, value=value)
                    break
                except BufferError:
                    producer.poll(0.01)
            done += 1
        producer.poll(0)
    # No delivery callback per record: the benchmarks read the output back
    # where they check it; a record still queued after the flush fails here.
    if producer.flush(120) != 0:
        sys.exit(f"{len(producer)} records to {out} not delivered")
    wall, cpu = time.monotonic() - start_wall, time.process_time() - start_cpu
    consumer.close()
    print(json.dumps({"events": done, "wall_s": wall, "cpu_s": cpu}))
