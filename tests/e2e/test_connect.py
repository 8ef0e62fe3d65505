"""`clickstream connect` end to end: a real `clickstream broker`, a Connect
worker process, a JDBC sink into SQLite created over the REST API with curl
(as the seeds do), records produced with kcat, rows read back with Python's
sqlite3 module. Covers status, pause/resume, the dead-letter queue, and a
worker restart that resumes the connector from the config topic without
writing any row twice."""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time

from harness import BINARY, Broker, Service, free_port, run_tests


class Worker(Service):
    """A `clickstream connect` process with its worker.properties."""

    name = "connect"

    def __init__(self, broker, work_dir, rest_port):
        self.broker = broker
        self.dir = work_dir
        self.port = rest_port
        self.proc = None
        self.log_path = os.path.join(work_dir, "connect.log")
        self.props = os.path.join(work_dir, "worker.properties")
        with open(self.props, "w") as f:
            f.write(f"bootstrap.servers={broker.bootstrap}\n"
                    f"listeners=http://127.0.0.1:{rest_port}\n"
                    "group.id=connect-e2e\n"
                    "config.storage.topic=connect-configs\n"
                    "offset.storage.topic=connect-offsets\n"
                    "status.storage.topic=connect-status\n"
                    "config.storage.replication.factor=1\n"
                    "offset.storage.replication.factor=1\n"
                    "status.storage.replication.factor=1\n"
                    "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                    "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                    "key.converter.schemas.enable=false\n"
                    "value.converter.schemas.enable=false\n"
                    "offset.flush.interval.ms=1000\n")

    def start(self, timeout=60):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BINARY, "connect", "--worker", self.props],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"connect exited with {self.proc.returncode}:\n{self.output()}")
            code, _ = self.curl("GET", "/")
            if code == 200:
                return self
            time.sleep(0.2)
        raise RuntimeError(f"connect did not serve REST within {timeout}s:\n{self.output()}")

    def stop(self, timeout=60):
        super().stop(timeout)

    def curl(self, method, path, data_file=None):
        """Returns (HTTP status, parsed JSON body or None); 0 when unreachable."""
        cmd = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", method,
               f"http://127.0.0.1:{self.port}{path}"]
        if data_file is not None:
            cmd[1:1] = ["-H", "Content-Type: application/json", "--data", f"@{data_file}"]
        res = subprocess.run(cmd, capture_output=True, timeout=30)
        if res.returncode != 0:
            return 0, None
        body, _, code = res.stdout.decode().rpartition("\n")
        try:
            parsed = json.loads(body) if body.strip() else None
        except json.JSONDecodeError:
            parsed = body
        return int(code), parsed


def kcat_produce(broker, topic, lines):
    cmd = ["kcat", "-b", broker.bootstrap, "-P", "-t", topic, "-K", "|"]
    res = subprocess.run(cmd, input=("\n".join(lines) + "\n").encode(), capture_output=True,
                         timeout=60)
    if res.returncode != 0:
        raise AssertionError(f"kcat exited {res.returncode}: {res.stderr.decode()}")


def kcat_consume(broker, topic, fmt, timeout=60):
    cmd = ["kcat", "-b", broker.bootstrap, "-C", "-t", topic, "-e", "-f", fmt]
    res = subprocess.run(cmd, capture_output=True, timeout=timeout)
    if res.returncode != 0:
        raise AssertionError(f"kcat exited {res.returncode}: {res.stderr.decode()}")
    return res.stdout.decode(errors="replace")


def try_consume(broker, topic):
    """The topic's records as key<TAB>value<TAB>headers lines; None while the
    topic does not exist or is empty."""
    try:
        return kcat_consume(broker, topic, "%k\t%s\t%h\n", timeout=30) or None
    except (AssertionError, subprocess.TimeoutExpired):
        return None


def rows(db, table):
    if not os.path.exists(db):
        return []
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(
            f'SELECT user_id, "timestamp", page FROM "{table}" ORDER BY user_id, "timestamp"'
        ).fetchall()
    except sqlite3.OperationalError:  # table not created yet
        return []
    finally:
        con.close()


def wait_for(what, check, timeout=90, worker=None):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.3)
    log = worker.output() if worker else ""
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})\n{log}")


def event(user, ts, page):
    key = json.dumps({"user_id": user, "timestamp": ts}, separators=(",", ":"))
    value = json.dumps({"user_id": user, "timestamp": ts, "page": page}, separators=(",", ":"))
    return f"{key}|{value}"


def connector_state(worker, name):
    code, body = worker.curl("GET", f"/connectors/{name}/status")
    if code != 200:
        return None
    tasks = [t["state"] for t in body.get("tasks", [])]
    return body["connector"]["state"], tasks


