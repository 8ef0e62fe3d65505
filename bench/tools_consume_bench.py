#!/usr/bin/python3
"""`clickstream consume` against `kcat -C`: the same topic of one million
~120-byte JSON events on the same `clickstream broker`, both writing to
/dev/null, in the same run, alternating (ours, kcat, ours, kcat, ...).

    bench/tools_consume_bench.py [--binary build/src/cli/clickstream]
                                 [--records 1000000] [--rounds 2]

The broker runs from a temporary directory on a free 127.0.0.1 port with
default settings; the events are produced once with `kcat -P -l FILE`. Each
timing covers the whole process (start, connect, read to the last record,
exit). Prints records/s for each run and the ratio ours/kcat of the best
runs.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tools_bench_common import bench_setup, harness, timed  # noqa: E402


def main():
    with bench_setup("consume") as (args, path, b):
        t, _ = timed(["kcat", "-P", "-b", b.bootstrap, "-t", "bench", "-l", path])
        print(f"produced with kcat -P in {t:.2f} s")
        ours_cmd = [harness.BINARY, "consume", "--bootstrap-server", b.bootstrap,
                    "--topic", "bench", "--from-beginning",
                    "--max-messages", str(args.records)]
        kcat_cmd = ["kcat", "-C", "-b", b.bootstrap, "-t", "bench", "-e", "-q",
                    "-o", "beginning"]
        print(f"ours: {' '.join(ours_cmd)} > /dev/null")
        print(f"kcat: {' '.join(kcat_cmd)} > /dev/null")
        rates = {"ours": [], "kcat": []}
        for r in range(args.rounds):
            for name, cmd in (("ours", ours_cmd), ("kcat", kcat_cmd)):
                t, err = timed(cmd)
                if name == "ours" and f"Processed a total of {args.records} messages" not in err:
                    raise RuntimeError(f"ours did not read every record: {err}")
                rates[name].append(args.records / t)
                print(f"round {r + 1} {name}: {t:.2f} s, {args.records / t:,.0f} records/s",
                      flush=True)
        best_ours, best_kcat = max(rates["ours"]), max(rates["kcat"])
        print(f"best: ours {best_ours:,.0f} records/s, kcat {best_kcat:,.0f} records/s, "
          f"ratio ours/kcat {best_ours / best_kcat:.2f}")


if __name__ == "__main__":
    main()
