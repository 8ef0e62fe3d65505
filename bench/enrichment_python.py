"""The seeds' way of enriching clicks, for bench/enrichment_bench: a Python
confluent_kafka loop (consume, json.loads, dict lookups, json.dumps,
produce) on the same broker and data. Loading the dimension topics into
dicts is not timed; the loop over `count` click events is, until every
enriched record is acknowledged (click_bench_loop.py). Prints one JSON line:
events, wall seconds, process CPU seconds.

Usage: /usr/bin/python3 enrichment_python.py BOOTSTRAP CLICKS_TOPIC OUT_TOPIC COUNT
"""

import json
import sys
import time

from confluent_kafka import Consumer, TopicPartition

from click_bench_loop import run_loop


def load(bootstrap, topic, key_field):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"py-bench-{topic}-{time.time()}",
                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    low, high = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=30)
    c.assign([TopicPartition(topic, 0, low)])
    table, pos = {}, low
    while pos < high:
        for m in c.consume(10000, timeout=1.0):
            if m.error():
                continue
            v = json.loads(m.value())
            table[v[key_field]] = v
            pos = m.offset() + 1
    c.close()
    return table


def main():
    bootstrap, clicks, out, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    users = load(bootstrap, "users", "user_id")
    devices = load(bootstrap, "devices", "device_id")
    urls = load(bootstrap, "urls", "url")

    def enrich(m):
        e = json.loads(m.value())
        u = users.get(e["user_id"], {})
        d = devices.get(e["device_id"], {})
        l = urls.get(e["url"], {})
        enriched = {"timestamp": e["timestamp"], "user_id": e["user_id"],
                    "device_id": e["device_id"], "url": e["url"],
                    "user_name": u.get("user_name"), "device_type": d.get("device_type"),
                    "url_category": l.get("url_category")}
        return m.key(), json.dumps(enriched)

    run_loop(bootstrap, clicks, out, count, enrich)


if __name__ == "__main__":
    main()
