"""`clickstream streams` through the binary against a `clickstream broker`
process: the seeds' two ksqlDB statements from a --file (the AVRO one fails
"not supported yet" with exit 2, the JSON one runs until SIGTERM and writes
Server_Date rows), a syntax error with line:column and caret,
--execute of a SHOW statement that exits after printing, and transient
queries printed as the ksqlDB CLI prints them (a LIMIT push query, a pull
scan, a push query ended by SIGINT), PRINT with a --define'd topic and
ended by SIGINT, and RUN SCRIPT."""

import json
import os
import signal
import subprocess
import tempfile
import time

from harness import BINARY, Broker, run_tests

SEED_CREATE = ("CREATE STREAM source_json (Event_Type VARCHAR, Event_Version VARCHAR, "
               "User_ID VARCHAR, Listing_ID VARCHAR, Server_Time VARCHAR, Device_Type VARCHAR) "
               "WITH (KAFKA_TOPIC='events', VALUE_FORMAT='JSON');\n")
SEED_CSAS = ("CREATE STREAM target_json WITH (KAFKA_TOPIC='events_avro',REPLICAS=1,"
             "PARTITIONS=1,VALUE_FORMAT='{fmt}') AS SELECT *, SUBSTRING(Server_Time, 0, 10) "
             "as Server_Date FROM source_json;\n")


def kcat(broker, *args, stdin=None):
    res = subprocess.run(["kcat", "-b", broker.bootstrap, *args], input=stdin,
                         capture_output=True, timeout=60)
    assert res.returncode == 0, res.stderr.decode()
    return res.stdout.decode()


