"""Starts a real `clickstream broker` for end-to-end tests with real Kafka clients.

Each test gets a fresh log directory and a free port on 127.0.0.1. The broker
is stopped with SIGTERM (graceful shutdown) and must exit 0; `kill()` sends
SIGKILL for crash tests. Nothing here talks to the broker except through the
Kafka protocol.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BINARY = os.environ.get("CLICKSTREAM_BINARY", "")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """A clickstream process writing to log_path: stopped with SIGTERM (must
    exit 0) or killed with SIGKILL."""

    name = "service"
    proc = None
    log_path = ""

    def stop(self, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise RuntimeError(f"{self.name} ignored SIGTERM for {timeout}s:\n{self.output()}")
            if code != 0:
                raise RuntimeError(f"{self.name} exited with {code} after SIGTERM:\n{self.output()}")
        self.proc = None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def output(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")[-8000:]
        except OSError:
            return ""


class Broker(Service):
    name = "broker"

    def __init__(self, log_dir=None, port=None, extra=None):
        if not BINARY:
            raise RuntimeError("CLICKSTREAM_BINARY must name the clickstream binary")
        self.own_dir = log_dir is None
        self.log_dir = log_dir or tempfile.mkdtemp(prefix="cs-e2e-")
        self.port = port or free_port()
        self.extra = extra or {}
        self.proc = None
        self.log_path = os.path.join(self.log_dir, "broker.log")

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def config_text(self):
        settings = {
            "broker.id": 0,
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "log.dirs": os.path.join(self.log_dir, "data"),
            "num.partitions": 1,
            "group.initial.rebalance.delay.ms": 0,
        }
        settings.update(self.extra)
        return "".join(f"{k}={v}\n" for k, v in settings.items())

    def start(self, timeout=20):
        cfg = os.path.join(self.log_dir, "server.properties")
        with open(cfg, "w") as f:
            f.write(self.config_text())
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BINARY, "broker", "--config", cfg],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"broker exited with {self.proc.returncode}:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"broker did not listen within {timeout}s:\n{self.output()}")

    def stored_codecs(self, topic, partition=0):
        """The compression codec ids (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd) of
        every batch stored in the partition's first segment, read from disk."""
        import struct
        path = os.path.join(self.log_dir, "data", f"{topic}-{partition}", "0" * 20 + ".log")
        codecs = []
        with open(path, "rb") as f:
            data = f.read()
        pos = 0
        while pos + 61 <= len(data):
            length = struct.unpack_from(">i", data, pos + 8)[0]
            attributes = struct.unpack_from(">h", data, pos + 21)[0]
            codecs.append(attributes & 7)
            pos += 12 + length
        return codecs

    def cleanup(self):
        self.kill()
        if self.own_dir:
            shutil.rmtree(self.log_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.stop()
        finally:
            if exc_type is not None:
                sys.stderr.write(f"--- broker log ---\n{self.output()}\n")
            self.cleanup()


def run_tests(tests):
    """Runs each test function; prints a closing 'N passed, M failed' line."""
    passed, failed = 0, 0
    for t in tests:
        start = time.time()
        try:
            t()
            passed += 1
            print(f"PASS {t.__name__} ({time.time() - start:.1f}s)", flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure
            failed += 1
            import traceback
            traceback.print_exc()
            print(f"FAIL {t.__name__}: {e}", flush=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
