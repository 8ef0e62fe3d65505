"""The S3 sink under `clickstream connect`, killed with SIGKILL mid-run and
restarted several times while records keep arriving: across all Parquet
files DuckDB reads back, every good record is there exactly once; the bad
ones are in the dead-letter topic. The store is a local directory
(store.url=file://...), which names and publishes objects as S3 would (the
S3 API client is tested against s3rver in connect_s3_emulator_test)."""

import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time

from harness import Broker, run_tests
from test_connect import Worker, kcat_consume, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
PARTITIONS = 3
GOOD = 3000  # good records per partition
FLUSH = 500
TYPES = ("page_view", "click", "add_to_cart", "purchase")


def partition_records(p):
    """Partition p's records as (id, value or None when bad, line): GOOD
    good ones (a multiple of flush.size, which counts written records, so
    every set completes) with a bad one after every 97th (no event_type to
    partition by, or not JSON at all)."""
    out = []
    n = p * 1_000_000
    for i in range(GOOD):
        n += 1
        ts = 1_736_942_400_000 + (n % 1_000_000) * 1_000  # 2025-01-15T12:00:00Z on
        iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts // 1000)) + ".000Z"
        value = {"id": n, "event_type": TYPES[n % 4], "user_id": f"u{n % 31}",
                 "price": None if n % 5 == 0 else n % 50 + 0.5, "timestamp": iso}
        out.append((n, value, json.dumps(value)))
        if i % 97 == 96:
            n += 1
            line = ('{"id": %d, "timestamp": "%s"}' % (n, iso) if i % 2
                    else "not json %d" % n)
            out.append((n, None, line))
    return out


def produce(broker, p, lines):
    res = subprocess.run(["kcat", "-b", broker.bootstrap, "-P", "-t", "clicks", "-p", str(p)],
                         input=("\n".join(lines) + "\n").encode(), capture_output=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr.decode()


def committed(w, name):
    code, body = w.curl("GET", f"/connectors/{name}/offsets")
    if code != 200 or not body:
        return {}
    return {o["partition"]["kafka_partition"]: o["offset"]["kafka_offset"]
            for o in body.get("offsets", [])}


def read_lake(root):
    res = subprocess.run(["node", os.path.join(HERE, "read_parquet.mjs"),
                          os.path.join(root, "**", "*.parquet")],
                         capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr.decode()
    return [json.loads(line) for line in res.stdout.decode().splitlines()]


def test_sigkill_and_restart_lose_and_duplicate_nothing():
    work = tempfile.mkdtemp(prefix="cs-s3-e2e-")
    lake = os.path.join(work, "lake")
    with Broker(extra={"num.partitions": PARTITIONS}) as b:
        w = Worker(b, work, _free_port()).start()
        try:
            conf = os.path.join(work, "s3.json")
            name = "clicks-lake"
            with open(conf, "w") as f:
                json.dump({"name": name, "config": {
                    "connector.class": "io.confluent.connect.s3.S3SinkConnector",
                    "topics": "clicks",
                    "store.url": "file://" + lake,
                    "s3.bucket.name": "bucket",
                    "flush.size": str(FLUSH),
                    "format.class": "io.confluent.connect.s3.format.parquet.ParquetFormat",
                    "parquet.codec": "zstd",
                    "partitioner.class":
                        "io.confluent.connect.storage.partitioner.FieldPartitioner",
                    "partition.field.name": "event_type",
                    "errors.tolerance": "all",
                    "errors.deadletterqueue.topic.name": "clicks-dlq",
                    "errors.deadletterqueue.topic.replication.factor": "1",
                    "consumer.override.max.poll.records": "200",
                    # A killed worker's member leaves the group sooner.
                    "consumer.override.session.timeout.ms": "6000",
                    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                    "value.converter.schemas.enable": "false",
                    "key.converter": "org.apache.kafka.connect.storage.StringConverter"}}, f)
            code, body = w.curl("POST", "/connectors", conf)
            assert code == 201, (code, body)

            good, bad = {}, set()
            chunks, end = [], {}
            for p in range(PARTITIONS):
                recs = partition_records(p)
                end[p] = len(recs)
                for start in range(0, len(recs), 250):
                    chunks.append((start, p, recs[start:start + 250]))
                for n, value, _ in recs:
                    if value is None:
                        bad.add(n)
                    else:
                        good[n] = value
            # Interleave the partitions' chunks, in order within each.
            chunks.sort(key=lambda c: c[0])

            def producer():
                for _, p, recs in chunks:
                    produce(b, p, [line for _, _, line in recs])
                    time.sleep(0.05)
            t = threading.Thread(target=producer)
            t.start()
            rng = random.Random(7)
            kills = 0
            try:
                while t.is_alive() or kills < 4:
                    time.sleep(rng.uniform(0.4, 1.5))
                    w.kill()
                    kills += 1
                    w.start()
            finally:
                t.join()
            seen = {}

            def caught_up():
                seen["offsets"] = committed(w, name)
                return seen["offsets"] == end
            try:
                wait_for("every record committed", caught_up, timeout=180)
            except AssertionError as e:
                raise AssertionError(f"{e}; committed: {seen.get('offsets')}")
            w.stop()

            rows = read_lake(lake)
            ids = [r["id"] for r in rows]
            assert len(ids) == len(set(ids)), \
                f"{len(ids) - len(set(ids))} records in two files after {kills} kills"
            assert set(ids) == set(good), (len(set(ids)), len(good))
            for r in rows:
                want = good[r["id"]]
                assert r["event_type"] == want["event_type"] and r["price"] == want["price"], \
                    (r, want)
            # Published objects only: a worker killed while writing leaves a
            # hidden temporary (".<name>.tmp-..."), as an interrupted upload
            # leaves an invisible one on S3, until the next process writes
            # into that directory (local_store.cc).
            files = [os.path.join(d, f) for d, _, fs in os.walk(lake) for f in fs
                     if not f.startswith(".") and "/.multipart" not in d]
            # Every set of 500 records per partition spread over 4 types.
            assert len(files) == PARTITIONS * (GOOD // FLUSH) * 4, len(files)
            dead = set()
            for line in kcat_consume(b, "clicks-dlq", "%s\n").splitlines():
                try:
                    dead.add(json.loads(line)["id"])
                except (ValueError, KeyError, TypeError):
                    dead.add(int(line.split()[-1]))
            assert dead == bad, (sorted(dead ^ bad)[:10], len(dead), len(bad))
            print(f"{kills} SIGKILLs, {len(rows)} rows in {len(files)} files, "
                  f"{len(dead)} records in the DLQ")
        except BaseException:
            import sys
            sys.stderr.write(f"--- connect log ---\n{w.output()}\n")
            w.kill()
            raise
    shutil.rmtree(work, ignore_errors=True)  # kept when the test fails


def _free_port():
    from harness import free_port
    return free_port()


if __name__ == "__main__":
    run_tests([test_sigkill_and_restart_lose_and_duplicate_nothing])
