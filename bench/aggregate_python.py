"""A windowed count written by hand, for bench/aggregate_bench: a Python
confluent_kafka loop doing what our
`SELECT <group>, COUNT(*) AS views ... WINDOW TUMBLING (SIZE 1 MINUTE)
GROUP BY <group> EMIT CHANGES` does per click, on the same broker and data:
consume, json.loads, the window start from the record timestamp, a dict
count, and one update per click produced to OUT_TOPIC with the key and
value our query writes (the group's bytes plus the window start as 8
big-endian bytes; {"VIEWS":n}). It keeps no changelog and writes no
repartition topic: its counts live in this process only.

The loop over COUNT clicks is timed until every update is acknowledged
(click_bench_loop.py). Prints one JSON line: events, wall seconds, process
CPU seconds.

Usage: /usr/bin/python3 aggregate_python.py BOOTSTRAP CLICKS_TOPIC OUT_TOPIC COUNT url|key
"""

import json
import struct
import sys

from click_bench_loop import run_loop

WINDOW_MS = 60_000


def main():
    bootstrap, clicks, out = sys.argv[1], sys.argv[2], sys.argv[3]
    count, group_by = int(sys.argv[4]), sys.argv[5]
    if group_by not in ("url", "key"):
        sys.exit(f"group by url or key, not {group_by}")
    counts = {}

    def count_click(m):
        e = json.loads(m.value())
        group = e["url"].encode() if group_by == "url" else m.key()
        ts = m.timestamp()[1]
        key = group + struct.pack(">q", ts - ts % WINDOW_MS)
        n = counts.get(key, 0) + 1
        counts[key] = n
        return key, json.dumps({"VIEWS": n}, separators=(",", ":"))

    run_loop(bootstrap, clicks, out, count, count_click)


if __name__ == "__main__":
    main()
