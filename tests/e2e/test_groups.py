"""Consumer-group behaviour with python3-confluent-kafka (librdkafka): a member
that dies without a LeaveGroup is expired after the session timeout and its
partitions move to the survivors with nothing lost; committed offsets survive
a broker restart; a static member (group.instance.id) that comes back within
the session timeout gets its partitions back.

Each group member runs in its own process (this file run with `worker ...`) so
the test can SIGKILL it. A worker prints one line per event on stdout:
  ASSIGN p,p,...        after every (eager) assignment
  REC <partition> <offset> <key>   for every record, printed before committing
  COMMIT                after each synchronous commit
"""

import os
import signal
import subprocess
import sys
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from harness import Broker, run_tests

SESSION_TIMEOUT_MS = 6000


# --- the member process ---------------------------------------------------

def worker_main(bootstrap, group, topic, instance_id):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    conf = {"bootstrap.servers": bootstrap, "group.id": group,
            "session.timeout.ms": SESSION_TIMEOUT_MS, "heartbeat.interval.ms": 500,
            "enable.auto.commit": False, "auto.offset.reset": "earliest",
            "partition.assignment.strategy": "range"}
    if instance_id != "-":
        conf["group.instance.id"] = instance_id
    c = Consumer(conf)

    def on_assign(consumer, parts):
        print("ASSIGN " + ",".join(str(p.partition) for p in sorted(parts, key=lambda p: p.partition)),
              flush=True)

    c.subscribe([topic], on_assign=on_assign)
    while not stop:
        msgs = c.consume(num_messages=200, timeout=0.3)
        good = [m for m in msgs if not m.error()]
        for m in msgs:
            if m.error():
                print(f"ERROR {m.error()}", flush=True)
        if not good:
            continue
        sys.stdout.write("".join(f"REC {m.partition()} {m.offset()} {m.key().decode()}\n" for m in good))
        sys.stdout.flush()
        try:
            c.commit(asynchronous=False)
            print("COMMIT", flush=True)
        except Exception as e:  # noqa: BLE001 - a commit during a rebalance may fail; the records get redelivered
            print(f"COMMITFAIL {e}", flush=True)
    c.close()


class Member:
    """A worker process and what it has reported so far."""

    def __init__(self, bootstrap, group, topic, instance_id="-"):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "worker", bootstrap, group, topic, instance_id],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lock = threading.Lock()
        self.assignments = []  # every ASSIGN, in order, as tuples
        self.records = []      # (partition, offset, key)
        self.errors = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            parts = line.split()
            with self.lock:
                if parts[0] == "ASSIGN":
                    self.assignments.append(
                        tuple(int(p) for p in parts[1].split(",")) if len(parts) > 1 else ())
                elif parts[0] == "REC":
                    self.records.append((int(parts[1]), int(parts[2]), parts[3]))
                elif parts[0] == "ERROR":
                    self.errors.append(line.strip())

    def assignment(self):
        with self.lock:
            return self.assignments[-1] if self.assignments else None

    def keys(self):
        with self.lock:
            return {r[2] for r in self.records}

    def kill(self):
        self.proc.kill()
        self.proc.wait()
        self.reader.join(5)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(5)


def wait_for(cond, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def create_topic(bootstrap, topic, partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result(10)


def produce(bootstrap, topic, keys, partitions):
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5})
    for i, k in enumerate(keys):
        # Explicit partitions spread the records evenly whatever the key hash.
        p.produce(topic, key=k, value=f"v-{k}", partition=i % partitions)
    assert p.flush(30) == 0


def committed(bootstrap, group, topic, partitions):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        return {tp.partition: tp.offset for tp in
                c.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=10)}
    finally:
        c.close()


# --- tests -----------------------------------------------------------------

