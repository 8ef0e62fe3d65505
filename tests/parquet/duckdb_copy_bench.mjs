// DuckDB's own Parquet writer on the rows parquet_bench writes, for
// bench/RESULTS.md: loads the CSV from `parquet_bench --csv=<path>` into a
// table (not timed), then times single-threaded COPY ... TO parquet with
// each codec (best of `rounds`), and prints rows/s and file bytes per row.
// Usage: node duckdb_copy_bench.mjs <rows.csv> [rounds]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 5);
const conn = await (await DuckDBInstance.create(':memory:')).connect();
await conn.run('SET threads = 1');
await conn.run(`CREATE TABLE t AS SELECT event_id, user_id, session_id, event_type, page_url,
    country, make_timestamp(ts_us)::TIMESTAMPTZ AS ts
  FROM read_csv('${csv}', header = true, all_varchar = false,
    columns = {'event_id': 'VARCHAR', 'user_id': 'VARCHAR', 'session_id': 'VARCHAR',
               'event_type': 'VARCHAR', 'page_url': 'VARCHAR', 'country': 'VARCHAR',
               'ts_us': 'BIGINT'})`);
const n = Number((await conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
const out = path.join(os.tmpdir(), `duckdb_copy_bench_${process.pid}.parquet`);
for (const codec of ['snappy', 'uncompressed', 'zstd']) {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.cpuUsage();
    await conn.run(`COPY t TO '${out}' (FORMAT parquet, COMPRESSION ${codec})`);
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / 1e6);
  }
  const size = fs.statSync(out).size;
  console.log(`duckdb ${codec}: ${n} rows, best CPU ${(best * 1000).toFixed(1)} ms, ` +
    `${Math.round(n / best)} rows/s, ${(size / n).toFixed(2)} file bytes/row`);
}
fs.rmSync(out, { force: true });
