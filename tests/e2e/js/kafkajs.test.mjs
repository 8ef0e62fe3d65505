// kafkajs (pure JavaScript Kafka client, pinned in package.json) against a real
// `clickstream broker`: admin, producer (keys, headers, acks -1, none/gzip)
// a consumer group that commits and is resumed by a second member, and
// transactions (commit, abort, read_committed vs readUncommitted).
//
// Run: CLICKSTREAM_BINARY=.../clickstream node --test tests/e2e/js/kafkajs.test.mjs
// (after `npm ci --prefix tests/e2e/js`). The broker is started here the same
// way tests/e2e/harness.py does: generated server.properties, a temp dir, a
// free port on 127.0.0.1, SIGTERM at the end, exit code 0 expected.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Kafka, CompressionTypes, logLevel } from 'kafkajs';

const BINARY = process.env.CLICKSTREAM_BINARY;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setTimeout(200);
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
    s.on('timeout', () => { s.destroy(); resolve(false); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Resolves to `fallback` after ms unless `promise` settles first; never keeps node alive.
function within(promise, ms, fallback) {
  let timer;
  const t = new Promise((r) => { timer = setTimeout(() => r(fallback), ms); });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

class Broker {
  async start() {
    if (!BINARY) throw new Error('CLICKSTREAM_BINARY must name the clickstream binary');
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-e2e-js-'));
    this.port = await freePort();
    this.logPath = path.join(this.dir, 'broker.log');
    const cfg = path.join(this.dir, 'server.properties');
    fs.writeFileSync(cfg, [
      'broker.id=0',
      `listeners=PLAINTEXT://127.0.0.1:${this.port}`,
      `log.dirs=${path.join(this.dir, 'data')}`,
      'num.partitions=1',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n'));
    const log = fs.openSync(this.logPath, 'a');
    this.proc = spawn(BINARY, ['broker', '--config', cfg], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, sig) => resolve({ code, sig })));
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`broker exited early:\n${this.output()}`);
      if (await canConnect(this.port)) return;
      await sleep(50);
    }
    throw new Error(`broker did not listen within 20s:\n${this.output()}`);
  }

  get bootstrap() { return `127.0.0.1:${this.port}`; }

  output() {
    try { return fs.readFileSync(this.logPath, 'utf8').slice(-6000); } catch { return ''; }
  }

  async stop() {
    this.proc.kill('SIGTERM');
    const res = await within(this.exited, 30000, null);
    if (res === null) {
      this.proc.kill('SIGKILL');
      throw new Error(`broker ignored SIGTERM for 30s:\n${this.output()}`);
    }
    return res;
  }

  cleanup() { fs.rmSync(this.dir, { recursive: true, force: true }); }
}

const broker = new Broker();
let kafka;
let failed = false;

before(async () => {
  await broker.start();
  kafka = new Kafka({
    clientId: 'clickstream-e2e',
    brokers: [broker.bootstrap],
    logLevel: logLevel.ERROR,
    retry: { retries: 5 },
  });
});

after(async () => {
  const res = await broker.stop();
  if (failed || res.code !== 0) process.stderr.write(`--- broker log ---\n${broker.output()}\n`);
  broker.cleanup();
  assert.deepEqual(res, { code: 0, sig: null }, 'broker must exit 0 after SIGTERM');
});

function track(fn) {
  return async (t) => {
    try { await fn(t); } catch (e) { failed = true; throw e; }
  };
}

test('admin: create, list, metadata, describe configs, delete', track(async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      topics: [{ topic: 'js-admin', numPartitions: 3, replicationFactor: 1,
                 configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      waitForLeaders: true,
    });
    assert.equal(created, true);
    assert.ok((await admin.listTopics()).includes('js-admin'));

    const md = await admin.fetchTopicMetadata({ topics: ['js-admin'] });
    assert.equal(md.topics.length, 1);
    assert.equal(md.topics[0].name, 'js-admin');
    assert.deepEqual(md.topics[0].partitions.map((p) => p.partitionId).sort(), [0, 1, 2]);
    for (const p of md.topics[0].partitions) {
      assert.equal(p.leader, 0);
      assert.deepEqual(p.replicas, [0]);
    }

    const cfg = await admin.describeConfigs({
      resources: [{ type: 2 /* ConfigResourceTypes.TOPIC */, name: 'js-admin' }],
      includeSynonyms: false,
    });
    assert.equal(cfg.resources.length, 1);
    assert.equal(cfg.resources[0].errorCode, 0);
    const entries = Object.fromEntries(cfg.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    assert.equal(entries['cleanup.policy'], 'compact');
    assert.equal(entries['retention.ms'], String(7 * 24 * 3600 * 1000));

    await admin.deleteTopics({ topics: ['js-admin'] });
    // Deletion is visible to the next listing.
    assert.ok(!(await admin.listTopics()).includes('js-admin'));
  } finally {
    await admin.disconnect();
  }
}));

const TOPIC = 'js-clicks';
const PER_CODEC = 300;
const CODECS = [['none', CompressionTypes.None], ['gzip', CompressionTypes.GZIP]];

function expectedRecords() {
  const out = new Map();
  for (const [name] of CODECS) {
    for (let i = 0; i < PER_CODEC; i++) {
      out.set(`${name}-${i}`, { key: `user${i % 17}`, value: JSON.stringify({ codec: name, i }) });
    }
  }
  return out;
}