def test_killed_member_is_expired_and_nothing_is_lost():
    topic, group, n = "clicks", "g-kill", 3000
    with Broker() as b:
        create_topic(b.bootstrap, topic, 6)
        members = [Member(b.bootstrap, group, topic) for _ in range(3)]
        try:
            def balanced():
                a = [m.assignment() for m in members]
                return (all(x is not None and len(x) == 2 for x in a)
                        and sorted(p for x in a for p in x) == list(range(6)))
            wait_for(balanced, 30, "three members with two partitions each")

            keys = [f"k{i:05d}" for i in range(n)]
            produce(b.bootstrap, topic, keys[:n // 2], 6)
            victim, survivors = members[0], members[1:]
            wait_for(lambda: len(victim.keys()) > 0, 30, "the victim to consume something")
            victim_parts = victim.assignment()
            victim.kill()  # SIGKILL: no LeaveGroup, no commit of what it held
            produce(b.bootstrap, topic, keys[n // 2:], 6)

            def survivors_own_all():
                a = [m.assignment() for m in survivors]
                return all(a) and sorted(p for x in a for p in x) == list(range(6))
            wait_for(survivors_own_all, 30,
                     f"survivors to take over partitions {victim_parts} after the session timeout")

            def all_seen():
                return set().union(*(m.keys() for m in members)) == set(keys)
            wait_for(all_seen, 60, "every produced record to be consumed")
            # Everything was processed and committed: the group's offsets reach the end.
            wait_for(lambda: committed(b.bootstrap, group, topic, 6) == {p: n // 6 for p in range(6)},
                     30, "committed offsets to reach the end of every partition")
            for m in members:
                assert not m.errors, m.errors
            # Records consumed by a survivor came from partitions it owned, in offset order per stint.
            for m in survivors:
                assert {r[0] for r in m.records} <= set().union(*m.assignments), (m.assignments,)
        finally:
            for m in members:
                m.stop()


def test_committed_offsets_survive_restart_and_new_member_resumes():
    topic, group = "resume", "g-resume"
    b = Broker()
    try:
        b.start()
        create_topic(b.bootstrap, topic, 3)
        produce(b.bootstrap, topic, [f"r{i:04d}" for i in range(300)], 3)
        # Commit a different position per partition: 40, 70, 100 (of 100 each).
        commit_at = {0: 40, 1: 70, 2: 100}
        c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": group,
                      "enable.auto.commit": False, "auto.offset.reset": "earliest"})
        c.subscribe([topic])
        seen = 0
        deadline = time.time() + 30
        while seen < 300 and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                seen += 1
        assert seen == 300, seen
        c.commit(offsets=[TopicPartition(topic, p, o) for p, o in commit_at.items()],
                 asynchronous=False)
        c.close()

        b.stop()
        b.start()
        assert committed(b.bootstrap, group, topic, 3) == commit_at

        c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": group,
                      "enable.auto.commit": False, "auto.offset.reset": "earliest"})
        c.subscribe([topic])
        got = []
        deadline = time.time() + 30
        while len(got) < 90 and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                got.append((m.partition(), m.offset()))
        # Nothing more arrives: the committed prefix is never re-delivered.
        extra = c.consume(num_messages=10, timeout=2)
        c.close()
        got += [(m.partition(), m.offset()) for m in extra if not m.error()]
        expected = [(p, o) for p in range(3) for o in range(commit_at[p], 100)]
        assert sorted(got) == expected, (len(got), sorted(got)[:5])
        b.stop()
    finally:
        if b.proc is not None:
            sys.stderr.write(f"--- broker log ---\n{b.output()}\n")
        b.cleanup()


def test_static_member_restarting_within_session_timeout_keeps_partitions():
    topic, group = "static", "g-static"
    with Broker() as b:
        create_topic(b.bootstrap, topic, 4)
        a = Member(b.bootstrap, group, topic, "member-a")
        other = Member(b.bootstrap, group, topic, "member-b")
        a2 = None
        try:
            def balanced():
                x, y = a.assignment(), other.assignment()
                return x and y and sorted(x + y) == [0, 1, 2, 3] and len(x) == 2
            wait_for(balanced, 30, "two static members with two partitions each")
            a_parts, other_parts = a.assignment(), other.assignment()
            other_assigns = len(other.assignments)
            a.kill()
            a2 = Member(b.bootstrap, group, topic, "member-a")
            wait_for(lambda: a2.assignment() is not None, 30, "the restarted member's assignment")
            assert a2.assignment() == a_parts, (a2.assignment(), a_parts)
            # Wait past the old session timeout: the old incarnation's expiry must not
            # take the partitions away from the new one.
            time.sleep(SESSION_TIMEOUT_MS / 1000 + 2)
            assert a2.assignment() == a_parts, (a2.assignments, a_parts)
            assert other.assignment() == other_parts, (other.assignments, other_parts)
            # Records still reach the restarted member for its partitions.
            produce(b.bootstrap, topic, [f"s{i}" for i in range(40)], 4)
            wait_for(lambda: len(a2.keys()) + len(other.keys()) == 40, 30, "40 records")
            assert {r[0] for r in a2.records} == set(a_parts)
            # A static rejoin replaces the member without a rebalance of the others.
            assert len(other.assignments) == other_assigns, other.assignments
        finally:
            for m in (a, other, a2):
                if m is not None:
                    m.stop()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker_main(*sys.argv[2:6])
        sys.exit(0)
    run_tests([
        test_killed_member_is_expired_and_nothing_is_lost,
        test_committed_offsets_survive_restart_and_new_member_resumes,
        test_static_member_restarting_within_session_timeout_keeps_partitions,
    ])
