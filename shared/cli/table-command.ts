/**
 * `lakehouse table scan|history|files|stats <table-url>` — read-only views of a Delta table.
 * The `scan` format is a fixed contract (ARCHITECTURE.md §3.3).
 */
import { parseArgs } from 'node:util';
import { loadSnapshot } from '../delta/snapshot/snapshot.js';
import { scanRows } from '../delta/read/scan.js';
import { rowToJson } from '../delta/read/json-rows.js';
import { resolveActionPath } from '../delta/protocol/paths.js';
import { history, numRecords } from '../delta/table.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { compact, planCompaction } from '../delta/maintenance/optimize.js';
import { vacuum } from '../delta/maintenance/vacuum.js';
import { checkpointNow, cleanupLog } from '../delta/maintenance/log-cleanup.js';
import { LineWriter, UsageError } from './output.js';
import type { CliContext } from './context.js';

export const TABLE_HELP = `Usage: lakehouse table <verb> <table-url> [options]

Verbs:
  scan      print every row as one JSON object per line
  history   print the commit history, newest first, one JSON object per line
  files     print the active data files, one per line
  stats     print a JSON summary (version, files, bytes, rows, partitions)
  compact   bin-pack small files per partition (OPTIMIZE); prints metrics as JSON
  checkpoint  write a checkpoint at the latest version now, then clean old log files
  vacuum    delete unreferenced files older than the retention (default: the table's, 7 days)

Options:
  --version N           read the table as of version N (time travel)
  --session-time-zone Z zone for legacy zone-less timestamp partition values (default UTC)
  --limit N             history: at most N entries (default 100)
  --dry-run             compact/vacuum: plan only, change nothing
  --target-size BYTES   compact: target file size (default delta.targetFileSize or 128 MiB)
  --cluster-by COLS     compact: comma-separated sort key inside output files
  --max-bytes BYTES     compact: bound the bytes rewritten in one run
  --retention-hours H   vacuum: retention in hours (shorter than the table's needs --force)
  --force               vacuum: allow a retention shorter than the table's
  -h, --help            show this help

Table URLs: /abs/path, ./rel/path, file:///abs/path, az://container/path (uses
LAKE_STORAGE_CONNECTION_STRING or AzureWebJobsStorage), abfss://container@account.dfs.core.windows.net/path`;

