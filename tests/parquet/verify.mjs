// Reads every Parquet file written by clickstream's writer (the C++ tool
// parquet_duckdb_fixtures) with DuckDB and checks:
//   - the column types DuckDB derives (logical STRING, TIMESTAMP UTC micros, ...)
//   - every value of every row against the expected rows in <name>.json
//   - per row group and column: compression, null_count, min/max statistics
//     (recomputed here from the expected rows), dictionary pages where
//     expected, and parquet_schema()'s converted/logical types
//   - created_by and key/value metadata
// Usage: node verify.mjs <parquet_duckdb_fixtures binary> <scratch directory>
import fs from 'node:fs';
import path from 'node:path';
import { runFixture } from './harness.mjs';

const { dir, conn } = await runFixture('verify.mjs');
const failures = [];
let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) failures.push(what);
}
async function rows(sql) {
  const r = await conn.runAndReadAll(sql);
  return r.getRows();
}
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const ident = (s) => `"${s.replace(/"/g, '""')}"`;

// DuckDB's type for each column kind.
function duckType(c) {
  switch (c.kind) {
    case 'string': return 'VARCHAR';
    case 'bytes': return 'BLOB';
    case 'timestamp': return 'TIMESTAMP WITH TIME ZONE';
    case 'int64': return 'BIGINT';
    case 'int32': return 'INTEGER';
    case 'double': return 'DOUBLE';
    case 'boolean': return 'BOOLEAN';
    case 'date': return 'DATE';
    case 'decimal': return `DECIMAL(${c.precision},${c.scale})`;
  }
  throw new Error(`unknown kind ${c.kind}`);
}

// A SQL expression turning a value of the column's type into the canonical
// form compared here: strings for 64-bit integers, timestamps and decimals,
// numbers for INT32/DATE/DOUBLE, booleans, strings.
function canonicalSql(c, e) {
  switch (c.kind) {
    case 'timestamp': return `epoch_us(${e})::VARCHAR`;
    case 'int64': return `(${e})::VARCHAR`;
    case 'date': return `(${e} - DATE '1970-01-01')::INTEGER`;
    case 'decimal': return `(${e})::VARCHAR`;
    default: return e;
  }
}

// The same canonical form from the JSON expectation.
function canonical(c, v) {
  if (v === null) return null;
  if (c.kind === 'decimal') {
    let u = BigInt(v);
    const neg = u < 0n;
    if (neg) u = -u;
    let s = u.toString().padStart(c.scale + 1, '0');
    if (c.scale > 0) s = `${s.slice(0, s.length - c.scale)}.${s.slice(s.length - c.scale)}`;
    return neg ? `-${s}` : s;
  }
  return v;
}

// DuckDB may hand back INTEGER results as bigint; null never equals a number.
function same(have, want) {
  if (have === want) return true;
  return typeof want === 'number' && have !== null && Object.is(Number(have), want);
}

// Order of the column's TypeDefinedOrder, on JSON values.
function less(c, a, b) {
  switch (c.kind) {
    case 'string': return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;
    case 'timestamp': case 'int64': case 'decimal': return BigInt(a) < BigInt(b);
    case 'boolean': return a === false && b === true;
    default: return a < b;
  }
}

