/**
 * `lakehouse ingest --from <events.jsonl|folder> … --lake <url> [--partition P]` — lands JSON Lines
 * files through the same use case as the Event Hub function (backfills, checks, malformed corpora).
 * `--from` may repeat and may name a folder (its .jsonl/.ndjson/.json files, gzipped or not, by name);
 * each file is its own stream.
 *
 * Exactly once per file: the stream id is derived from the file's content (`file-<sha256 prefix>`)
 * and each line's number is its sequence number, so ingesting the same file again — whole or after a
 * crash half-way — lands nothing twice. Lines are read as bytes, so a line that is not UTF-8 is
 * quarantined as `body_not_utf8` rather than silently repaired. Blank lines are not events.
 *
 * The file is streamed twice (json-lines-file.ts: its digest, then its lines batch by batch), so a
 * backfill of any size runs in bounded memory; a file that changes in between is reported as an error.
 * A gzip file is read decompressed, and its stream id is that of its content: the same events gzipped
 * or not land once.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileDigest, jsonLineBatches, unchangedSince } from '../ingest/json-lines-file.js';
import { landPorts } from '../ingest/compose.js';
import type { LandPorts } from '../ingest/land-batch.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import type { EventPosition } from '../ingest/batch-metadata.js';
import { landBatch } from '../ingest/land-batch.js';
import { UsageError } from './output.js';
import type { CliContext } from './context.js';

const HELP = `Usage: lakehouse ingest --from <events.jsonl|folder> [--from …] [--lake <url>] [options]

Lands every non-blank line of the file into <lake>/bronze/pos_events or
<lake>/bronze/pos_events_quarantine, exactly once (ingesting the same file again lands nothing new).
The file is streamed, so its size is not limited by memory; it must not change while it is ingested.

Options:
  --from FILE|DIR    JSON Lines file, one event body per line; gzip files are read decompressed.
                     Repeat it for several files; a folder means its .jsonl, .ndjson and .json files
                     (.gz too), in name order. Each file lands exactly once, on its own
  --lake URL         lake root (default LAKE_URL: ${'$'}{LAKE_URL:-.local/lake})
  --partition P      Event Hub partition id recorded in eh_partition (default 0)
  --batch-size N     lines per Delta commit (default 5000)
  --json             print each file's summary as one JSON object (one line per file)
  -h, --help         show this help`;

export async function ingestCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string', multiple: true },
      lake: { type: 'string' },
      partition: { type: 'string', default: '0' },
      'batch-size': { type: 'string', default: '5000' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.from?.length) throw new UsageError(`--from is required\n\n${HELP}`);
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new UsageError(`--batch-size must be a positive integer`);
  const files: string[] = [];
  for (const from of values.from) files.push(...(await inputFiles(from)));
  const lake = ctx.openStore(values.lake ?? ctx.settings.LAKE_URL);
  const ports = landPorts(lake, ctx.settings);
  const options = {
    batchSize,
    partition: values.partition,
    json: values.json,
    maxLineBytes: ctx.settings.INGEST_MAX_EVENT_BYTES,
  };
  const all = { landed: 0, quarantined: 0, replayed: 0 };
  for (const file of files) {
    const totals = await ingestFile(file, lake, ports, options);
    all.landed += totals.landed;
    all.quarantined += totals.quarantined;
    all.replayed += totals.replayed;
  }
  if (files.length > 1 && !values.json)
    console.log(
      `${files.length} files: ${all.landed} landed, ${all.quarantined} quarantined, ${all.replayed} already landed`,
    );
  return 0;
}

interface FileOptions {
  batchSize: number;
  partition: string;
  json: boolean;
  maxLineBytes: number;
}

/** Lands one file as its own stream and prints its summary; returns its totals. */
async function ingestFile(
  file: string,
  lake: ObjectStore,
  ports: LandPorts,
  options: FileOptions,
): Promise<{ landed: number; quarantined: number; replayed: number }> {
  // Two streaming passes (memory stays bounded whatever the file's size): the content's digest names
  // the stream, then the lines are landed batch by batch, reading no further than what was hashed.
  const digest = await fileDigest(file);
  const streamId = `file-${digest.sha256.slice(0, 24)}`;
  const totals = {
    lines: 0,
    landed: 0,
    quarantined: 0,
    replayed: 0,
    commits: 0,
    reasons: {} as Record<string, number>,
  };
  const started = performance.now();
  let startsLikeArray = false;
  for await (const { lines: batch, bytesRead } of jsonLineBatches(file, {
    batchSize: options.batchSize,
    maxBytes: digest.bytes,
    gzip: digest.gzip,
    maxLineBytes: options.maxLineBytes, // longer lines are quarantined: keep their head
  })) {
    if (totals.lines === 0) startsLikeArray = batch[0]?.bytes[0] === 0x5b; // '['
    const positions: EventPosition[] = batch.map((l) => ({
      sequenceNumber: l.lineNo,
      offset: String(l.byteOffset),
      ...(l.fullBytes === undefined ? {} : { bodyBytes: l.fullBytes }),
    }));
    const result = await landBatch(
      ports,
      batch.map((l) => l.bytes),
      { source: 'file', streamId, partitionId: options.partition, positions, requestId: file },
    );
    totals.lines += batch.length;
    totals.landed += result.landed;
    totals.quarantined += result.quarantined;
    totals.replayed += result.replayed;
    totals.commits += result.commits.filter((c) => c.version !== undefined).length;
    for (const o of result.outcomes) {
      if (o.status !== 'quarantined') continue;
      for (const code of new Set(o.reasons.map((r) => r.code)))
        totals.reasons[code] = (totals.reasons[code] ?? 0) + 1;
    }
    if (!options.json)
      process.stderr.write(
        `\r  ${totals.lines} lines, ${percent(bytesRead, digest.bytes)} of ${megabytes(digest.bytes)}`,
      );
  }
  if (!(await unchangedSince(file, digest)))
    throw new Error(
      `${file} changed while it was being ingested: what landed is recorded under stream ${streamId} ` +
        `(the content first read); ingest a file only once it is complete`,
    );
  const seconds = (performance.now() - started) / 1000;
  const hint =
    startsLikeArray && totals.quarantined > 0
      ? `hint: ${file} starts with '[': if it is one JSON array rather than JSON Lines, it was ` +
        `quarantined instead of landed event by event; convert it first (e.g. jq -c '.[]' file.json > file.jsonl)\n`
      : '';
  if (options.json) {
    process.stderr.write(hint);
    console.log(
      JSON.stringify({
        file,
        lake: lake.description,
        streamId,
        ...totals,
        seconds: Number(seconds.toFixed(3)),
      }),
    );
    return totals;
  }
  process.stderr.write('\n');
  console.log(`ingested ${file} into ${lake.description} (stream ${streamId})`);
  console.log(
    `  ${totals.lines} events: ${totals.landed} landed, ${totals.quarantined} quarantined, ${totals.replayed} already landed; ${totals.commits} commits in ${seconds.toFixed(1)} s`,
  );
  const reasons = Object.entries(totals.reasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length) console.log(`  rejections: ${reasons.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  process.stderr.write(hint);
  return totals;
}

const INPUT_NAME = /\.(jsonl|ndjson|json)(\.gz)?$/i;

/** `--from` as files: a file as is, a folder as its JSON Lines files (not recursive), by name. */
async function inputFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UsageError(`--from ${path}: no such file or folder`);
    throw err;
  }
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && INPUT_NAME.test(e.name))
    .map((e) => e.name)
    .sort();
  if (files.length === 0)
    throw new UsageError(`--from ${path}: no .jsonl, .ndjson or .json files (plain or .gz) in this folder`);
  return files.map((name) => join(path, name));
}

function percent(part: number, whole: number): string {
  return `${whole === 0 ? 100 : Math.floor((100 * part) / whole)} %`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}
