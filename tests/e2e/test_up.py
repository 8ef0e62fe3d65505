"""`clickstream up` end to end: a fixed seed with a known share of malformed
and unknown-id events goes through the whole pipeline; then every valid event
is in enriched-clickstream exactly once with the right dimension values, the
DLQ holds exactly the events that cannot be enriched, and the SQLite table and
the Parquet files (read by DuckDB) match the enriched topic. A second run is
interrupted with Ctrl-C half-way and resumed with `up` on the same directory;
it ends with the same results."""

import datetime
import glob
import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time

from harness import BINARY, Broker, free_port, run_tests

COUNT = 3000
SEED = 11
START = "2026-03-01T10:00:00Z"
RATIOS = ["--malformed-ratio", "0.04", "--unknown-ratio", "0.05"]
SIZES = ["--users", "300", "--urls", "200"]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")
HERE = os.path.dirname(os.path.abspath(__file__))


def expected():
    """What the pipeline must make of the generator's stream (same seed and
    start): enriched rows by (user_id, timestamp), and the DLQ'd raw values."""
    dims = tempfile.mkdtemp(prefix="cs-up-dims-")
    res = subprocess.run([BINARY, "generate", "--seed", str(SEED), "--start-time", START,
                          "--count", str(COUNT), "--dimensions", dims, "--print-key", *RATIOS,
                          *SIZES],
                         capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr.decode()

    def table(name, key):
        with open(os.path.join(dims, name + ".jsonl")) as f:
            return {r[key]: r for r in map(json.loads, f)}
    users, devices, urls = table("users", "user_id"), table("devices", "device_id"), \
        table("urls", "url")
    shutil.rmtree(dims)
    enriched, dlq = {}, []
    for line in res.stdout.decode().splitlines():
        uid, value = line.split("\t", 1)  # the record key is the user id
        try:
            e = json.loads(value)
        except ValueError:
            e = None
        fields = ("timestamp", "url", "device_id")
        if (not isinstance(e, dict) or any(e.get(k) is None for k in fields)
                or not isinstance(e["timestamp"], str) or not ISO.match(e["timestamp"])):
            dlq.append(value)
            continue
        # ksqlDB's VARCHAR takes any JSON scalar as its text.
        as_text = {k: v if isinstance(v, str) else json.dumps(v) for k, v in e.items()}
        dev, url = as_text["device_id"], as_text["url"]
        enriched[(uid, e["timestamp"])] = {
            "timestamp": e["timestamp"], "user_id": uid, "device_id": dev, "url": url,
            "user_name": users.get(uid, {}).get("user_name"),
            "device_type": devices.get(dev, {}).get("device_type"),
            "url_category": urls.get(url, {}).get("url_category"),
        }
    assert len(dlq) > 0 and len(enriched) > 0.9 * COUNT, (len(dlq), len(enriched))
    return enriched, dlq


def up(work, port, rest, extra=(), wait=True):
    cmd = [BINARY, "up", "--dir", work, "--count", str(COUNT), "--seed", str(SEED),
           "--start-time", START, "--port", str(port), "--rest-port", str(rest),
           "--status-interval-ms", "500", *RATIOS, *SIZES, *extra]
    log = open(os.path.join(work, "up.out"), "ab")  # removed with work on success
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    if wait:
        code = proc.wait(timeout=300)
        assert code == 0, (code, tail(work))
    return proc


def tail(work):
    try:
        with open(os.path.join(work, "clickstream.log"), "rb") as f:
            return f.read().decode(errors="replace")[-6000:]
    except OSError:
        return ""


def kcat_all(broker, topic):
    res = subprocess.run(["kcat", "-b", broker.bootstrap, "-C", "-t", topic, "-e", "-q",
                          "-f", "%k\t%s\n"], capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr.decode()
    return [line.split("\t", 1) for line in res.stdout.decode().splitlines()]


def summary(work):
    """The numbers of the last summary `up` printed."""
    with open(os.path.join(work, "up.out"), "rb") as f:
        text = f.read().decode(errors="replace")
    last = text[text.rindex("clickstream up: summary"):]
    out = {}
    for label, key in (("enriched", "enriched"), ("dead-letter (DLQ)", "dlq"),
                       ("database rows", "db"), ("Parquet files / rows", "parquet")):
        line = next(l for l in last.splitlines() if l.strip().startswith(label))
        out[key] = line.strip()[len(label):].split()
    return out


def check(work, port, want, dlq):
    # The summary counts records, not offsets (exactly-once output holds a
    # commit marker per partition and transaction).
    got = summary(work)
    assert got["enriched"] == [str(len(want))], (got, len(want))
    assert got["dlq"] == [str(len(dlq))], (got, len(dlq))
    assert got["db"] == [str(len(want))], got
    assert got["parquet"][2] == str(len(want)), got

    # The topics, read back through a broker on the same data directory.
    with Broker(log_dir=work, port=port, extra={"log.dirs": os.path.join(work, "data")}) as b:
        out = kcat_all(b, "enriched-clickstream")
        got = {}
        for key, value in out:
            v = json.loads(value)
            k = json.loads(key)
            assert k == {"user_id": v["user_id"], "timestamp": v["timestamp"]}, (k, v)
            ident = (v["user_id"], v["timestamp"])
            assert ident not in got, f"{ident} twice in enriched-clickstream"
            got[ident] = v
        assert got == want, (len(got), len(want))
        dead = [v for _, v in kcat_all(b, "clickstream-dlq")]
        assert sorted(dead) == sorted(dlq), (len(dead), len(dlq))

    with sqlite3.connect(os.path.join(work, "clickstream.db")) as db:
        cols = ["timestamp", "user_id", "device_id", "url", "user_name", "device_type",
                "url_category"]
        rows = db.execute("SELECT " + ",".join(f'"{c}"' for c in cols) +
                          " FROM clickstream_events").fetchall()
    assert {(r[1], r[0]): dict(zip(cols, r)) for r in rows} == want
    assert len(rows) == len(want)

    res = subprocess.run(["node", os.path.join(HERE, "read_parquet.mjs"),
                          os.path.join(work, "lake", "**", "*.parquet")],
                         capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr.decode()
    lake = [json.loads(line) for line in res.stdout.decode().splitlines()]
    assert len(lake) == len(want), (len(lake), len(want))
    # The sink writes the ISO-8601 event time as a Parquet TIMESTAMP.
    by_ms = {(k[0], iso_ms(k[1])): dict(v, timestamp=iso_ms(v["timestamp"]))
             for k, v in want.items()}
    assert {(r["user_id"], r["timestamp"]): {k: r.get(k) for k in WANT_KEYS}
            for r in lake} == by_ms


WANT_KEYS = ("timestamp", "user_id", "device_id", "url", "user_name", "device_type",
             "url_category")


def iso_ms(text):
    return int(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000
               + 0.5)


def test_up_runs_the_pipeline_exactly_once():
    want, dlq = expected()
    work = tempfile.mkdtemp(prefix="cs-up-")
    try:
        port, rest = free_port(), free_port()
        up(work, port, rest, ["--rate", "0"])
        check(work, port, want, dlq)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_ctrl_c_then_up_again_resumes_without_duplicates():
    want, dlq = expected()
    work = tempfile.mkdtemp(prefix="cs-up-")
    try:
        port, rest = free_port(), free_port()
        proc = up(work, port, rest, ["--rate", "600"], wait=False)
        deadline = time.time() + 120
        # Interrupt once events are flowing, before the count is reached.
        while time.time() < deadline and proc.poll() is None:
            if "enriched-clickstream" in tail(work) and os.path.exists(
                    os.path.join(work, "generator.log")):
                time.sleep(1.0)
                break
            time.sleep(0.2)
        assert proc.poll() is None, "up ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=120) == 0, tail(work)
        up(work, port, rest, ["--rate", "0"])
        check(work, port, want, dlq)
    finally:
        shutil.rmtree(work, ignore_errors=True)


class Postgres:
    """A throw-away PostgreSQL cluster on 127.0.0.1 (initdb + pg_ctl; as the
    postgres user when running as root, as src/testing/postgres_server does)."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        assert bins, "PostgreSQL server binaries not found (scripts/install-deps.sh --test)"
        self.bin = os.path.dirname(bins[-1])
        self.dir = tempfile.mkdtemp(prefix="cs-up-pg-")
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.run(f"{self.bin}/initdb -D {self.dir}/data -U postgres --auth=trust -E UTF8 "
                 "--no-locale --no-sync")
        self.run(f"{self.bin}/pg_ctl start -w -t 60 -D {self.dir}/data -l {self.dir}/log "
                 f"-o '-k {self.dir} -h 127.0.0.1 -p {self.port} -c fsync=off'")

    def run(self, cmd):
        if os.geteuid() == 0:
            cmd = "runuser -u postgres -- sh -c " + shlex.quote(cmd)
        # From /: the postgres user may not enter the caller's directory.
        res = subprocess.run(cmd, shell=True, capture_output=True, timeout=120, cwd="/")
        assert res.returncode == 0, (cmd, res.stdout.decode(), res.stderr.decode())
        return res.stdout.decode()

    def query(self, sql):
        return self.run(f"psql -h 127.0.0.1 -p {self.port} -U postgres -At -c {shlex.quote(sql)}")

    def stop(self):
        self.run(f"{self.bin}/pg_ctl stop -w -t 60 -m fast -D {self.dir}/data")
        shutil.rmtree(self.dir, ignore_errors=True)


def test_postgres_url_sends_the_rows_to_postgres():
    want, _ = expected()
    pg = Postgres()
    work = tempfile.mkdtemp(prefix="cs-up-")
    try:
        os.environ["CLICKSTREAM_POSTGRES_URL"] = f"postgresql://postgres:@127.0.0.1:{pg.port}/postgres"
        up(work, free_port(), free_port(), ["--rate", "0"])
        rows = pg.query('SELECT user_id, "timestamp", user_name, device_type, url_category '
                        "FROM clickstream_events").splitlines()
        got = {}
        for r in rows:
            uid, ts, name, dev, cat = (v if v != "" else None for v in r.split("|"))
            got[(uid, ts)] = (name, dev, cat)
        assert got == {k: (v["user_name"], v["device_type"], v["url_category"])
                       for k, v in want.items()}, (len(got), len(want))
        assert not os.path.exists(os.path.join(work, "clickstream.db"))
    finally:
        os.environ.pop("CLICKSTREAM_POSTGRES_URL", None)
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)


def test_busy_port_is_a_clear_error():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        busy = s.getsockname()[1]
        work = tempfile.mkdtemp(prefix="cs-up-")
        try:
            res = subprocess.run([BINARY, "up", "--dir", work, "--port", str(busy),
                                  "--rest-port", str(free_port()), "--count", "1"],
                                 capture_output=True, timeout=60)
            assert res.returncode == 1, res
            err = res.stderr.decode()
            assert f"port {busy} for the broker is in use" in err and "--port" in err, err
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    run_tests([test_busy_port_is_a_clear_error, test_up_runs_the_pipeline_exactly_once,
               test_ctrl_c_then_up_again_resumes_without_duplicates,
               test_postgres_url_sends_the_rows_to_postgres])