export async function tableCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      version: { type: 'string' },
      'session-time-zone': { type: 'string' },
      limit: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'target-size': { type: 'string' },
      'cluster-by': { type: 'string' },
      'max-bytes': { type: 'string' },
      'retention-hours': { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(TABLE_HELP);
    return 0;
  }
  const [verb, url] = positionals;
  if (!verb || !url) throw new UsageError(`missing ${verb ? 'table URL' : 'verb'}\n\n${TABLE_HELP}`);
  const version = values.version === undefined ? undefined : parseNonNegative(values.version, '--version');
  const store = ctx.openStore(url);
  switch (verb) {
    case 'scan':
      return scan(
        store,
        version,
        values['session-time-zone'] ?? ctx.settings.LAKEHOUSE_SESSION_TIME_ZONE,
        ctx,
      );
    case 'history':
      return printHistory(
        store,
        values.limit === undefined ? 100 : parseNonNegative(values.limit, '--limit'),
      );
    case 'files':
      return files(store, version);
    case 'stats':
      return stats(store, version);
    case 'compact': {
      const options = {
        ...(values['target-size']
          ? { targetFileSize: parseNonNegative(values['target-size'], '--target-size') }
          : {}),
        ...(values['max-bytes']
          ? { maxBytesPerRun: parseNonNegative(values['max-bytes'], '--max-bytes') }
          : {}),
        ...(values['cluster-by'] ? { clusterBy: values['cluster-by'].split(',').map((s) => s.trim()) } : {}),
      };
      if (values['dry-run']) {
        const plan = planCompaction(await loadSnapshot(store), options);
        console.log(
          JSON.stringify(
            {
              dryRun: true,
              truncated: plan.truncated,
              bins: plan.bins.map((b) => ({
                partitionValues: b.partitionValues,
                files: b.files.length,
                bytes: b.bytes,
              })),
            },
            null,
            2,
          ),
        );
        return 0;
      }
      console.log(JSON.stringify(await compact(store, options), null, 2));
      return 0;
    }
    case 'checkpoint': {
      const cp = await checkpointNow(store);
      const cleaned = await cleanupLog(store, { dryRun: values['dry-run'] });
      console.log(
        JSON.stringify(
          { ...cp, logFilesDeleted: cleaned.deleted.length, cleanedBelow: cleaned.belowCheckpoint ?? null },
          null,
          2,
        ),
      );
      return 0;
    }
    case 'vacuum': {
      const r = await vacuum(store, {
        dryRun: values['dry-run'],
        force: values.force,
        ...(values['retention-hours'] !== undefined
          ? { retentionMs: Number(values['retention-hours']) * 3_600_000 }
          : {}),
      });
      if (values['dry-run']) for (const k of r.deleted) console.log(k);
      console.error(
        `${r.dryRun ? 'would delete' : 'deleted'} ${r.deleted.length} files (${r.bytes} bytes) of ${r.filesScanned} scanned, retention ${r.retentionMs / 3_600_000} h`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown verb ${verb}\n\n${TABLE_HELP}`);
  }
}

async function scan(
  store: ObjectStore,
  version: number | undefined,
  zone: string,
  ctx: CliContext,
): Promise<number> {
  const snapshot = await loadSnapshot(store, version === undefined ? {} : { version });
  const out = new LineWriter();
  for await (const row of scanRows(snapshot, {
    sessionTimeZone: zone,
    resolveAbsolute: (uri) => ctx.resolveAbsolute(uri),
  })) {
    await out.line(rowToJson(row, snapshot.schema));
  }
  await out.flush();
  return 0;
}

async function printHistory(store: ObjectStore, limit: number): Promise<number> {
  const out = new LineWriter();
  for (const entry of await history(store, limit)) {
    await out.line(JSON.stringify({ version: entry.version, ...(entry.commitInfo ?? {}) }));
  }
  await out.flush();
  return 0;
}

async function files(store: ObjectStore, version: number | undefined): Promise<number> {
  const snapshot = await loadSnapshot(
    store,
    version === undefined ? { skipReadCheck: true } : { version, skipReadCheck: true },
  );
  const out = new LineWriter();
  for (const add of snapshot.files) {
    const p = resolveActionPath(add.path);
    await out.line(p.kind === 'relative' ? p.path : p.uri);
  }
  await out.flush();
  return 0;
}

async function stats(store: ObjectStore, version: number | undefined): Promise<number> {
  const snapshot = await loadSnapshot(
    store,
    version === undefined ? { skipReadCheck: true } : { version, skipReadCheck: true },
  );
  const partitions = new Set(snapshot.files.map((f) => JSON.stringify(f.partitionValues)));
  const sizes = snapshot.files.map((f) => f.size).sort((a, b) => a - b);
  const summary = {
    table: snapshot.table,
    version: snapshot.version,
    protocol: snapshot.protocol,
    partitionColumns: snapshot.partitionColumns,
    numFiles: snapshot.files.length,
    sizeInBytes: sizes.reduce((a, b) => a + b, 0),
    numRecords: snapshot.files.reduce((n, f) => n + numRecords(f), 0),
    numPartitions: partitions.size,
    medianFileSize: sizes.length ? sizes[Math.floor(sizes.length / 2)] : 0,
    numTombstones: snapshot.tombstones.length,
    txns: Object.fromEntries([...snapshot.txns.values()].map((t) => [t.appId, t.version])),
    checkpointVersion: snapshot.segment.checkpointVersion ?? null,
    commitsSinceCheckpoint: snapshot.segment.commits.length,
    configuration: snapshot.metadata.configuration,
  };
  console.log(JSON.stringify(summary, null, 2));
  return 0;
}

function parseNonNegative(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${flag} must be a non-negative integer, got ${text}`);
  return n;
}
