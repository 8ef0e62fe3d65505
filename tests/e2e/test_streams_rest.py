"""`clickstream streams` in server mode, spoken to as a ksqlDB user would:
HTTP requests from Python's standard library (urllib) to ksqlDB's REST API,
records produced with kcat, the server stopped with SIGTERM (exit 0)."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from harness import BINARY, Broker, Service, free_port, run_tests

KSQL_JSON = "application/vnd.ksql.v1+json"


class StreamsServer(Service):
    """`clickstream streams` with listeners= in its --config file."""

    name = "streams"

    def __init__(self, broker, port):
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="cs-ksqlrest-")
        self.log_path = os.path.join(self.dir, "streams.log")
        self.props = os.path.join(self.dir, "ksql-server.properties")
        with open(self.props, "w") as f:
            f.write(f"bootstrap.servers={broker.bootstrap}\n"
                    f"listeners=http://127.0.0.1:{port}\n"
                    "ksql.service.id=rest_e2e_\n"
                    "ksql.streams.auto.offset.reset=earliest\n")

    def start(self, timeout=60):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BINARY, "streams", "--config", self.props],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streams exited with {self.proc.returncode}:\n{self.output()}")
            try:
                status, _ = self.call("GET", "/info")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"streams did not serve within {timeout}s:\n{self.output()}")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def call(self, method, path, body=None, content_type=KSQL_JSON, accept=KSQL_JSON):
        data = None if body is None else (body if isinstance(body, bytes)
                                          else json.dumps(body).encode())
        req = urllib.request.Request(self.url(path), data=data, method=method,
                                     headers={"Content-Type": content_type, "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def ksql(self, sql, props=None):
        status, body = self.call("POST", "/ksql", {"ksql": sql, "streamsProperties": props or {}})
        assert status == 200, body
        return json.loads(body)


def kcat_produce(broker, topic, lines):
    res = subprocess.run(["kcat", "-b", broker.bootstrap, "-P", "-t", topic, "-K", "|"],
                         input="".join(line + "\n" for line in lines).encode(),
                         capture_output=True, timeout=60)
    assert res.returncode == 0, res.stderr.decode()


def with_server(body):
    with Broker() as b:
        res = subprocess.run([BINARY, "topics", "--bootstrap-server", b.bootstrap, "--create",
                              "--topic", "pageviews", "--partitions", "1"],
                             capture_output=True, timeout=60)
        assert res.returncode == 0, res.stderr.decode()
        server = StreamsServer(b, free_port())
        try:
            server.start()
            body(b, server)
            server.stop()
        except Exception:
            print(f"--- streams log ---\n{server.output()}")
            server.kill()
            raise
        finally:
            shutil.rmtree(server.dir, ignore_errors=True)


def test_statements_show_and_describe():
    def body(b, s):
        status, info = s.call("GET", "/info")
        assert status == 200
        info = json.loads(info)["KsqlServerInfo"]
        assert info["serverStatus"] == "RUNNING" and info["ksqlServiceId"] == "rest_e2e_", info

        created = s.ksql("CREATE STREAM pageviews (user_id VARCHAR KEY, page VARCHAR) WITH "
                         "(KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON'); "
                         "CREATE STREAM home AS SELECT * FROM pageviews WHERE page = 'home';")
        assert [e["commandStatus"]["status"] for e in created] == ["SUCCESS", "SUCCESS"], created
        assert created[1]["commandStatus"]["queryId"] == "CSAS_HOME_1", created

        kcat_produce(b, "pageviews", ['u1|{"page":"home"}', 'u2|{"page":"cart"}'])
        shown = s.ksql("SHOW STREAMS; SHOW QUERIES; DESCRIBE EXTENDED home;")
        assert sorted(x["name"] for x in shown[0]["streams"]) == ["HOME", "PAGEVIEWS"], shown
        assert shown[1]["queries"][0]["id"] == "CSAS_HOME_1"
        desc = shown[2]["sourceDescription"]
        assert [f["name"] for f in desc["fields"]] == ["USER_ID", "PAGE"], desc
        assert desc["writeQueries"][0]["id"] == "CSAS_HOME_1"

        status, err = s.call("POST", "/ksql", b'{"ksql": "SHOW STREAMS;')
        assert status == 400, err
        assert json.loads(err)["@type"] == "generic_error"
        status, err = s.call("POST", "/ksql", {"ksql": "DROP STREAM nope;"})
        assert status == 400 and json.loads(err)["error_code"] == 40001, err
        assert s.call("GET", "/healthcheck")[0] == 200

    with_server(body)


def test_push_query_streams_rows_until_its_limit():
    def body(b, s):
        s.ksql("CREATE STREAM pageviews (user_id VARCHAR KEY, page VARCHAR) WITH "
               "(KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON');")
        kcat_produce(b, "pageviews", ['u1|{"page":"home"}', 'u2|{"page":"cart"}',
                                      'u3|{"page":"home"}'])
        # ksqlDB's v2 endpoint, newline-delimited: a header, then one array per row.
        req = urllib.request.Request(
            s.url("/query-stream"), method="POST",
            data=json.dumps({"sql": "SELECT user_id, page FROM pageviews EMIT CHANGES LIMIT 2;",
                             "properties": {"auto.offset.reset": "earliest"}}).encode(),
            headers={"Content-Type": "application/json",
                     "Accept": "application/vnd.ksqlapi.delimited.v1"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            assert resp.headers["Transfer-Encoding"] == "chunked"
            lines = [json.loads(line) for line in resp.read().decode().splitlines() if line]
        assert lines[0]["columnNames"] == ["USER_ID", "PAGE"], lines
        assert lines[0]["queryId"].startswith("transient_"), lines
        assert lines[1:] == [["u1", "home"], ["u2", "cart"]], lines

        # ksqlDB's v1 endpoint: one chunked JSON array ending with a final message.
        status, text = s.call("POST", "/query",
                              {"ksql": "SELECT page FROM pageviews EMIT CHANGES LIMIT 3;",
                               "streamsProperties": {"ksql.streams.auto.offset.reset":
                                                     "earliest"}})
        assert status == 200, text
        rows = json.loads(text)
        assert rows[0]["header"]["schema"] == "`PAGE` STRING", rows
        assert [r["row"]["columns"] for r in rows[1:4]] == [["home"], ["cart"], ["home"]], rows
        assert rows[4] == {"finalMessage": "Limit Reached"}, rows

    with_server(body)


if __name__ == "__main__":
    run_tests([test_statements_show_and_describe, test_push_query_streams_rows_until_its_limit])
