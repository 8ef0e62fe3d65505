"""`clickstream streams` without --file/--execute: the interactive shell.
Piped: statements run as their ';' arrives (one may span lines, a ';'
inside a string does not end it), an error is reported and the next
statement still runs, exit status 2 after an error. On a terminal (a pty):
the prompts, Ctrl-C ending a push query and dropping a half-typed line
without leaving the shell, and `exit` stopping the persistent queries it
started."""

import os
import pty
import select
import subprocess
import time

from harness import BINARY, Broker, run_tests

CLICKS = ("CREATE STREAM clicks (user STRING KEY, page STRING)\n"
          "  WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);\n")


def test_piped_statements_run_in_order_past_an_error():
    with Broker() as b:
        script = (CLICKS +
                  "INSERT INTO clicks (user, page) VALUES ('u1', '/a;b');\n"
                  "SELECT * FORM clicks;\n"
                  "SET 'auto.offset.reset'='earliest';\n"
                  "SELECT page FROM clicks\n  EMIT CHANGES LIMIT 1;\n"
                  "exit\n"
                  "SHOW TOPICS;\n")
        res = subprocess.run([BINARY, "streams", "--bootstrap-server", b.bootstrap],
                             input=script.encode(), capture_output=True, timeout=120)
        out, err = res.stdout.decode(), res.stderr.decode()
        assert res.returncode == 2, (res.returncode, out, err)
        assert "Stream created" in out, out
        assert "mismatched input 'FORM', expected FROM" in err, err
        assert "|/a;b " in out, out
        assert "Limit Reached\nQuery terminated\n" in out, out
        assert "ksql>" not in out, out  # no prompt when stdin is not a terminal
        assert "Kafka Topic" not in out, out  # nothing after exit

        res = subprocess.run([BINARY, "streams", "--bootstrap-server", b.bootstrap],
                             input=b"SHOW STREAMS", capture_output=True, timeout=60)
        assert res.returncode == 2, res
        assert "the input ended inside a statement" in res.stderr.decode(), res.stderr


class Pty:
    """The shell on a pseudo-terminal: what it printed, and keys typed."""

    def __init__(self, args):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True,
                                     preexec_fn=lambda: __import__("fcntl").ioctl(
                                         0, __import__("termios").TIOCSCTTY, 0))
        os.close(slave)
        self.seen = b""

    def type(self, text):
        os.write(self.master, text.encode())

    def expect(self, marker, timeout=60):
        """Reads until `marker` appears after what earlier expects consumed."""
        deadline = time.time() + timeout
        while marker.encode() not in self.seen:
            left = deadline - time.time()
            assert left > 0, f"no {marker!r} in {self.seen.decode(errors='replace')!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    chunk = b""
                assert chunk, f"shell ended before {marker!r}: {self.seen!r}"
                self.seen += chunk
        at = self.seen.index(marker.encode()) + len(marker)
        before, self.seen = self.seen[:at], self.seen[at:]
        return before.decode(errors="replace")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=60)
        os.close(self.master)


def test_terminal_prompts_ctrl_c_and_exit():
    with Broker() as b:
        sh = Pty([BINARY, "streams", "--bootstrap-server", b.bootstrap])
        try:
            sh.expect("ksql> ")
            first, rest = CLICKS.split("\n", 1)
            sh.type(first + "\n")
            sh.expect("    > ")  # the statement goes on
            sh.type(rest)
            sh.expect("Stream created")
            sh.expect("ksql> ")

            sh.type("SELECT page FROM clicks EMIT CHANGES;\n")
            sh.expect("|PAGE")
            sh.type("\x03")  # Ctrl-C ends the push query, not the shell
            sh.expect("Query terminated")
            sh.expect("ksql> ")

            sh.type("SHOW\n")
            sh.expect("    > ")
            sh.type("\x03")  # drops the statement begun
            sh.expect("ksql> ")
            sh.type("SHOW STREAMS;\n")
            out = sh.expect("ksql> ")
            assert " CLICKS " in out, out

            sh.type("CREATE STREAM pages AS SELECT page FROM clicks;\n")
            sh.expect("Created query with ID")
            sh.expect("ksql> ")
            sh.type("exit\n")
            sh.expect("stopping 1 persistent query")
            assert sh.proc.wait(timeout=60) == 0
        finally:
            sh.close()


if __name__ == "__main__":
    run_tests([test_piped_statements_run_in_order_past_an_error,
               test_terminal_prompts_ctrl_c_and_exit])
