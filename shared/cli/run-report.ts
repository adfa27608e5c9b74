/**
 * What `lakehouse run` prints: the live progress line, the pipeline result and the final summary with
 * the exactly-once check (every valid delivery the simulator sent is in Bronze exactly once).
 */
import { loadSnapshot } from '../delta/snapshot/snapshot.js';
import { scanRows } from '../delta/read/scan.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { DeltaError } from '../delta/errors.js';
import { numRecords } from '../delta/table.js';
import type { Simulation } from '../ingest/simulator/pos-traffic.js';
import { BRONZE_TABLE, QUARANTINE_TABLE } from '../ingest/bronze-tables.js';
import type { LocalRuntime } from '../local/runtime.js';
import type { CustomStatus, PipelineResult } from '../../orchestrations/pipeline-types.js';

export async function report(
  runtime: LocalRuntime,
  lake: ObjectStore,
  sent: number,
  total: number,
  started: number,
  pipelineId: string,
): Promise<void> {
  const bronze = await tableFacts(lake, BRONZE_TABLE);
  const quarantine = await tableFacts(lake, QUARANTINE_TABLE);
  const status = await runtime.durable.getStatus(pipelineId).catch(() => undefined);
  const step = status
    ? ((status.customStatus as CustomStatus | null)?.message ?? String(status.runtimeStatus))
    : '-';
  process.stdout.write(
    `\r  t+${Math.round((Date.now() - started) / 1000)}s  sent ${sent}/${total}  landed ${bronze.rows}  quarantined ${quarantine.rows}  bronze v${bronze.version}  pipeline: ${step}      `,
  );
}

async function tableFacts(
  lake: ObjectStore,
  table: string,
): Promise<{ version: number; rows: number; files: number }> {
  try {
    const s = await loadSnapshot(prefixed(lake, table));
    return {
      version: s.version,
      rows: s.files.reduce((n, f) => n + numRecords(f), 0),
      files: s.files.length,
    };
  } catch (err) {
    if (err instanceof DeltaError && err.kind === 'TableNotFound') return { version: -1, rows: 0, files: 0 };
    throw err;
  }
}

export function printPipeline(result: PipelineResult | null): void {
  if (!result) {
    console.log('  pipeline: no result');
    return;
  }
  console.log(`  pipeline ${result.instanceId}: ${result.status}`);
  for (const s of result.steps) {
    const versions = s.tableVersions
      ? Object.entries(s.tableVersions)
          .map(([t, v]) => `${t}@${v}`)
          .join(' ')
      : '';
    console.log(
      `    ${s.step.padEnd(9)} ${s.status.padEnd(9)} ${s.durationMs !== undefined ? `${s.durationMs} ms` : ''} ${s.detail ?? s.error ?? ''} ${versions}`.trimEnd(),
    );
  }
}

/** Prints the summary; returns false when the exactly-once check fails. */
export async function summary(
  lake: ObjectStore,
  sim: Simulation | undefined,
  sent: number,
): Promise<boolean> {
  const bronze = await tableFacts(lake, BRONZE_TABLE);
  const quarantine = await tableFacts(lake, QUARANTINE_TABLE);
  console.log('Summary');
  console.log(
    `  bronze/pos_events             version ${bronze.version}  files ${bronze.files}  rows ${bronze.rows}`,
  );
  console.log(
    `  bronze/pos_events_quarantine  version ${quarantine.version}  files ${quarantine.files}  rows ${quarantine.rows}`,
  );
  for (const table of ['silver/transactions', 'gold/sales_store_hour', 'gold/product_sales_daily']) {
    const f = await tableFacts(lake, table);
    if (f.version >= 0)
      console.log(`  ${table.padEnd(29)} version ${f.version}  files ${f.files}  rows ${f.rows}`);
  }
  if (!sim || sent === 0) return true;
  const sentEvents = sim.events.slice(0, sent);
  const validIds = new Map<string, number>();
  for (const e of sentEvents)
    if (e.malformation === null && e.eventId) validIds.set(e.eventId, (validIds.get(e.eventId) ?? 0) + 1);
  const landed = new Map<string, number>();
  if (bronze.version >= 0) {
    for await (const row of scanRows(await loadSnapshot(prefixed(lake, BRONZE_TABLE)), {
      columns: ['event_id'],
    })) {
      const id = row.event_id as string;
      if (validIds.has(id)) landed.set(id, (landed.get(id) ?? 0) + 1);
    }
  }
  let missing = 0;
  let extra = 0;
  for (const [id, n] of validIds) {
    const got = landed.get(id) ?? 0;
    if (got < n) missing += n - got;
    if (got > n) extra += got - n;
  }
  const deliveries = [...validIds.values()].reduce((a, b) => a + b, 0);
  console.log(
    `  this run: ${sent} events sent, ${deliveries} valid deliveries of ${validIds.size} distinct events; ${sentEvents.length - deliveries} malformed`,
  );
  const ok = missing === 0 && extra === 0;
  console.log(
    ok
      ? '  exactly-once check: every valid delivery is in Bronze exactly once'
      : `  exactly-once check FAILED: ${missing} missing, ${extra} duplicated`,
  );
  return ok;
}