async function verify(spec) {
  const name = path.basename(spec.file);
  const f = q(spec.file);
  const cols = spec.columns;

  // Types.
  const desc = await rows(`DESCRIBE SELECT * FROM read_parquet(${f})`);
  check(desc.length === cols.length, `${name}: ${desc.length} columns, expected ${cols.length}`);
  cols.forEach((c, i) => {
    check(desc[i] && desc[i][0] === c.name && desc[i][1] === duckType(c),
      `${name}: column ${i} is ${desc[i]?.[0]} ${desc[i]?.[1]}, expected ${c.name} ${duckType(c)}`);
  });

  // Values, in file order.
  const select = cols.map((c) => canonicalSql(c, ident(c.name))).join(', ');
  const got = await rows(`SELECT ${select} FROM read_parquet(${f})`);
  check(got.length === spec.rows.length, `${name}: ${got.length} rows, expected ${spec.rows.length}`);
  let bad = 0;
  for (let r = 0; r < Math.min(got.length, spec.rows.length); r++) {
    for (let i = 0; i < cols.length; i++) {
      const want = canonical(cols[i], spec.rows[r][i]);
      const have = got[r][i];
      checks++;
      if (!same(have, want)) {
        if (bad++ < 10) {
          failures.push(`${name}: row ${r} column ${cols[i].name}: got ${JSON.stringify(String(have))}, expected ${JSON.stringify(want)}`);
        }
      }
    }
  }
  if (bad > 10) failures.push(`${name}: ... ${bad} wrong values in all`);

  // Row groups and column chunk metadata.
  const groups = await rows(`SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${f}) ORDER BY 1`);
  const nGroups = groups.length;
  spec.seen_row_groups = nGroups;
  if (spec.expect_row_groups >= 0) {
    check(nGroups === spec.expect_row_groups, `${name}: ${nGroups} row groups, expected ${spec.expect_row_groups}`);
  }
  check(nGroups >= spec.expect_min_row_groups, `${name}: ${nGroups} row groups, expected at least ${spec.expect_min_row_groups}`);
  check(nGroups === spec.row_groups_written, `${name}: DuckDB sees ${nGroups} row groups, writer reported ${spec.row_groups_written}`);
  const codecName = { none: 'UNCOMPRESSED', snappy: 'SNAPPY', gzip: 'GZIP', zstd: 'ZSTD', lz4_raw: 'LZ4_RAW' }[spec.codec];
  let start = 0;
  for (const [gid, gnum] of groups) {
    const n = Number(gnum);
    const slice = spec.rows.slice(start, start + n);
    start += n;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i];
      const sql = `SELECT compression, encodings, stats_null_count, dictionary_page_offset,
          ${canonicalSql(c, `stats_min_value::${duckType(c)}`)}, ${canonicalSql(c, `stats_max_value::${duckType(c)}`)},
          num_values
        FROM parquet_metadata(${f}) WHERE row_group_id = ${gid} AND path_in_schema = ${q(c.name)}`;
      const [m] = await rows(sql);
      const where = `${name}: row group ${gid} column ${c.name}`;
      if (!m) { check(false, `${where}: no metadata`); continue; }
      const [comp, encodings, nulls, dictOffset, min, max, numValues] = m;
      check(comp === codecName, `${where}: compression ${comp}, expected ${codecName}`);
      check(Number(numValues) === n, `${where}: num_values ${numValues}, expected ${n}`);
      const values = slice.map((row) => row[i]);
      const nonNull = values.filter((v) => v !== null);
      check(Number(nulls) === values.length - nonNull.length, `${where}: null_count ${nulls}, expected ${values.length - nonNull.length}`);
      if (nonNull.length === 0) {
        check(min === null && max === null, `${where}: min/max ${min}/${max} for an all-null chunk`);
      } else {
        let lo = nonNull[0];
        let hi = nonNull[0];
        for (const v of nonNull) {
          if (less(c, v, lo)) lo = v;
          if (less(c, hi, v)) hi = v;
        }
        check(same(min, canonical(c, lo)), `${where}: min ${min}, expected ${canonical(c, lo)}`);
        check(same(max, canonical(c, hi)), `${where}: max ${max}, expected ${canonical(c, hi)}`);
      }
      if (spec.dict_only.includes(c.name)) {
        check(dictOffset !== null && encodings.includes('RLE_DICTIONARY'), `${where}: expected dictionary encoding, got ${encodings}`);
      }
      if (spec.plain_only.includes(c.name)) {
        check(dictOffset === null && !encodings.includes('RLE_DICTIONARY'), `${where}: expected PLAIN only, got ${encodings}`);
      }
      if (spec.mixed.includes(c.name)) {
        check(dictOffset !== null && encodings.includes('RLE_DICTIONARY') && encodings.includes('PLAIN'), `${where}: expected dictionary and PLAIN, got ${encodings}`);
      }
      check(encodings.split(', ').includes('RLE') === c.optional, `${where}: RLE (levels) listed ${c.optional ? 'not ' : ''}for an ${c.optional ? 'OPTIONAL' : 'REQUIRED'} column: ${encodings}`);
    }
  }

  // Schema: repetition, converted and logical types.
  const schema = await rows(`SELECT name, type, repetition_type, converted_type, logical_type FROM parquet_schema(${f})`);
  check(schema.length === cols.length + 1, `${name}: parquet_schema has ${schema.length} elements`);
  cols.forEach((c, i) => {
    const [sname, , rep, conv, logical] = schema[i + 1] ?? [];
    const where = `${name}: schema of ${c.name}`;
    check(sname === c.name, `${where}: name ${sname}`);
    check(rep === (c.optional ? 'OPTIONAL' : 'REQUIRED'), `${where}: repetition ${rep}`);
    const want = {
      string: ['UTF8', /StringType/],
      timestamp: ['TIMESTAMP_MICROS', /TimestampType\(isAdjustedToUTC=(1|true), unit=TimeUnit\(MILLIS=<null>, MICROS=MicroSeconds\(\)/],
      date: ['DATE', /DateType/],
      decimal: ['DECIMAL', new RegExp(`DecimalType\\(scale=${c.scale}, precision=${c.precision}\\)`)],
    }[c.kind];
    if (want) {
      check(conv === want[0], `${where}: converted_type ${conv}, expected ${want[0]}`);
      check(want[1].test(String(logical)), `${where}: logical_type ${logical}`);
    } else {
      check(conv === null && logical === null, `${where}: unexpected converted/logical type ${conv}/${logical}`);
    }
  });

  // File metadata.
  const [fm] = await rows(`SELECT created_by, num_rows, num_row_groups FROM parquet_file_metadata(${f})`);
  check(fm[0] === spec.created_by, `${name}: created_by ${fm[0]}, expected ${spec.created_by}`);
  check(Number(fm[1]) === spec.rows.length, `${name}: num_rows ${fm[1]}`);
  const kv = await rows(`SELECT decode(key), decode(value) FROM parquet_kv_metadata(${f})`);
  const wantKv = Object.entries(spec.kv);
  check(kv.length === wantKv.length, `${name}: ${kv.length} key/value pairs, expected ${wantKv.length}`);
  for (const [k, v] of wantKv) {
    check(kv.some(([a, b]) => a === k && b === v), `${name}: key/value ${k}=${v} missing`);
  }
}

const specs = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
if (specs.length === 0) failures.push('the fixture tool wrote no files');
for (const s of specs) {
  const spec = JSON.parse(fs.readFileSync(path.join(dir, s), 'utf8'));
  const before = failures.length;
  try {
    await verify(spec);
  } catch (e) {
    failures.push(`${s}: ${e.message}`);
  }
  console.log(`${failures.length === before ? 'ok  ' : 'FAIL'} ${path.basename(spec.file)} (${spec.rows.length} rows, ${spec.seen_row_groups} row groups, ${spec.codec})`);
}
console.log(`${checks} checks, ${failures.length} failures`);
for (const f of failures) console.log(`  ${f}`);
process.exit(failures.length === 0 ? 0 : 1);
