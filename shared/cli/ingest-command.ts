/**
 * `lakehouse ingest --from <events.jsonl> --lake <url> [--partition P]` — lands a JSON Lines file
 * through the same use case as the Event Hub function (backfills, checks, malformed corpora).
 *
 * Exactly once per file: the stream id is derived from the file's content (`file-<sha256 prefix>`)
 * and each line's number is its sequence number, so ingesting the same file again — whole or after a
 * crash half-way — lands nothing twice. Lines are read as bytes, so a line that is not UTF-8 is
 * quarantined as `body_not_utf8` rather than silently repaired. Blank lines are not events.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { splitJsonLines } from '../ingest/json-lines.js';
import { parseArgs } from 'node:util';
import { landPorts } from '../ingest/compose.js';
import type { EventPosition } from '../ingest/batch-metadata.js';
import { landBatch } from '../ingest/land-batch.js';
import { UsageError } from './output.js';
import type { CliContext } from './context.js';

const HELP = `Usage: lakehouse ingest --from <events.jsonl> [--lake <url>] [options]

Lands every non-blank line of the file into <lake>/bronze/pos_events or <lake>/bronze/pos_events_quarantine,
exactly once (ingesting the same file again lands nothing new).

Options:
  --from FILE        JSON Lines file, one event body per line
  --lake URL         lake root (default LAKE_URL: ${'$'}{LAKE_URL:-.local/lake})
  --partition P      Event Hub partition id recorded in eh_partition (default 0)
  --batch-size N     lines per Delta commit (default 5000)
  --json             print the summary as one JSON object
  -h, --help         show this help`;

export async function ingestCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
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
  if (!values.from) throw new UsageError(`--from is required\n\n${HELP}`);
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new UsageError(`--batch-size must be a positive integer`);
  const file = await readFile(values.from);
  const streamId = `file-${createHash('sha256').update(file).digest('hex').slice(0, 24)}`;
  const lines = splitJsonLines(file);
  const lake = ctx.openStore(values.lake ?? ctx.settings.LAKE_URL);
  const ports = landPorts(lake, ctx.settings);
  const totals = {
    lines: lines.length,
    landed: 0,
    quarantined: 0,
    replayed: 0,
    commits: 0,
    reasons: {} as Record<string, number>,
  };
  const started = performance.now();
  for (let start = 0; start < lines.length; start += batchSize) {
    const batch = lines.slice(start, start + batchSize);
    const positions: EventPosition[] = batch.map((l) => ({
      sequenceNumber: l.lineNo,
      offset: String(l.byteOffset),
    }));
    const result = await landBatch(
      ports,
      batch.map((l) => l.bytes),
      { source: 'file', streamId, partitionId: values.partition, positions, requestId: values.from },
    );
    totals.landed += result.landed;
    totals.quarantined += result.quarantined;
    totals.replayed += result.replayed;
    totals.commits += result.commits.filter((c) => c.version !== undefined).length;
    for (const o of result.outcomes) {
      if (o.status !== 'quarantined') continue;
      for (const code of new Set(o.reasons.map((r) => r.code)))
        totals.reasons[code] = (totals.reasons[code] ?? 0) + 1;
    }
    if (!values.json)
      process.stderr.write(`\r  ${Math.min(start + batchSize, lines.length)}/${lines.length} lines`);
  }
  const seconds = (performance.now() - started) / 1000;
  if (values.json) {
    console.log(
      JSON.stringify({
        file: values.from,
        lake: lake.description,
        streamId,
        ...totals,
        seconds: Number(seconds.toFixed(3)),
      }),
    );
    return 0;
  }
  process.stderr.write('\n');
  console.log(`ingested ${values.from} into ${lake.description} (stream ${streamId})`);
  console.log(
    `  ${totals.lines} events: ${totals.landed} landed, ${totals.quarantined} quarantined, ${totals.replayed} already landed; ${totals.commits} commits in ${seconds.toFixed(1)} s`,
  );
  const reasons = Object.entries(totals.reasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length) console.log(`  rejections: ${reasons.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  return 0;
}