def write_sql(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
    f.write(text)
    f.close()
    return f.name


def streams(broker, *args, timeout=60):
    cmd = [BINARY, "streams", "--bootstrap-server", broker.bootstrap, *args]
    return subprocess.run(cmd, capture_output=True, timeout=timeout)


def create_events_topic(broker):
    res = subprocess.run([BINARY, "topics", "--bootstrap-server", broker.bootstrap, "--create",
                          "--topic", "events", "--partitions", "1"], capture_output=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr.decode()


def test_avro_is_not_supported_yet():
    with Broker() as b:
        create_events_topic(b)
        path = write_sql(SEED_CREATE + SEED_CSAS.format(fmt="AVRO"))
        res = streams(b, "--file", path, "--service-id", "avro_")
        os.unlink(path)
        assert res.returncode == 2, (res.returncode, res.stderr.decode())
        assert "not supported yet" in res.stderr.decode(), res.stderr.decode()
        assert "line 2:" in res.stderr.decode(), res.stderr.decode()


def test_syntax_error_points_at_the_token():
    with Broker() as b:
        res = streams(b, "--execute", "CREATE STREAM s AS SELECT * FORM t;")
        assert res.returncode == 2, (res.returncode, res.stderr.decode())
        err = res.stderr.decode()
        assert "line 1:" in err and "^" in err, err


def test_seed_statements_with_json_run_until_sigterm():
    with Broker() as b:
        create_events_topic(b)
        kcat(b, "-P", "-t", "events",
             stdin=b'{"Event_Type":"view","User_ID":"u1","Server_Time":"2024-03-05 10:11:12"}\n')
        path = write_sql("SET 'auto.offset.reset'='earliest';\n" + SEED_CREATE +
                         SEED_CSAS.format(fmt="JSON"))
        proc = subprocess.Popen([BINARY, "streams", "--bootstrap-server", b.bootstrap, "--file",
                                 path, "--status-interval-ms", "500"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out = ""
            deadline = time.time() + 60
            while time.time() < deadline and "2024-03-05" not in out:
                res = subprocess.run(["kcat", "-b", b.bootstrap, "-C", "-t", "events_avro",
                                      "-e", "-q"], capture_output=True, timeout=60)
                out = res.stdout.decode()
                time.sleep(0.5)
            assert '"SERVER_DATE":"2024-03-05"' in out, out
        finally:
            proc.send_signal(signal.SIGTERM)
            stdout, stderr = proc.communicate(timeout=60)
            os.unlink(path)
        assert proc.returncode == 0, stderr.decode()
        assert "Created query with ID CSAS_TARGET_JSON_1" in stdout.decode(), stdout.decode()
        assert "CSAS_TARGET_JSON_1: RUNNING consumed 1, produced 1" in stderr.decode(), \
            stderr.decode()

        # The command topic has both statements; SHOW QUERIES in a new process
        # (which replays it) lists the query, and --execute exits.
        res = streams(b, "--execute", "SHOW QUERIES;")
        assert res.returncode == 0, res.stderr.decode()
        assert "CSAS_TARGET_JSON_1" in res.stdout.decode(), res.stdout.decode()


def count_keys(broker, topic):
    res = subprocess.run(["kcat", "-b", broker.bootstrap, "-C", "-t", topic, "-e", "-q",
                          "-f", "%s\n"], capture_output=True, timeout=60)
    if b"Unknown topic" in res.stderr:
        return []  # the query has not created it yet
    assert res.returncode == 0, res.stderr.decode()
    return [json.loads(v)["N"] for v in res.stdout.decode().splitlines()]


def test_two_processes_share_a_query_and_survive_one_leaving():
    """Two `clickstream streams` processes with the same service id run the
    same file: the second one replays the command topic, joins the query's
    consumer group and takes half of the partitions; when the first stops,
    the second takes them all. Every input record is in the output (at least
    once), none is lost."""
    with Broker(extra={"num.partitions": 4}) as b:
        sql = write_sql("SET 'auto.offset.reset'='earliest';\n"
                        "CREATE STREAM IF NOT EXISTS nums (n INT) WITH (KAFKA_TOPIC='nums', "
                        "VALUE_FORMAT='JSON', PARTITIONS=4);\n"
                        "CREATE STREAM IF NOT EXISTS doubled AS SELECT n AS n, n * 2 AS m "
                        "FROM nums;\n")
        procs = []

        def start():
            p = subprocess.Popen([BINARY, "streams", "--bootstrap-server", b.bootstrap,
                                  "--file", sql, "--service-id", "scale_",
                                  "--status-interval-ms", "500"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            procs.append(p)
            return p

        def produce(lo, hi):
            lines = "".join(f'{i}\t{{"n":{i}}}\n' for i in range(lo, hi))
            kcat(b, "-P", "-t", "nums", "-K", "\t", stdin=lines.encode())

        def wait_for(n):
            deadline = time.time() + 90
            got = []
            while time.time() < deadline:
                got = count_keys(b, "DOUBLED")
                if len(set(got)) >= n:
                    return got
                time.sleep(0.5)
            raise AssertionError(f"{len(set(got))} of {n} distinct records in DOUBLED")

        try:
            first = start()
            produce(0, 200)
            wait_for(200)
            second = start()
            time.sleep(3)  # the second joins the group: a rebalance
            produce(200, 400)
            wait_for(400)
            first.send_signal(signal.SIGTERM)
            first.communicate(timeout=60)
            assert first.returncode == 0
            produce(400, 600)
            got = wait_for(600)
            assert set(got) == set(range(600)), sorted(set(range(600)) - set(got))[:10]
            assert second.poll() is None, second.communicate()[1].decode()
            err = b""
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
                    _, err = p.communicate(timeout=60)
            os.unlink(sql)
        assert "CSAS_DOUBLED_1: RUNNING" in err.decode(), err.decode()[-2000:]


CLICKS = ("CREATE STREAM clicks (user STRING KEY, page STRING) WITH (KAFKA_TOPIC='clicks', "
          "VALUE_FORMAT='JSON', PARTITIONS=1);")


def test_transient_queries_print_a_table():
    with Broker() as b:
        res = streams(b, "--execute", CLICKS)
        assert res.returncode == 0, res.stderr.decode()
        kcat(b, "-P", "-t", "clicks", "-K", "\t",
             stdin=b'u1\t{"PAGE":"/a"}\nu2\t{"PAGE":"/b"}\nu3\t{"PAGE":"/a-page-with-a-long-name"}\n')

        def execute(sql, columns):
            # stdout is no terminal: $COLUMNS is the width.
            res = subprocess.run([BINARY, "streams", "--bootstrap-server", b.bootstrap,
                                  "--execute", sql], capture_output=True, timeout=60,
                                 env=dict(os.environ, COLUMNS=str(columns)))
            assert res.returncode == 0, res.stderr.decode()
            return res.stdout.decode()

        push = execute("SET 'auto.offset.reset'='earliest';\n"
                       "SELECT user, page FROM clicks EMIT CHANGES LIMIT 2;", 40)
        assert push == (
            "Successfully changed local property 'auto.offset.reset' to 'earliest'.\n"
            "+------------------+------------------+\n"
            "|USER              |PAGE              |\n"
            "+------------------+------------------+\n"
            "|u1                |/a                |\n"
            "|u2                |/b                |\n"
            "Limit Reached\n"
            "Query terminated\n"), push

        # An aggregation: a row per update of a group, its SELECT list as columns.
        agg = execute("SET 'auto.offset.reset'='earliest';\n"
                      "SELECT page, COUNT(*) AS clicks FROM clicks GROUP BY page "
                      "EMIT CHANGES LIMIT 2;", 40)
        assert agg == (
            "Successfully changed local property 'auto.offset.reset' to 'earliest'.\n"
            "+------------------+------------------+\n"
            "|PAGE              |CLICKS            |\n"
            "+------------------+------------------+\n"
            "|/a                |1                 |\n"
            "|/b                |1                 |\n"
            "Limit Reached\n"
            "Query terminated\n"), agg

        # A pull query scans the stream to its end; a long value wraps.
        pull = execute("SELECT page FROM clicks WHERE user <> 'u2';", 20)
        assert pull == (
            "+------------------+\n"
            "|PAGE              |\n"
            "+------------------+\n"
            "|/a                |\n"
            "|/a-page-with-a-lon|\n"
            "|g-name            |\n"
            "Query terminated\n"), pull


def test_sigint_ends_a_push_query():
    with Broker() as b:
        res = streams(b, "--execute", CLICKS)
        assert res.returncode == 0, res.stderr.decode()
        proc = subprocess.Popen([BINARY, "streams", "--bootstrap-server", b.bootstrap,
                                 "--execute", "SELECT page FROM clicks EMIT CHANGES;"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            header = b"".join(proc.stdout.readline() for _ in range(3))
            assert b"|PAGE" in header, header
            kcat(b, "-P", "-t", "clicks", "-K", "\t", stdin=b'u1\t{"PAGE":"/live"}\n')
            row = proc.stdout.readline()
            assert row.startswith(b"|/live "), row
        finally:
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 0, stderr.decode()
        assert stdout.decode() == "Query terminated\n", stdout.decode()


def test_print_define_and_run_script():
    with Broker() as b:
        res = streams(b, "--execute", CLICKS)
        assert res.returncode == 0, res.stderr.decode()
        kcat(b, "-P", "-t", "clicks", "-K", "\t",
             stdin=b'u1\t{"PAGE":"/a"}\nu2\t{"PAGE":"/b"}\nu3\t{"PAGE":"/c"}\n')
        res = streams(b, "--define", "topic=clicks", "--execute",
                      "PRINT '${topic}' FROM BEGINNING LIMIT 2;")
        assert res.returncode == 0, res.stderr.decode()
        lines = res.stdout.decode().splitlines()
        assert lines[:2] == ["Key format: KAFKA_STRING",
                             "Value format: JSON or KAFKA_STRING"], lines
        assert lines[2].startswith("rowtime: ") and lines[2].endswith(
            ' Z, key: u1, value: {"PAGE":"/a"}, partition: 0'), lines
        assert lines[3].endswith(' Z, key: u2, value: {"PAGE":"/b"}, partition: 0'), lines
        assert lines[4:] == ["Topic printing ceased"], lines

        script = write_sql("DEFINE src = 'clicks';\nDESCRIBE ${src};\n")
        try:
            res = streams(b, "--execute", f"RUN SCRIPT '{script}'; SHOW VARIABLES;")
            assert res.returncode == 0, res.stderr.decode()
            out = res.stdout.decode()
            assert "Name                 : CLICKS" in out, out
            assert " src           | clicks \n" in out, out
        finally:
            os.unlink(script)
        script = write_sql("SELECT * FROM clicks EMIT CHANGES;\n")
        try:
            res = streams(b, "--execute", f"RUN SCRIPT '{script}';")
            assert res.returncode == 2, res
            assert "RUN SCRIPT runs no SELECT, PRINT or RUN SCRIPT" in res.stderr.decode()
        finally:
            os.unlink(script)
        res = streams(b, "--define", "a=b=c", "--execute", "SHOW VARIABLES;")
        assert res.returncode == 1, res
        assert "variables must be defined using '=' (i.e. var=val)" in res.stderr.decode()


def test_sigint_ends_a_print():
    with Broker() as b:
        res = streams(b, "--execute", CLICKS)
        assert res.returncode == 0, res.stderr.decode()
        proc = subprocess.Popen([BINARY, "streams", "--bootstrap-server", b.bootstrap,
                                 "--execute", "PRINT 'clicks';"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            # It starts at the end: records until it has shown one.
            os.set_blocking(proc.stdout.fileno(), False)
            seen = b""
            for _ in range(100):
                kcat(b, "-P", "-t", "clicks", "-K", "\t", stdin=b'u1\t{"PAGE":"/live"}\n')
                time.sleep(0.2)
                seen += proc.stdout.read() or b""
                if b"key: u1" in seen:
                    break
            assert b"Key format: KAFKA_STRING\n" in seen, seen
        finally:
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 0, stderr.decode()
        assert (seen + stdout).decode().endswith("Topic printing ceased\n"), seen + stdout


if __name__ == "__main__":
    run_tests([test_avro_is_not_supported_yet, test_syntax_error_points_at_the_token,
               test_seed_statements_with_json_run_until_sigterm,
               test_two_processes_share_a_query_and_survive_one_leaving,
               test_transient_queries_print_a_table, test_sigint_ends_a_push_query,
               test_print_define_and_run_script, test_sigint_ends_a_print])
