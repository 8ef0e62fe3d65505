// Runs s3_parquet_types_fixture (JsonConverter records with a Connect schema
// through the S3 sink's ParquetFormat), then checks with DuckDB that the
// object has the Parquet types Confluent's S3 sink (AvroData + parquet-avro)
// writes: DECIMAL(precision, scale) on BYTE_ARRAY, DATE, TIME_MILLIS,
// TIMESTAMP_MILLIS, FLOAT for float32, plain INT32 for int8/int16, REQUIRED
// for non-optional fields, structs as (nested) groups, arrays as 3-level
// LISTs (list/element), maps as MAPs (key_value/key/value), a map with
// array keys as JSON text; and that every value reads back right, list
// elements and map values included.
// Exit 77 (skipped) without tests/parquet's node_modules.
// Usage: node types.mjs <fixture tool> <scratch dir>
import path from 'node:path';
import { runFixture } from '../parquet/harness.mjs';

const { dir, conn } = await runFixture('types.mjs');
const file = path.join(dir, 'typed.parquet').replace(/'/g, "''");
const failures = [];
let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) failures.push(what);
}
const rows = async (sql) => (await conn.runAndReadAll(sql)).getRows().map((r) => r.map((v) => (v === null ? null : String(v))));

// The Parquet schema as written, in order: name, physical type, repetition,
// converted type, scale/precision (parquet_schema() lists the root first).
const expectSchema = Object.entries({
  id: ['INT64', 'REQUIRED', null, null, null],
  i8: ['INT32', 'REQUIRED', null, null, null],
  i16: ['INT32', 'OPTIONAL', null, null, null],
  f32: ['FLOAT', 'OPTIONAL', null, null, null],
  f64: ['DOUBLE', 'REQUIRED', null, null, null],
  price: ['BYTE_ARRAY', 'OPTIONAL', 'DECIMAL', '2', '10'],
  big: ['BYTE_ARRAY', 'REQUIRED', 'DECIMAL', '3', '64'],
  day: ['INT32', 'OPTIONAL', 'DATE', null, null],
  tod: ['INT32', 'OPTIONAL', 'TIME_MILLIS', null, null],
  ts: ['INT64', 'REQUIRED', 'TIMESTAMP_MILLIS', null, null],
  name: ['BYTE_ARRAY', 'REQUIRED', 'UTF8', null, null],
  addr: [null, 'OPTIONAL', null, null, null],
  city: ['BYTE_ARRAY', 'REQUIRED', 'UTF8', null, null],
  zip: ['INT32', 'OPTIONAL', null, null, null],
  geo: [null, 'OPTIONAL', null, null, null],
  lat: ['DOUBLE', 'REQUIRED', null, null, null],
  flag: ['BOOLEAN', 'OPTIONAL', null, null, null],
  tags: [null, 'OPTIONAL', 'LIST', null, null],
  'tags.list': [null, 'REPEATED', null, null, null],
  'tags.list.element': ['BYTE_ARRAY', 'REQUIRED', 'UTF8', null, null],
  ids: [null, 'REQUIRED', 'LIST', null, null],
  'ids.list': [null, 'REPEATED', null, null, null],
  'ids.list.element': ['INT64', 'OPTIONAL', null, null, null],
  pts: [null, 'OPTIONAL', 'LIST', null, null],
  'pts.list': [null, 'REPEATED', null, null, null],
  'pts.list.element': [null, 'OPTIONAL', null, null, null],
  'pts.x': ['INT32', 'REQUIRED', null, null, null],
  'pts.d': ['BYTE_ARRAY', 'OPTIONAL', 'DECIMAL', '2', '10'],
  attrs: [null, 'OPTIONAL', 'MAP', null, null],
  'attrs.key_value': [null, 'REPEATED', null, null, null],
  'attrs.key': ['BYTE_ARRAY', 'REQUIRED', 'UTF8', null, null],
  'attrs.value': ['INT64', 'OPTIONAL', null, null, null],
  byid: [null, 'OPTIONAL', 'MAP', null, null],
  'byid.key_value': [null, 'REPEATED', null, null, null],
  'byid.key': ['INT32', 'REQUIRED', null, null, null],
  'byid.value': [null, 'REQUIRED', 'LIST', null, null],
  'byid.value.list': [null, 'REPEATED', null, null, null],
  'byid.value.list.element': ['BYTE_ARRAY', 'REQUIRED', 'UTF8', null, null],
  grid: [null, 'OPTIONAL', 'LIST', null, null],
  'grid.list': [null, 'REPEATED', null, null, null],
  'grid.element': [null, 'OPTIONAL', 'LIST', null, null],
  'grid.element.list': [null, 'REPEATED', null, null, null],
  'grid.element.list.element': ['DOUBLE', 'OPTIONAL', null, null, null],
  odd: ['BYTE_ARRAY', 'OPTIONAL', 'UTF8', null, null],
}).map(([k, v]) => [k.split('.').pop(), ...v]);
const schema = await rows(`SELECT name, type, repetition_type, converted_type, scale::VARCHAR, precision::VARCHAR, logical_type::VARCHAR
  FROM parquet_schema('${file}') WHERE name <> 'schema'`);
