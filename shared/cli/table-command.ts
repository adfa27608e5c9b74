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
import { LineWriter, UsageError } from './output.js';
import type { CliContext } from './context.js';

export const TABLE_HELP = `Usage: lakehouse table <verb> <table-url> [options]

Verbs:
  scan      print every row as one JSON object per line
  history   print the commit history, newest first, one JSON object per line
  files     print the active data files, one per line
  stats     print a JSON summary (version, files, bytes, rows, partitions)

Options:
  --version N           read the table as of version N (time travel)
  --session-time-zone Z zone for legacy zone-less timestamp partition values (default UTC)
  --limit N             history: at most N entries (default 100)
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
      return scan(store, version, values['session-time-zone'] ?? ctx.settings.LAKEHOUSE_SESSION_TIME_ZONE, ctx);
    case 'history':
      return printHistory(store, values.limit === undefined ? 100 : parseNonNegative(values.limit, '--limit'));
    case 'files':
      return files(store, version);
    case 'stats':
      return stats(store, version);
    default:
      throw new UsageError(`unknown verb ${verb}\n\n${TABLE_HELP}`);
  }
}

async function scan(store: ObjectStore, version: number | undefined, zone: string, ctx: CliContext): Promise<number> {
  const snapshot = await loadSnapshot(store, version === undefined ? {} : { version });
  const out = new LineWriter();
  for await (const row of scanRows(snapshot, { sessionTimeZone: zone, resolveAbsolute: (uri) => ctx.resolveAbsolute(uri) })) {
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
  const snapshot = await loadSnapshot(store, version === undefined ? { skipReadCheck: true } : { version, skipReadCheck: true });
  const out = new LineWriter();
  for (const add of snapshot.files) {
    const p = resolveActionPath(add.path);
    await out.line(p.kind === 'relative' ? p.path : p.uri);
  }
  await out.flush();
  return 0;
}

async function stats(store: ObjectStore, version: number | undefined): Promise<number> {
  const snapshot = await loadSnapshot(store, version === undefined ? { skipReadCheck: true } : { version, skipReadCheck: true });
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
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer, got ${text}`);
  return n;
}
