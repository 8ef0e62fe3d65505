#!/usr/bin/python3
"""`clickstream produce --file` against `kcat -P -l`: the same file of one
million ~120-byte JSON click events sent to the same `clickstream broker`
with the same producer settings, in the same run, alternating (ours, kcat,
ours, kcat, ...). Each run writes to a fresh topic.

    bench/tools_produce_bench.py [--binary build/src/cli/clickstream]
                                 [--records 1000000] [--rounds 2]

The broker runs from a temporary directory on a free 127.0.0.1 port
(tests/e2e/harness.py). Producer settings for both: linger.ms=5,
compression lz4, acks=1. Each timing covers the whole process (start,
connect, read the file, every delivery report, exit). Prints records/s for
each run and the ratio ours/kcat of the best runs.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tools_bench_common import bench_setup, harness, timed  # noqa: E402

SETTINGS = {"linger.ms": "5", "compression.type": "lz4", "acks": "1"}


def main():
    with bench_setup("produce") as (args, path, b):
        def ours_cmd(topic):
            cmd = [harness.BINARY, "produce", "--bootstrap-server", b.bootstrap,
                   "--topic", topic, "--file", path]
            for k, v in SETTINGS.items():
                cmd += ["--producer-property", f"{k}={v}"]
            return cmd

        def kcat_cmd(topic):
            cmd = ["kcat", "-P", "-b", b.bootstrap, "-t", topic, "-l", path]
            for k, v in SETTINGS.items():
                cmd += ["-X", f"{k}={v}"]
            return cmd

        print(f"ours: {' '.join(ours_cmd('TOPIC'))}")
        print(f"kcat: {' '.join(kcat_cmd('TOPIC'))}")
        rates = {"ours": [], "kcat": []}
        for r in range(args.rounds):
            for name, make in (("ours", ours_cmd), ("kcat", kcat_cmd)):
                topic = f"bench-{name}-{r}"
                t, err = timed(make(topic))
                if name == "ours" and f"{args.records} delivered, 0 failed" not in err:
                    raise RuntimeError(f"ours did not deliver every record: {err}")
                rates[name].append(args.records / t)
                print(f"round {r + 1} {name}: {t:.2f} s, {args.records / t:,.0f} records/s",
                      flush=True)
        best_ours, best_kcat = max(rates["ours"]), max(rates["kcat"])
        print(f"best: ours {best_ours:,.0f} records/s, kcat {best_kcat:,.0f} records/s, "
          f"ratio ours/kcat {best_ours / best_kcat:.2f}")


if __name__ == "__main__":
    main()
