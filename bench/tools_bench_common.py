"""Shared by the tools benchmarks (tools_produce_bench.py, tools_consume_bench.py):
the event file both tools read, and a timer for one whole tool process."""

import argparse
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import harness  # noqa: E402,F401  (re-exported for the benchmarks)


def events_file(path, n):
    """n JSON click events (~120 bytes), one per line; the same bytes for the same n."""
    rnd = random.Random(42)
    kinds = ["page_view", "click", "add_to_cart", "purchase"]
    with open(path, "w") as f:
        for i in range(n):
            f.write('{"timestamp":"2026-11-25T12:%02d:%02d.%03dZ","user_id":"u%06d",'
                    '"url":"/products/%05d","device_id":"d%07d","event_type":"%s"}\n'
                    % (i // 60000 % 60, i // 1000 % 60, i % 1000, rnd.randrange(1000000),
                       rnd.randrange(100000), rnd.randrange(10000000), rnd.choice(kinds)))
    return os.path.getsize(path) / n


def timed(cmd, timeout=900):
    """Runs cmd with stdin and stdout on /dev/null; (seconds, stderr text)."""
    start = time.perf_counter()
    res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, timeout=timeout)
    elapsed = time.perf_counter() - start
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {res.returncode}: {res.stderr.decode()}")
    return elapsed, res.stderr.decode()


@contextlib.contextmanager
def bench_setup(name):
    """Parses --binary/--records/--rounds, writes the event file into a fresh
    temporary directory and starts `clickstream broker` there.
    Yields (args, events_path, broker)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary",
                    default=os.environ.get("CLICKSTREAM_BINARY", "build/src/cli/clickstream"))
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    harness.BINARY = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory(prefix=f"cs-{name}-bench-") as tmp:
        path = os.path.join(tmp, "events.jsonl")
        avg = events_file(path, args.records)
        print(f"{args.records} events, {avg:.1f} bytes/event on average (incl. newline)")
        os.makedirs(os.path.join(tmp, "broker"))
        with harness.Broker(log_dir=os.path.join(tmp, "broker")) as b:
            yield args, path, b
