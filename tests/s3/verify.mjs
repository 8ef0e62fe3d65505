// Runs the S3 sink's fixture tool (s3_sink_duckdb_fixtures), then reads
// every Parquet object it wrote with DuckDB and checks, per scenario:
//   - every record put is in exactly one object (no record missing, none
//     duplicated), with every value equal (timestamps as epoch micros);
//   - the object lies under the prefix its partitioner must have chosen and
//     is named <topic>+<partition>+<start offset %010d>... with the start
//     offset <= the record's offset, in the record's Kafka partition;
//   - columns a file lacks (a field that appeared later) are null in it.
// DuckDB comes from tests/parquet's node_modules (@duckdb/node-api, pinned
// there). Usage: node verify.mjs <fixture tool> <scratch dir>
import fs from 'node:fs';
import path from 'node:path';
import { runFixture } from '../parquet/harness.mjs';

const { dir, conn } = await runFixture('verify.mjs');
const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
const failures = [];
let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok && failures.length < 50) failures.push(what);
}
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const ident = (s) => `"${s.replace(/"/g, '""')}"`;

function walk(root) {
  const out = [];
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

for (const sc of expected.scenarios) {
  const files = walk(sc.root);
  const seen = new Map(); // "partition/offset" -> { key, row }
  for (const file of files) {
    const key = path.relative(sc.root, file).split(path.sep).join('/');
    check(key.endsWith('.parquet') && !path.basename(key).startsWith('.'), `${sc.name}: unexpected object ${key}`);
    const m = /^(.*\/)([^/+]+)\+(\d+)\+(\d{10})\.(?:(snappy|zstd|gzip|lz4_raw)\.)?parquet$/.exec(key);
    check(m !== null, `${sc.name}: object name ${key}`);
    if (!m) continue;
    const desc = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${q(file)}, hive_partitioning = false)`)).getRows();
    const cols = desc.map((d) => ({ name: d[0], type: d[1] }));
    const select = cols.map((c) => c.type.startsWith('TIMESTAMP')
      ? `epoch_us(${ident(c.name)})::VARCHAR` : `${ident(c.name)}::VARCHAR`).join(', ');
    const rows = (await conn.runAndReadAll(`SELECT ${select} FROM read_parquet(${q(file)}, hive_partitioning = false)`)).getRows();
    check(rows.length > 0, `${sc.name}: ${key} has no rows`);
    for (const r of rows) {
      const row = {};
      cols.forEach((c, i) => { row[c.name] = r[i]; });
      const seq = Number(row.seq);
      const partition = Math.floor(seq / 1000000);
      const offset = seq % 1000000;
      const id = `${partition}/${offset}`;
      check(!seen.has(id), `${sc.name}: record ${id} in ${key} and ${seen.get(id)?.key}`);
      seen.set(id, { key, row, start: Number(m[4]), partition: Number(m[3]) });
    }
  }
  for (const rec of sc.records) {
    const id = `${rec.partition}/${rec.offset}`;
    const got = seen.get(id);
    check(got !== undefined, `${sc.name}: record ${id} is missing`);
    if (!got) continue;
    seen.delete(id);
    check(got.key.startsWith(rec.prefix), `${sc.name}: record ${id} in ${got.key}, expected under ${rec.prefix}`);
    check(got.partition === rec.partition && got.start <= rec.offset,
      `${sc.name}: record ${id} in ${got.key} (wrong partition or start offset)`);
    for (const [k, v] of Object.entries(rec.row)) {
      check((got.row[k] ?? null) === v, `${sc.name}: record ${id} ${k}: got ${JSON.stringify(got.row[k])}, expected ${JSON.stringify(v)}`);
    }
    for (const [k, v] of Object.entries(got.row)) {
      if (!(k in rec.row)) check(v === null, `${sc.name}: record ${id} has ${k}=${v}, expected null`);
    }
  }
  check(seen.size === 0, `${sc.name}: ${seen.size} rows that were never put`);
  console.log(`${sc.name}: ${files.length} objects, ${sc.records.length} records checked`);
}

if (failures.length > 0) {
  console.error(`FAILED (${failures.length} of ${checks} checks):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`ok: ${checks} checks`);