check(schema.length === expectSchema.length, `columns: ${JSON.stringify(schema.map((r) => r[0]))}`);
schema.forEach((r, i) => {
  const want = expectSchema[i];
  const got = r.slice(0, 6);
  check(want && JSON.stringify(got) === JSON.stringify(want), `element ${i}: schema ${JSON.stringify(got)} (logical ${r[6]}), expected ${JSON.stringify(want)}`);
});
for (const [col, needle] of [['ts', 'isAdjustedToUTC=1'], ['ts', 'MILLIS'], ['tod', 'MILLIS'], ['price', 'DecimalType'],
  ['tags', 'ListType'], ['attrs', 'MapType']]) {
  const lt = schema.find((r) => r[0] === col)?.[6] ?? '';
  check(lt.includes(needle), `${col}: logical type ${lt} lacks ${needle}`);
}

// The types DuckDB reads them as: DECIMAL(64, 3) is wider than DuckDB's
// DECIMAL and reads as DOUBLE; TIME with isAdjustedToUTC=true (parquet-avro's
// time-millis) reads as TIME WITH TIME ZONE.
const expectTypes = {
  id: 'BIGINT', i8: 'INTEGER', i16: 'INTEGER', f32: 'FLOAT', f64: 'DOUBLE', price: 'DECIMAL(10,2)',
  big: 'DOUBLE', day: 'DATE', tod: 'TIME WITH TIME ZONE', ts: 'TIMESTAMP WITH TIME ZONE', name: 'VARCHAR', flag: 'BOOLEAN',
  tags: 'VARCHAR[]', addr: 'STRUCT(city VARCHAR, zip INTEGER, geo STRUCT(lat DOUBLE))',
  ids: 'BIGINT[]', pts: 'STRUCT(x INTEGER, d DECIMAL(10,2))[]', attrs: 'MAP(VARCHAR, BIGINT)',
  byid: 'MAP(INTEGER, VARCHAR[])', grid: 'DOUBLE[][]', odd: 'VARCHAR',
};
for (const [name, type] of await rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`)) {
  check(expectTypes[name] === type, `${name}: DuckDB type ${type}, expected ${expectTypes[name]}`);
}

const values = await rows(`SELECT id, i8, i16, f32, f64, price::VARCHAR, big, day::VARCHAR, tod::VARCHAR, epoch_ms(ts), name, flag, to_json(tags),
  addr IS NULL, addr.city, addr.zip, addr.geo IS NULL, addr.geo.lat
  FROM read_parquet('${file}') ORDER BY id`);
const expectValues = [
  ['1', '-7', '300', '1.5', '2.25', '2.01', '1.5', '2025-01-15', '12:34:56.789+00', '1736944496789', 'a', 'true', '["x","y"]',
    'false', 'Oslo', '150', 'false', '59.9'],
  ['2', '127', null, '-0.25', '-10000000000', '-123.45', '-98765.432', '1970-01-01', '00:00:00+00', '-1', 'b', 'false', null,
    'true', null, null, 'true', null],
  ['3', '0', '-32768', null, '0', null, '0', null, null, '0', 'c', null, '[]',
    'false', 'Bergen', null, 'true', null],
];
check(values.length === expectValues.length, `rows: ${values.length}`);
values.forEach((r, i) => {
  r.forEach((v, j) => {
    check(v === expectValues[i][j], `row ${i} column ${j}: got ${JSON.stringify(v)}, expected ${JSON.stringify(expectValues[i][j])}`);
  });
});

// Lists and maps as wholes (to_json) and by element.
const nested = await rows(`SELECT to_json(ids), to_json(pts), to_json(attrs), to_json(byid), to_json(grid), odd,
  ids[1], ids[3], pts[3].x, pts[1].d::VARCHAR, attrs['a'], attrs['b'], byid[7][2], grid[1][1], len(byid[8])
  FROM read_parquet('${file}') ORDER BY id`);
const expectNested = [
  ['[5,null,-6]', '[{"x":1,"d":1.5},null,{"x":2,"d":null}]', '{"a":1,"b":null}', '{"7":["p","q"],"8":[]}',
    '[[1.5,null],null,[]]', '[[[1,2],"v"]]', '5', '-6', '2', '1.50', '1', null, 'q', '1.5', '0'],
  ['[]', null, null, null, null, null, null, null, null, null, null, null, null, null, null],
  ['[9]', '[]', '{}', '{}', '[[]]', '{}', '9', null, null, null, null, null, null, null, null],
];
nested.forEach((r, i) => {
  r.forEach((v, j) => {
    check(v === expectNested[i][j], `row ${i} nested column ${j}: got ${JSON.stringify(v)}, expected ${JSON.stringify(expectNested[i][j])}`);
  });
});
const unnested = await rows(`SELECT id, unnest(ids) AS e FROM read_parquet('${file}') ORDER BY id, e NULLS LAST`);
check(JSON.stringify(unnested) === JSON.stringify([['1', '-6'], ['1', '5'], ['1', null], ['3', '9']]),
  `unnest(ids): ${JSON.stringify(unnested)}`);

// Schemaless values: lists of one primitive type as LISTs, the rest as JSON
// text; record 5 was refused (it does not fit the sampled columns).
const sl = path.join(dir, 'schemaless.parquet').replace(/'/g, "''");
const slTypes = Object.fromEntries(await rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${sl}'))`));
const expectSlTypes = { id: 'BIGINT', nums: 'DOUBLE[]', names: 'VARCHAR[]', mixed: 'VARCHAR', empty: 'VARCHAR',
  floats: 'DOUBLE[]', objs: 'VARCHAR', flags: 'BOOLEAN[]' };
