/**
 * The local transform step: Bronze (+ master data and sales history) → Silver → Gold on DuckDB, written
 * with our Delta library. The batch orchestration calls it and stores the returned watermark with its
 * run; the next run passes it back as `since` and restates only the store-days touched since.
 *
 * Guarantees:
 * - Same inputs ⇒ same Silver/Gold content, whether reached by one full run or by any sequence of
 *   incremental runs (proved by test/unit/transforms). Without `since` the run is full: every table
 *   is rewritten from all inputs.
 * - Each output table changes by one commit that replaces whole `business_date` partitions (removes +
 *   adds); within a partition only the restated store-days change. The quarantine commits last, so a
 *   run interrupted between commits is repaired by re-running with the same `since`.
 * - The HMAC key is used only to derive the pads handed to DuckDB; it is never logged or stored.
 */
import { DuckDBInstance, blobValue } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Add } from '../delta/protocol/actions.js';
import type { StructType } from '../delta/protocol/schema.js';
import type { Snapshot } from '../delta/snapshot/snapshot.js';
import { LocalFsStore } from '../delta/storage/local-fs-store.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { BRONZE_SCHEMA, BRONZE_TABLE } from '../ingest/bronze-tables.js';
import {
  PRODUCTS_SCHEMA,
  PRODUCTS_TABLE,
  SALES_HISTORY_SCHEMA,
  SALES_HISTORY_TABLE,
  STORES_SCHEMA,
  STORES_TABLE,
} from '../batch-load/master-tables.js';
import { mergeRanges, overlaps, tsLiteral } from './bronze-pruning.js';
import { hmacPads } from './hmac-pads.js';
import { fileLocator, type FileLocator } from './local-files.js';
import { registerRelation } from './register-relation.js';
import { readSql } from './sql-dir.js';
import { countRows } from './duck-types.js';
import { writeOutput } from './write-output.js';
import {
  openOutputTable,
  OUTPUT_TABLES,
  SILVER_QUARANTINE_TABLE,
  SILVER_TRANSACTIONS_SCHEMA,
} from './transform-tables.js';
import {
  filesAddedSince,
  INPUT_TABLES,
  loadInputTable,
  watermarkOf,
  type InputTable,
  type TransformWatermark,
} from './watermark.js';

export interface RunTransformInput {
  /** The lake root (tables at `bronze/pos_events`, `silver/transactions`, ...). */
  lake: ObjectStore;
  /** Key for pseudonymising customer ids (from configuration; never logged). */
  hmacKey: string | Uint8Array;
  /** Watermark of the last successful run; omitted ⇒ full run. */
  since?: TransformWatermark;
  /** Wall clock (commit and file timestamps). */
  now: Date | number;
  /** Local directory of `lake` when it is not a LocalFsStore but still on local disk. */
  lakeRoot?: string;
  /** Parent of the run's scratch directory (downloads, staged output); default the OS temp dir. */
  tmpDir?: string;
  /** DuckDB worker threads (default: DuckDB's, one per core). */
  threads?: number;
}

export interface TransformTableResult {
  name: string;
  /** Table version after the run (unchanged when nothing was rewritten). */
  version: number;
  /** Rows written by this run (the complete content of the rewritten partitions). */
  rows: number;
}

export interface RunTransformResult {
  mode: 'full' | 'incremental';
  watermark: TransformWatermark;
  tables: TransformTableResult[];
  /** Rows in silver/quarantine after the run. */
  quarantined: number;
  /** Store-days restated, and their distinct business dates (YYYY-MM-DD). */
  restated: { storeDays: number; dates: string[] };
}

