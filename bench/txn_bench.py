"""Transactions per second with confluent-kafka's transactional producer:
our broker (started here) against librdkafka's mock cluster (the only other
Kafka-protocol broker that runs here, in the producer's own process:
`test.mock.num.brokers`; it keeps everything in memory, writes no markers and
keeps no transaction state), in the same run.

Each transaction: begin, --records records of ~120 bytes over 3 partitions,
(with --offsets) send_offsets_to_transaction for a consumer group, commit.
Our broker answers EndTxn once the prepared state is durable (fsync) and
writes the markers after (the id's next request waits for them); the mock
answers from memory. The physical limit,
measured in the same run: one write + fdatasync on the broker's disk.

  /usr/bin/python3 bench/txn_bench.py --binary build-lead/src/cli/clickstream \\
      --transactions 300 --records 100 --offsets
"""

import argparse
import os
import statistics
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import harness  # noqa: E402

VALUE = b'{"timestamp":"2026-11-25T12:00:00.000Z","user_id":"u000042","url":"/products/00042",' \
        b'"device_id":"d0000042","event_type":"click"}'


def run(conf, transactions, records, offsets, group_bootstrap=None):
    """Seconds per transaction (a list), and the total wall time."""
    p = Producer(dict(conf, **{"transactional.id": f"bench-{time.time()}", "linger.ms": 1}))
    p.init_transactions(30)
    md = None
    if offsets:
        c = Consumer(dict(conf, **{"group.id": "bench-group"}) if group_bootstrap is None else
                     {"bootstrap.servers": group_bootstrap, "group.id": "bench-group"})
        md = c.consumer_group_metadata()
    # Warm-up: metadata, coordinator lookups, the first partition adds.
    p.begin_transaction()
    for i in range(3):
        p.produce("bench-txn", value=VALUE, partition=i)
    p.commit_transaction(30)
    times = []
    start = time.perf_counter()
    for t in range(transactions):
        t0 = time.perf_counter()
        p.begin_transaction()
        for i in range(records):
            p.produce("bench-txn", value=VALUE, partition=i % 3)
        if offsets:
            p.send_offsets_to_transaction([TopicPartition("bench-in", 0, t)], md, 30)
        p.commit_transaction(30)
        times.append(time.perf_counter() - t0)
    return times, time.perf_counter() - start


def fsync_latency(directory, n=200):
    """Median seconds of one small write + fdatasync in `directory`: the
    physical floor of each durable step (our broker makes the transaction's
    state durable when partitions are added and when it is prepared, then
    the markers; Kafka's coordinator waits for the same appends to be
    replicated)."""
    path = os.path.join(directory, "fsync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            os.write(fd, VALUE)
            os.fdatasync(fd)
            times.append(time.perf_counter() - t0)
    finally:
        os.close(fd)
        os.unlink(path)
    return statistics.median(times)


def report(name, times, wall, records):
    times = sorted(times)
    tps = len(times) / wall
    print(f"[{name}] {len(times)} transactions in {wall:.2f} s: {tps:,.0f} transactions/s, "
          f"{tps * records:,.0f} records/s; per transaction p50 {times[len(times) // 2] * 1e3:.1f} ms, "
          f"p99 {times[int(len(times) * 0.99) - 1] * 1e3:.1f} ms", flush=True)
    return tps


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--transactions", type=int, default=300)
    ap.add_argument("--records", type=int, default=100)
    ap.add_argument("--offsets", action="store_true", help="send_offsets_to_transaction each time")
    a = ap.parse_args()
    harness.BINARY = a.binary

    with harness.Broker(extra={"num.partitions": 3}) as b:
        admin = AdminClient({"bootstrap.servers": b.bootstrap})
        for f in admin.create_topics([NewTopic("bench-txn", 3, 1),
                                      NewTopic("bench-in", 1, 1)]).values():
            f.result()
        ours, ours_wall = run({"bootstrap.servers": b.bootstrap}, a.transactions, a.records,
                              a.offsets)
        fsync = fsync_latency(b.log_dir)
    mock, mock_wall = run({"bootstrap.servers": "unused:9092", "test.mock.num.brokers": 1},
                          a.transactions, a.records, a.offsets)
    ours_tps = report("ours", ours, ours_wall, a.records)
    mock_tps = report("mock", mock, mock_wall, a.records)
    print(f"ratio ours/mock (transactions/s): {ours_tps / mock_tps:.2f}; "
          f"median per transaction ours {statistics.median(ours) * 1e3:.1f} ms, "
          f"mock {statistics.median(mock) * 1e3:.1f} ms")
    print(f"fsync (write + fdatasync) median {fsync * 1e3:.2f} ms on the broker's disk: "
          f"ours per transaction = {statistics.median(ours) / fsync:.1f} fsyncs")


if __name__ == "__main__":
    main()