def test_jdbc_sqlite_sink_end_to_end():
    work = tempfile.mkdtemp(prefix="cs-e2e-connect-")
    db = os.path.join(work, "x.db")
    name = "clicks-sqlite-sink"
    table = "clickstream_events"
    connector = {
        "name": name,
        "config": {
            "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
            "tasks.max": "1",
            "topics": "enriched-clickstream",
            "connection.url": f"jdbc:sqlite:{db}",
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "key.converter.schemas.enable": "false",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter.schemas.enable": "false",
            "auto.create": "true",
            "insert.mode": "upsert",
            "pk.mode": "record_key",
            "pk.fields": "user_id,timestamp",
            "table.name.format": table,
            "errors.tolerance": "all",
            "errors.deadletterqueue.topic.name": "clicks-dlq",
            "errors.deadletterqueue.topic.replication.factor": "1",
            "errors.deadletterqueue.context.headers.enable": "true",
        },
    }
    body_file = os.path.join(work, "clicks-sqlite-sink.json")
    with open(body_file, "w") as f:
        json.dump(connector, f, indent=2)

    with Broker() as b:
        w = Worker(b, work, free_port())
        try:
            w.start()
            code, body = w.curl("POST", "/connectors", body_file)
            assert code == 201, (code, body)
            assert body["name"] == name, body
            code, body = w.curl("POST", "/connectors", body_file)
            assert code == 409, (code, body)

            first = [event(f"u{i}", 1700000000000 + i, f"/p{i}") for i in range(20)]
            kcat_produce(b, "enriched-clickstream", first)
            got = wait_for("20 rows in SQLite", lambda: len(rows(db, table)) == 20 or None,
                           worker=w)
            assert got
            assert rows(db, table)[0] == ("u0", 1700000000000, "/p0"), rows(db, table)[0]
            wait_for("RUNNING status",
                     lambda: connector_state(w, name) == ("RUNNING", ["RUNNING"]) or None,
                     worker=w)

            # Paused: records produced now are not written until resumed.
            code, _ = w.curl("PUT", f"/connectors/{name}/pause")
            assert code == 202, code
            wait_for("PAUSED status",
                     lambda: connector_state(w, name) == ("PAUSED", ["PAUSED"]) or None,
                     worker=w)
            kcat_produce(b, "enriched-clickstream",
                         [event(f"u{i}", 1700000000000 + i, f"/p{i}") for i in range(20, 25)])
            time.sleep(3)  # a paused task must not write; nothing else to wait on
            assert len(rows(db, table)) == 20, rows(db, table)
            code, _ = w.curl("PUT", f"/connectors/{name}/resume")
            assert code == 202, code
            wait_for("25 rows after resume", lambda: len(rows(db, table)) == 25 or None,
                     worker=w)
            wait_for("RUNNING after resume",
                     lambda: connector_state(w, name) == ("RUNNING", ["RUNNING"]) or None,
                     worker=w)

            # A key without the pk.fields goes to the DLQ; the task keeps going.
            kcat_produce(b, "enriched-clickstream", [
                '{"session":"s1"}|{"user_id":"bad","timestamp":1,"page":"/x"}',
                event("u99", 1700000000099, "/after-bad"),
            ])
            wait_for("row after the bad record", lambda: len(rows(db, table)) == 26 or None,
                     worker=w)
            dlq = wait_for("a DLQ record", lambda: try_consume(b, "clicks-dlq"), worker=w)
            assert '"session":"s1"' in dlq, dlq
            assert "__connect.errors.connector.name=" + name in dlq, dlq
            assert connector_state(w, name) == ("RUNNING", ["RUNNING"]), connector_state(w, name)

            # Restart the worker process: the connector comes back from the
            # config topic, consumes only what it has not committed, and no row
            # is duplicated (and upserts of replayed records keep one row each).
            w.stop()
            kcat_produce(b, "enriched-clickstream",
                         [event(f"u{i}", 1700000000000 + i, f"/p{i}") for i in range(100, 110)])
            w2 = Worker(b, work, w.port)
            w2.log_path = w.log_path
            w = w2
            w.start()
            code, body = w.curl("GET", "/connectors")
            assert code == 200 and body == [name], (code, body)
            wait_for("36 rows after restart", lambda: len(rows(db, table)) == 36 or None,
                     worker=w)
            wait_for("RUNNING after restart",
                     lambda: connector_state(w, name) == ("RUNNING", ["RUNNING"]) or None,
                     worker=w)
            con = sqlite3.connect(db)
            dups = con.execute(f'SELECT user_id, "timestamp", COUNT(*) FROM "{table}" '
                               'GROUP BY user_id, "timestamp" HAVING COUNT(*) > 1').fetchall()
            total = con.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            con.close()
            assert dups == [] and total == 36, (dups, total)
            assert "bad" not in [r[0] for r in rows(db, table)]

            # A second worker on the same REST port fails at once, before it
            # resumes any connector (it would join the sink's consumer group).
            second_log = os.path.join(work, "second.log")
            with open(second_log, "wb") as out:
                res = subprocess.run([BINARY, "connect", "--worker", w.props], stdout=out,
                                     stderr=subprocess.STDOUT, timeout=60)
            with open(second_log, "rb") as f:
                text = f.read().decode(errors="replace")
            assert res.returncode != 0, text
            assert "REST listener" in text, text
            assert "resuming connector" not in text and f"task {name}-" not in text, text

            code, _ = w.curl("DELETE", f"/connectors/{name}")
            assert code == 204, code
            w.stop()
        except BaseException:
            import sys
            sys.stderr.write(f"--- connect log ---\n{w.output()}\n")
            w.kill()
            raise
    shutil.rmtree(work, ignore_errors=True)  # kept when the test fails


if __name__ == "__main__":
    run_tests([test_jdbc_sqlite_sink_end_to_end])
