/**
 * `lakehouse quarantine summary|export` — what the landing quarantined, and its bodies back for replay.
 *
 * summary: events per reason code (any of an event's codes counts), with sources, the ingest-time
 * range and one example message. export: the bodies as JSON Lines (quarantine-export.ts), to be fixed
 * and landed again with `lakehouse ingest --from FILE`; the file is written whole or not at all.
 * Both read only the quarantine table's partitions (ingest_date) the date filters select.
 */
import { open, rename, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadSnapshot } from '../delta/snapshot/snapshot.js';
import { scanRows, type Row } from '../delta/read/scan.js';
import { formatTimestampMicros } from '../delta/read/json-rows.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { DeltaError } from '../delta/errors.js';
import { QUARANTINE_TABLE } from '../ingest/bronze-tables.js';
import { replayLine, type SkipReason } from '../ingest/quarantine-export.js';
import { UsageError } from './output.js';
import type { CliContext } from './context.js';

const HELP = `Usage: lakehouse quarantine summary|export [options]

What the landing quarantined (<lake>/${QUARANTINE_TABLE}), and its bodies back for replay.

Verbs:
  summary   events per reason code, with sources, first/last ingest time and an example message
  export    write the quarantined bodies to --out, one per line, to fix them (or the rule that
            rejected them) and land them with: lakehouse ingest --from FILE
            (exactly once per file content: exporting and ingesting the same selection again lands
            nothing new). Bodies that cannot be one faithful line are left out and counted:
            truncated (body_too_large keeps only a prefix), multiline (a line break in a body that is
            not JSON; JSON bodies have theirs turned into spaces), not_unicode, blank.

Options:
  --lake URL         lake root (default LAKE_URL: ${'$'}{LAKE_URL:-.local/lake})
  --reason CODES     only events with one of these reason codes (comma-separated)
  --source S         only events from eventhub, http or file
  --since DATE       only events ingested on or after DATE (YYYY-MM-DD, UTC ingest date)
  --until DATE       only events ingested on or before DATE
  --out FILE         export: the JSON Lines file to write (required)
  --json             summary: print one JSON object
  -h, --help         show this help`;

interface ReasonSummary {
  reason: string;
  events: number;
  sources: Record<string, number>;
  firstIngestTime: string;
  lastIngestTime: string;
  example: string;
}

export async function quarantineCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      lake: { type: 'string' },
      reason: { type: 'string' },
      source: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [verb, ...extra] = positionals;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if ((verb !== 'summary' && verb !== 'export') || extra.length > 0)
    throw new UsageError(
      `expected summary or export${verb ? `, got ${[verb, ...extra].join(' ')}` : ''}\n\n${HELP}`,
    );
  if (values.source && !['eventhub', 'http', 'file'].includes(values.source))
    throw new UsageError(`--source must be eventhub, http or file (got ${values.source})`);
  const since = values.since === undefined ? -Infinity : dayOf(values.since, '--since');
  const until = values.until === undefined ? Infinity : dayOf(values.until, '--until');
  const reasons = values.reason ? new Set(values.reason.split(',').map((r) => r.trim())) : undefined;
  if (verb === 'export' && !values.out) throw new UsageError(`export needs --out FILE\n\n${HELP}`);
  const lakeUrl = values.lake ?? ctx.settings.LAKE_URL;
  const table = prefixed(ctx.openStore(lakeUrl), QUARANTINE_TABLE);

  let snapshot;
  try {
    snapshot = await loadSnapshot(table);
  } catch (err) {
    if (!(err instanceof DeltaError && err.kind === 'TableNotFound')) throw err;
    throw new DeltaError(
      'TableNotFound',
      `no quarantine table under ${lakeUrl}: nothing has been quarantined there`,
    );
  }
  const rows = async function* (): AsyncGenerator<Row> {
    for await (const row of scanRows(snapshot, {
      partitionFilter: (p) => (p.ingest_date as number) >= since && (p.ingest_date as number) <= until,
    })) {
      if (values.source && row.source !== values.source) continue;
      if (reasons && !(row.reason_codes as string[]).some((c) => reasons.has(c))) continue;
      yield row;
    }
  };

  if (verb === 'summary') return summary(rows(), values.json, lakeUrl);
  return exportBodies(rows(), values.out as string);
}

async function summary(rows: AsyncGenerator<Row>, json: boolean, lakeUrl: string): Promise<number> {
  type Tally = Omit<ReasonSummary, 'firstIngestTime' | 'lastIngestTime'> & { first: bigint; last: bigint };
  const byReason = new Map<string, Tally>();
  let events = 0;
  for await (const row of rows) {
    events++;
    const codes = row.reason_codes as string[];
    const messages = row.reason_messages as string[];
    const at = row.ingest_time as bigint;
    codes.forEach((code, i) => {
      let s = byReason.get(code);
      if (!s) {
        s = { reason: code, events: 0, sources: {}, example: messages[i] ?? '', first: at, last: at };
        byReason.set(code, s);
      }
      if (codes.indexOf(code) !== i) return; // a code repeated within one event counts once
      s.events++;
      const source = String(row.source);
      s.sources[source] = (s.sources[source] ?? 0) + 1;
      if (at < s.first) s.first = at;
      if (at > s.last) s.last = at;
    });
  }
  const out: ReasonSummary[] = [...byReason.values()]
    .sort((a, b) => b.events - a.events || a.reason.localeCompare(b.reason))
    .map(({ first, last, ...s }) => ({
      ...s,
      firstIngestTime: formatTimestampMicros(first),
      lastIngestTime: formatTimestampMicros(last),
    }));
  if (json) {
    console.log(JSON.stringify({ lake: lakeUrl, events, reasons: out }));
    return 0;
  }
  console.log(`${events} quarantined events in ${lakeUrl}${events ? '' : ' (for this selection)'}`);
  for (const s of out) {
    const sources = Object.entries(s.sources)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    console.log(
      `  ${s.reason.padEnd(28)} ${String(s.events).padStart(8)}   ${sources}   ${s.firstIngestTime} … ${s.lastIngestTime}`,
    );
    if (s.example)
      console.log(`      e.g. ${s.example.length > 160 ? `${s.example.slice(0, 157)}...` : s.example}`);
  }
  return 0;
}

async function exportBodies(rows: AsyncGenerator<Row>, out: string): Promise<number> {
  const partial = `${out}.partial`;
  const file = await open(partial, 'w');
  const skipped: Partial<Record<SkipReason, number>> = {};
  let exported = 0;
  try {
    let chunk: Buffer[] = [];
    let size = 0;
    for await (const row of rows) {
      const line = replayLine(row);
      if (!line.ok) {
        skipped[line.skip] = (skipped[line.skip] ?? 0) + 1;
        continue;
      }
      chunk.push(line.bytes, NEWLINE);
      size += line.bytes.length + 1;
      exported++;
      if (size >= 1 << 20) {
        await file.write(Buffer.concat(chunk));
        [chunk, size] = [[], 0];
      }
    }
    await file.write(Buffer.concat(chunk));
    await file.sync();
    await file.close();
    await rename(partial, out);
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  }
  const left = Object.entries(skipped).map(([k, n]) => `${k} ${n}`);
  console.log(
    `exported ${exported} quarantined bodies to ${out}${left.length ? `; left out: ${left.join(', ')}` : ''}\n` +
      `  replay them (after fixing): lakehouse ingest --from ${out}`,
  );
  return 0;
}

const NEWLINE = Buffer.from('\n');

function dayOf(date: string, flag: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${flag} must be a date YYYY-MM-DD (got ${date})`);
  return ms / 86_400_000;
}
