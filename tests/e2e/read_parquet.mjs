// Prints every row of the Parquet files matching a glob as one JSON object
// per line, read by DuckDB (@duckdb/node-api from tests/parquet, pinned
// there); timestamps as epoch milliseconds. Usage:
//   node read_parquet.mjs '<dir>/**/*.parquet'
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, '..', 'parquet', 'node_modules', '@duckdb', 'node-api', 'lib', 'index.js');
const { DuckDBInstance } = await import(pathToFileURL(entry).href);

const [glob] = process.argv.slice(2);
const conn = await (await DuckDBInstance.create(':memory:')).connect();
const reader = await conn.runAndReadAll(
  `SELECT * FROM read_parquet('${glob.replaceAll("'", "''")}', union_by_name = true, hive_partitioning = false)`);
const names = reader.columnNames();
for (const row of reader.getRows()) {
  const obj = {};
  names.forEach((n, i) => {
    const v = row[i];
    if (v !== null && typeof v === 'object' && 'micros' in v) {
      obj[n] = Number(v.micros / 1000n);  // TIMESTAMP / TIMESTAMPTZ
    } else if (typeof v === 'bigint') {
      obj[n] = Number(v);
    } else {
      obj[n] = v === null || typeof v !== 'object' ? v : String(v);
    }
  });
  console.log(JSON.stringify(obj));
}
