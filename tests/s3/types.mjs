// Runs s3_parquet_types_fixture (JsonConverter records with a Connect schema
// through the S3 sink's ParquetFormat), then checks with DuckDB that the
// object has the Parquet types Confluent's S3 sink (AvroData + parquet-avro)
// writes: DECIMAL(precision, scale) on BYTE_ARRAY, DATE, TIME_MILLIS,
// TIMESTAMP_MILLIS, FLOAT for float32, plain INT32 for int8/int16, REQUIRED
// for non-optional fields, structs as (nested) groups; and that every value
// reads back right.
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

// The Parquet schema as written: physical type, repetition, converted type,
// scale/precision (parquet_schema() lists the root first).
const expectSchema = {
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
  tags: ['BYTE_ARRAY', 'OPTIONAL', 'UTF8', null, null],
};
const schema = await rows(`SELECT name, type, repetition_type, converted_type, scale::VARCHAR, precision::VARCHAR, logical_type::VARCHAR
  FROM parquet_schema('${file}') WHERE name <> 'schema'`);
check(schema.length === Object.keys(expectSchema).length, `columns: ${JSON.stringify(schema.map((r) => r[0]))}`);
for (const r of schema) {
  const want = expectSchema[r[0]];
  const got = r.slice(1, 6);
  check(want && JSON.stringify(got) === JSON.stringify(want), `${r[0]}: schema ${JSON.stringify(got)} (logical ${r[6]}), expected ${JSON.stringify(want)}`);
}
for (const [col, needle] of [['ts', 'isAdjustedToUTC=1'], ['ts', 'MILLIS'], ['tod', 'MILLIS'], ['price', 'DecimalType']]) {
  const lt = schema.find((r) => r[0] === col)?.[6] ?? '';
  check(lt.includes(needle), `${col}: logical type ${lt} lacks ${needle}`);
}

// The types DuckDB reads them as: DECIMAL(64, 3) is wider than DuckDB's
// DECIMAL and reads as DOUBLE; TIME with isAdjustedToUTC=true (parquet-avro's
// time-millis) reads as TIME WITH TIME ZONE.
const expectTypes = {
  id: 'BIGINT', i8: 'INTEGER', i16: 'INTEGER', f32: 'FLOAT', f64: 'DOUBLE', price: 'DECIMAL(10,2)',
  big: 'DOUBLE', day: 'DATE', tod: 'TIME WITH TIME ZONE', ts: 'TIMESTAMP WITH TIME ZONE', name: 'VARCHAR', flag: 'BOOLEAN',
  tags: 'VARCHAR', addr: 'STRUCT(city VARCHAR, zip INTEGER, geo STRUCT(lat DOUBLE))',
};
for (const [name, type] of await rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`)) {
  check(expectTypes[name] === type, `${name}: DuckDB type ${type}, expected ${expectTypes[name]}`);
}

const values = await rows(`SELECT id, i8, i16, f32, f64, price::VARCHAR, big, day::VARCHAR, tod::VARCHAR, epoch_ms(ts), name, flag, tags,
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

if (failures.length > 0) {
  console.error(`FAILED (${failures.length} of ${checks} checks):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`ok: ${checks} checks`);
