"""kcat (librdkafka 2.0) against our broker: metadata, produce, consume, every
compression codec, and a balanced consumer group."""

import subprocess

from harness import Broker, run_tests


def kcat(broker, *args, stdin=None, timeout=60):
    cmd = ["kcat", "-b", broker.bootstrap, *args]
    res = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout)
    if res.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {res.returncode}: {res.stderr.decode()}")
    return res.stdout.decode()


def test_metadata_lists_broker_and_topics():
    with Broker() as b:
        kcat(b, "-P", "-t", "meta-topic", stdin=b"x\n")
        out = kcat(b, "-L")
        assert f"broker 0 at 127.0.0.1:{b.port}" in out, out
        assert 'topic "meta-topic" with 1 partitions' in out, out


def test_produce_consume_keys_in_order():
    lines = [f"user{i % 7}:event-{i}" for i in range(1000)]
    with Broker() as b:
        kcat(b, "-P", "-t", "clicks", "-K:", stdin=("\n".join(lines) + "\n").encode())
        out = kcat(b, "-C", "-t", "clicks", "-e", "-f", "%k:%s\\n")
        assert out.splitlines() == lines


def test_every_compression_codec():
    with Broker() as b:
        for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
            topic = f"codec-{codec}"
            values = [f"{codec}-{i}-" + "x" * (i % 50) for i in range(500)]
            kcat(b, "-P", "-t", topic, "-z", codec, "-X", "linger.ms=20",
                 stdin=("\n".join(values) + "\n").encode())
            out = kcat(b, "-C", "-t", topic, "-e", "-f", "%s\\n")
            assert out.splitlines() == values, codec
            # The batches are stored as the client compressed them, not
            # silently sent uncompressed (librdkafka's Produce v0 gating).
            codec_id = ["none", "gzip", "snappy", "lz4", "zstd"].index(codec)
            # librdkafka sends a batch uncompressed when compressing would not
            # shrink it (a lone small record under load), so "none" may appear
            # beside the codec; the codec itself must be there.
            stored = set(b.stored_codecs(topic))
            assert codec_id in stored and stored <= {0, codec_id}, (codec, stored)


def test_offsets_and_timestamps():
    with Broker() as b:
        kcat(b, "-P", "-t", "ts", stdin=b"a\nb\nc\nd\n")
        out = kcat(b, "-C", "-t", "ts", "-o", "2", "-e", "-f", "%o %s\\n")
        assert out.splitlines() == ["2 c", "3 d"], out
        out = kcat(b, "-C", "-t", "ts", "-o", "-1", "-e", "-f", "%s\\n")
        assert out.splitlines() == ["d"], out


def test_balanced_consumer_group():
    with Broker(extra={"num.partitions": 3}) as b:
        values = [f"v{i}" for i in range(300)]
        kcat(b, "-P", "-t", "grouped", "-K:", stdin="\n".join(f"k{i}:{v}" for i, v in enumerate(values)).encode())
        out = kcat(b, "-G", "kcat-group", "-o", "beginning", "-c", str(len(values)), "-f", "%s\\n",
                   "grouped", timeout=90)
        assert sorted(out.splitlines()) == sorted(values)


if __name__ == "__main__":
    run_tests([
        test_metadata_lists_broker_and_topics,
        test_produce_consume_keys_in_order,
        test_every_compression_codec,
        test_offsets_and_timestamps,
        test_balanced_consumer_group,
    ])
