// Shared by the DuckDB read-back checks (tests/parquet/verify.mjs,
// tests/s3/verify.mjs, tests/s3/types.mjs): takes `<fixture tool> <scratch
// dir>` from the command line, empties the scratch directory, runs the tool
// on it, and opens an in-memory DuckDB (@duckdb/node-api from this
// directory's node_modules). Without node_modules it exits 77, which CTest
// reports as skipped where SKIP_RETURN_CODE is 77.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function runFixture(script) {
  const entry = path.join(here, 'node_modules', '@duckdb', 'node-api', 'lib', 'index.js');
  if (!fs.existsSync(entry)) {
    console.log('skipped: no @duckdb/node-api in tests/parquet/node_modules');
    process.exit(77);
  }
  const { DuckDBInstance } = await import(pathToFileURL(entry).href);
  const [tool, dir] = process.argv.slice(2);
  if (!tool || !dir) {
    console.error(`usage: node ${script} <fixture tool> <scratch dir>`);
    process.exit(2);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(tool, [dir], { stdio: 'inherit' });
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  return { dir, conn };
}