check(JSON.stringify(slTypes) === JSON.stringify(expectSlTypes), `schemaless types: ${JSON.stringify(slTypes)}`);
const slSchema = await rows(`SELECT name, repetition_type, converted_type FROM parquet_schema('${sl}') WHERE name IN ('nums', 'list', 'element')`);
check(JSON.stringify(slSchema.slice(0, 3)) === JSON.stringify([['nums', 'OPTIONAL', 'LIST'], ['list', 'REPEATED', null], ['element', 'OPTIONAL', null]]),
  `schemaless nums schema: ${JSON.stringify(slSchema.slice(0, 3))}`);
const slValues = await rows(`SELECT id, to_json(nums), to_json(names), mixed, empty, to_json(floats), objs, to_json(flags), nums[2], names[1]
  FROM read_parquet('${sl}') ORDER BY id`);
const expectSl = [
  ['1', '[1.0,2.0,null]', '["a","b"]', '[1,"x"]', '[]', '[1.0,2.5]', '[{"a":1}]', '[true,false]', '2', 'a'],
  ['2', null, '[]', '[2]', '[3]', '[3.0]', '[]', null, null, null],
  ['3', '[4.5]', '["c"]', null, null, null, null, '[null]', null, 'c'],
  ['4', '[7.0]', '["d",null]', null, null, null, null, null, null, 'd'],
];
check(JSON.stringify(slValues) === JSON.stringify(expectSl), `schemaless rows: ${JSON.stringify(slValues)}`);

if (failures.length > 0) {
  console.error(`FAILED (${failures.length} of ${checks} checks):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`ok: ${checks} checks`);