export async function runTransform(input: RunTransformInput): Promise<RunTransformResult> {
  const nowMs = typeof input.now === 'number' ? input.now : input.now.getTime();
  const lakeRoot = input.lakeRoot ?? (input.lake instanceof LocalFsStore ? input.lake.root : undefined);
  const scratch = await mkdtemp(join(input.tmpDir ?? tmpdir(), 'transform-'));
  const instance = await DuckDBInstance.create(':memory:', {
    temp_directory: join(scratch, 'duckdb'),
    ...(input.threads ? { threads: String(input.threads) } : {}),
  });
  const conn = await instance.connect();
  try {
    return await run(
      conn,
      input,
      nowMs,
      fileLocator(lakeRoot, join(scratch, 'inputs')),
      join(scratch, 'staged'),
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function run(
  conn: DuckDBConnection,
  input: RunTransformInput,
  nowMs: number,
  files: FileLocator,
  stagingDir: string,
): Promise<RunTransformResult> {
  const { lake } = input;
  // Input and output tables are independent: load them all at once.
  const outputsLoaded = Promise.all(
    OUTPUT_TABLES.map(async (t) => [t.name, await openOutputTable(lake, t)] as const),
  );
  outputsLoaded.catch(() => undefined); // awaited below; not unhandled if an input fails first
  const inputs = {} as Record<InputTable, Snapshot | undefined>;
  await Promise.all(INPUT_TABLES.map(async (t) => (inputs[t] = await loadInputTable(prefixed(lake, t)))));
  const watermark = watermarkOf(inputs);

  // New files per input since the watermark; any input that cannot be diffed makes the run full.
  let full = input.since === undefined;
  const diffs = full
    ? []
    : await Promise.all(INPUT_TABLES.map((t) => filesAddedSince(inputs[t], input.since?.[t] ?? -1)));
  if (diffs.some((d) => d === undefined)) full = true;
  const added = {} as Record<InputTable, readonly Add[]>;
  INPUT_TABLES.forEach((t, i) => (added[t] = (full ? undefined : diffs[i]) ?? inputs[t]?.files ?? []));

  const outputs = new Map<string, Snapshot>(await outputsLoaded);
  const output = (name: string) => outputs.get(name) as Snapshot;

  const register = async (
    name: string,
    table: string,
    snapshot: Snapshot | undefined,
    schema: StructType,
    adds: readonly Add[],
    where?: string,
  ) => {
    const paths = snapshot ? await files.paths(table, snapshot.store, adds) : [];
    const relationFiles = adds.map((a, i) => ({
      path: paths[i] as string,
      partitionValues: a.partitionValues,
    }));
    await registerRelation(
      conn,
      name,
      schema,
      snapshot?.partitionColumns ?? [],
      relationFiles,
      where ? { where } : {},
    );
  };

  // Phase 1: master data and the scope (store-days to restate).
  await conn.run(`SET TimeZone = 'UTC'`);
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE run_params AS SELECT ${full ? 'true' : 'false'} AS full_refresh`,
  );
  const pads = hmacPads(input.hmacKey);
  await conn.run('CREATE OR REPLACE TEMP TABLE hmac_pads (ipad BLOB, opad BLOB)');
  await conn.run('INSERT INTO hmac_pads VALUES ($1, $2)', [blobValue(pads.ipad), blobValue(pads.opad)]);
  await register(
    'stores_raw',
    STORES_TABLE,
    inputs[STORES_TABLE],
    STORES_SCHEMA,
    inputs[STORES_TABLE]?.files ?? [],
  );
  await register(
    'products_raw',
    PRODUCTS_TABLE,
    inputs[PRODUCTS_TABLE],
    PRODUCTS_SCHEMA,
    inputs[PRODUCTS_TABLE]?.files ?? [],
  );
  await register(
    'history_new',
    SALES_HISTORY_TABLE,
    inputs[SALES_HISTORY_TABLE],
    SALES_HISTORY_SCHEMA,
    added[SALES_HISTORY_TABLE],
  );
  await register('bronze_new', BRONZE_TABLE, inputs[BRONZE_TABLE], BRONZE_SCHEMA, added[BRONZE_TABLE]);
  const silverTx = output('silver/transactions');
  await register(
    'silver_transactions_all',
    'silver/transactions',
    silverTx,
    SILVER_TRANSACTIONS_SCHEMA,
    full ? [] : silverTx.files,
  );
  const quarantine = output(SILVER_QUARANTINE_TABLE);
  await register(
    'existing_silver_quarantine',
    SILVER_QUARANTINE_TABLE,
    quarantine,
    quarantine.schema,
    full ? [] : quarantine.files,
  );
  await conn.run(readSql('00_master.sql'));
  await conn.run(readSql('10_scope.sql'));

  const windows = (
    await conn.runAndReadAll(
      'SELECT CAST(business_date AS VARCHAR), epoch_us(utc_from), epoch_us(utc_to) FROM scope_windows ORDER BY 1',
    )
  ).getRows();
  const dates = windows.map((w) => w[0] as string);
  const storeDays = Number((await conn.runAndReadAll('SELECT count(*) FROM scope')).getRows()[0]?.[0] ?? 0n);
  if (!full && storeDays === 0) {
    const quarantinedRows = await countRows(conn, 'existing_silver_quarantine');
    return {
      mode: 'incremental',
      watermark,
      tables: OUTPUT_TABLES.map((t) => ({ name: t.name, version: output(t.name).version, rows: 0 })),
      quarantined: quarantinedRows,
      restated: { storeDays: 0, dates: [] },
    };
  }

  // Phase 2: Bronze files that can hold events of the scope, and the partitions being rewritten.
  const bronze = inputs[BRONZE_TABLE];
  const ranges = mergeRanges(windows.map((w) => [w[1] as bigint, w[2] as bigint]));
  const bronzeFiles = full ? (bronze?.files ?? []) : (bronze?.files ?? []).filter((a) => overlaps(a, ranges));
  const where = full
    ? undefined
    : ranges
        .map(([from, to]) => `(occurred_at >= ${tsLiteral(from)} AND occurred_at < ${tsLiteral(to)})`)
        .join(' OR ');
  await register('bronze', BRONZE_TABLE, bronze, BRONZE_SCHEMA, bronzeFiles, where);
  const dateSet = new Set(dates);
  const history = inputs[SALES_HISTORY_TABLE];
  await register(
    'history_raw',
    SALES_HISTORY_TABLE,
    history,
    SALES_HISTORY_SCHEMA,
    (history?.files ?? []).filter((a) => full || dateSet.has(a.partitionValues.business_date ?? '')),
  );
  for (const table of OUTPUT_TABLES) {
    if (table.name === SILVER_QUARANTINE_TABLE) continue;
    const snap = output(table.name);
    const kept = full ? [] : snap.files.filter((a) => dateSet.has(a.partitionValues.business_date ?? ''));
    await register(`existing_${table.relation.slice('out_'.length)}`, table.name, snap, snap.schema, kept);
  }
  await conn.run(readSql('20_silver.sql'));
  await conn.run(readSql('30_gold.sql'));
  await conn.run(readSql('40_outputs.sql'));

  // Commit: Silver, Gold, then the quarantine (it releases receipts only once Silver holds them; a
  // failed commit stops the later ones).
  const predicate = full ? 'true' : `business_date IN (${dates.map((d) => `'${d}'`).join(', ')})`;
  const info = { transformMode: full ? 'full' : 'incremental', watermark: JSON.stringify(watermark) };
  const tables: TransformTableResult[] = [];
  for (const table of OUTPUT_TABLES) {
    const isQuarantine = table.name === SILVER_QUARANTINE_TABLE;
    const rewrite = {
      replace: isQuarantine || full ? ('all' as const) : dateSet,
      predicate: isQuarantine ? 'true' : predicate,
    };
    const outcome = await writeOutput(
      conn,
      table.relation,
      output(table.name),
      rewrite,
      stagingDir,
      nowMs,
      info,
      lake instanceof LocalFsStore ? join(lake.root, ...table.name.split('/')) : undefined,
    );
    tables.push({ name: table.name, version: outcome.version, rows: outcome.rows });
  }
  return {
    mode: full ? 'full' : 'incremental',
    watermark,
    tables,
    quarantined: await countRows(conn, 'out_silver_quarantine'),
    restated: { storeDays, dates },
  };
}