test('producer: keys, headers, acks -1, compression none and gzip', track(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (const [name, codec] of CODECS) {
      const messages = [];
      for (let i = 0; i < PER_CODEC; i++) {
        messages.push({
          key: `user${i % 17}`,
          value: JSON.stringify({ codec: name, i }),
          headers: { id: `${name}-${i}`, source: 'web' },
        });
      }
      // Several batches per codec so more than one produce request is compressed.
      for (let s = 0; s < messages.length; s += 100) {
        const meta = await producer.send({ topic: TOPIC, acks: -1, compression: codec,
                                           messages: messages.slice(s, s + 100) });
        for (const m of meta) {
          assert.equal(m.errorCode, 0);
          assert.equal(m.topicName, TOPIC);
        }
      }
    }
  } finally {
    await producer.disconnect();
  }
  // Offsets per partition add up to everything sent.
  const admin2 = kafka.admin();
  await admin2.connect();
  const offsets = await admin2.fetchTopicOffsets(TOPIC);
  await admin2.disconnect();
  const total = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  assert.equal(total, PER_CODEC * CODECS.length);
}));

async function consumeInGroup(groupId, want, { commitEvery = Infinity, stopAfter = Infinity } = {}) {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
  const got = [];
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let resolveDone;
  const done = new Promise((r) => { resolveDone = r; });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      if (got.length >= stopAfter) return;
      got.push({ partition, offset: Number(message.offset), key: message.key.toString(),
                 value: message.value.toString(),
                 headers: Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, v.toString()])) });
      if (got.length % commitEvery === 0) {
        await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
      }
      if (got.length >= Math.min(want, stopAfter)) resolveDone();
    },
  });
  const res = await within(done.then(() => 'ok'), 60000, 'timeout');
  await consumer.disconnect();
  assert.equal(res, 'ok', `consumer in ${groupId} got ${got.length} of ${Math.min(want, stopAfter)} records`);
  return got;
}

test('consumer group: everything arrives with keys, values and headers; commits are kept', track(async () => {
  const expected = expectedRecords();
  const got = await consumeInGroup('js-group', expected.size, { commitEvery: 1 });
  assert.equal(got.length, expected.size);
  const ids = new Set();
  for (const r of got) {
    const want = expected.get(r.headers.id);
    assert.ok(want, `unexpected record ${JSON.stringify(r)}`);
    assert.equal(r.key, want.key);
    assert.equal(r.value, want.value);
    assert.equal(r.headers.source, 'web');
    ids.add(r.headers.id);
  }
  assert.equal(ids.size, expected.size, 'no duplicates, nothing missing');

  const admin = kafka.admin();
  await admin.connect();
  const [committed] = await admin.fetchOffsets({ groupId: 'js-group', topics: [TOPIC] });
  const ends = await admin.fetchTopicOffsets(TOPIC);
  await admin.disconnect();
  const endOf = Object.fromEntries(ends.map((p) => [p.partition, p.high]));
  for (const p of committed.partitions) assert.equal(p.offset, endOf[p.partition]);
}));

test('a second member of a group resumes from the committed offsets', track(async () => {
  const expected = expectedRecords();
  // The first member commits every record it processes and stops processing after 250.
  const first = await consumeInGroup('js-resume', expected.size, { commitEvery: 1, stopAfter: 250 });
  const admin = kafka.admin();
  await admin.connect();
  const [committed] = await admin.fetchOffsets({ groupId: 'js-resume', topics: [TOPIC] });
  await admin.disconnect();
  const commitAt = Object.fromEntries(committed.partitions.map((p) => [p.partition, Number(p.offset)]));

  const rest = expected.size - 250;
  const second = await consumeInGroup('js-resume', rest);
  // Nothing below a committed offset is delivered again, and first + second is everything.
  for (const r of second) {
    const c = commitAt[r.partition] < 0 ? 0 : commitAt[r.partition];
    assert.ok(r.offset >= c, `offset ${r.offset} on partition ${r.partition} was committed at ${c}`);
  }
  const all = new Set([...first, ...second].map((r) => r.headers.id));
  assert.equal(first.length + second.length, expected.size);
  assert.equal(all.size, expected.size, 'the two members together saw every record exactly once');
}));

test('transactions: committed records reach read_committed consumers, aborted ones do not', track(async () => {
  const topic = 'js-txn';
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer({
    transactionalId: 'js-txn-writer', idempotent: true, maxInFlightRequests: 1,
  });
  await producer.connect();
  const committed = await producer.transaction();
  await committed.send({ topic, messages: [{ key: 'a', value: 'c1' }, { key: 'b', value: 'c2' }] });
  await committed.commit();
  const aborted = await producer.transaction();
  await aborted.send({ topic, messages: [{ key: 'a', value: 'x1' }, { key: 'b', value: 'x2' }] });
  await aborted.abort();
  const last = await producer.transaction();
  await last.send({ topic, messages: [{ key: 'a', value: 'c3' }] });
  await last.commit();
  await producer.disconnect();

  const read = async (groupId, readUncommitted, want) => {
    const consumer = kafka.consumer({ groupId, readUncommitted });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values = [];
    const done = new Promise((resolve) => {
      consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value.toString());
          if (values.length >= want) resolve();
        },
      });
    });
    await within(done, 20000);
    await sleep(1000);  // anything more would arrive now
    await consumer.disconnect();
    return values.sort();
  };
  assert.deepEqual(await read('js-txn-committed', false, 3), ['c1', 'c2', 'c3']);
  assert.deepEqual(await read('js-txn-uncommitted', true, 5), ['c1', 'c2', 'c3', 'x1', 'x2']);
}));
