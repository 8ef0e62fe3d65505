// Reads lists.parquet (LIST and MAP columns written by the C++ tool
// parquet_list_fixtures) with DuckDB and checks:
//   - the Parquet schema: LIST/MAP annotations, the 3-level structure
//     (list/element, key_value/key/value), repetitions
//   - the types DuckDB derives (BIGINT[], MAP(VARCHAR, BIGINT), ...)
//   - every row, each column compared as to_json() with lists.json
//   - element access: ints[1], len(), m['k0'], pts[1].x, unnest()
//   - per leaf column: num_values (level entries) and null_count summed over
//     the row groups, and the row-group count
// Usage: node lists.mjs <parquet_list_fixtures binary> <scratch directory>
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { runFixture } from './harness.mjs';

const { dir, conn } = await runFixture('lists.mjs');
const failures = [];
let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) failures.push(what);
}
const rows = async (sql) => (await conn.runAndReadAll(sql)).getRows();
const f = `'${path.join(dir, 'lists.parquet').replace(/'/g, "''")}'`;
const want = JSON.parse(fs.readFileSync(path.join(dir, 'lists.json'), 'utf8'));
const cols = ['ints', 'strs', 'pts', 'm', 'nn', 's'];

// Schema elements in order: name, repetition, converted type.
const expectSchema = [
  ['schema', null, null],
  ['id', 'REQUIRED', null],
  ['ints', 'OPTIONAL', 'LIST'], ['list', 'REPEATED', null], ['element', 'OPTIONAL', null],
  ['strs', 'REQUIRED', 'LIST'], ['list', 'REPEATED', null], ['element', 'REQUIRED', 'UTF8'],
  ['pts', 'OPTIONAL', 'LIST'], ['list', 'REPEATED', null], ['element', 'OPTIONAL', null],
  ['x', 'REQUIRED', null], ['y', 'OPTIONAL', 'UTF8'],
  ['m', 'OPTIONAL', 'MAP'], ['key_value', 'REPEATED', null], ['key', 'REQUIRED', 'UTF8'],
  ['value', 'OPTIONAL', null],
  ['nn', 'OPTIONAL', 'LIST'], ['list', 'REPEATED', null], ['element', 'OPTIONAL', 'LIST'],
  ['list', 'REPEATED', null], ['element', 'OPTIONAL', null],
  ['s', 'OPTIONAL', null], ['tags', 'OPTIONAL', 'LIST'], ['list', 'REPEATED', null],
  ['element', 'OPTIONAL', 'UTF8'],
];
const schema = (await rows(`SELECT name, repetition_type, converted_type FROM parquet_schema(${f})`))
  .map((r, i) => [r[0], i === 0 ? null : r[1], r[2]]);
check(isDeepStrictEqual(schema, expectSchema), `schema: ${JSON.stringify(schema)}`);
const logical = await rows(`SELECT name, logical_type::VARCHAR FROM parquet_schema(${f}) WHERE converted_type IN ('LIST', 'MAP')`);
for (const [name, lt] of logical) {
  check(/List|Map/i.test(lt ?? ''), `${name}: logical type ${lt}`);
}

const types = (await rows(`SELECT ${cols.map((c) => `typeof(${c})`).join(', ')} FROM read_parquet(${f}) LIMIT 1`))[0];
const expectTypes = ['BIGINT[]', 'VARCHAR[]', 'STRUCT(x BIGINT, y VARCHAR)[]', 'MAP(VARCHAR, BIGINT)',
  'BIGINT[][]', 'STRUCT(tags VARCHAR[])'];
check(isDeepStrictEqual(types, expectTypes), `types: ${JSON.stringify(types)}`);

// Every row.
const got = await rows(`SELECT id::INTEGER, ${cols.map((c) => `to_json(${c})::VARCHAR`).join(', ')}
  FROM read_parquet(${f}) ORDER BY id`);
check(got.length === want.rows.length, `${got.length} rows, expected ${want.rows.length}`);
for (let i = 0; i < Math.min(got.length, want.rows.length); i++) {
  const w = want.rows[i];
  check(got[i][0] === w.id, `row ${i}: id ${got[i][0]}`);
  cols.forEach((c, k) => {
    const have = got[i][k + 1] === null ? null : JSON.parse(got[i][k + 1]);
    check(isDeepStrictEqual(have, w[c]), `row ${w.id} ${c}: ${got[i][k + 1]}, expected ${JSON.stringify(w[c])}`);
  });
}

// Element access and unnesting.
const access = await rows(`SELECT id::INTEGER, ints[1]::VARCHAR, len(ints)::INTEGER, m['k0']::VARCHAR,
  pts[1].x::VARCHAR, nn[1][1]::VARCHAR, s.tags[1] FROM read_parquet(${f}) ORDER BY id`);
for (const [id, first, n, k0, x, nn, tag] of access) {
  const w = want.rows[id];
  const str = (v) => (v === null || v === undefined ? null : String(v));
  check(first === str(w.ints?.[0]), `row ${id}: ints[1] ${first}`);
  check(n === (w.ints === null ? null : w.ints.length), `row ${id}: len(ints) ${n}`);
  check(k0 === str(w.m?.k0), `row ${id}: m['k0'] ${k0}`);
  check(x === str(w.pts?.[0]?.x), `row ${id}: pts[1].x ${x}`);
  check(nn === str(w.nn?.[0]?.[0]), `row ${id}: nn[1][1] ${nn}`);
  check(tag === (w.s?.tags?.[0] ?? null), `row ${id}: s.tags[1] ${tag}`);
}
const unnested = await rows(`SELECT count(*)::INTEGER, count(e)::INTEGER FROM (SELECT unnest(ints) AS e FROM read_parquet(${f}))`);
const elems = want.rows.flatMap((r) => r.ints ?? []);
check(unnested[0][0] === elems.length && unnested[0][1] === elems.filter((e) => e !== null).length,
  `unnest(ints): ${unnested[0]}`);
const big = await rows(`SELECT len(ints)::INTEGER FROM read_parquet(${f}) WHERE id = 1000`);
check(big[0][0] === 500, `row 1000: ${big[0][0]} elements`);

// Footer facts per leaf column.
const meta = await rows(`SELECT column_id::INTEGER, sum(num_values)::INTEGER, sum(stats_null_count)::INTEGER,
  count(DISTINCT row_group_id)::INTEGER FROM parquet_metadata(${f}) GROUP BY 1 ORDER BY 1`);
check(meta.length === want.leaves.length, `${meta.length} leaf columns`);
meta.forEach(([id, values, nulls, groups]) => {
  const w = want.leaves[id];
  check(values === w.entries, `column ${id}: num_values ${values}, expected ${w.entries}`);
  check(nulls === w.nulls, `column ${id}: null_count ${nulls}, expected ${w.nulls}`);
  check(groups === want.row_groups, `column ${id}: ${groups} row groups`);
});

if (failures.length > 0) {
  console.error(`${failures.length} of ${checks} checks failed:`);
  for (const m of failures.slice(0, 40)) console.error(`  ${m}`);
  process.exit(1);
}
console.log(`lists.parquet: ${checks} checks passed`);
