/**
 * The pipeline's local transform step: Silver/Gold on the embedded DuckDB engine, incremental from the
 * watermark of the last successful run (kept at ops/transform/watermark.json and reported with the
 * run as the input versions it read).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { runTransform } from '../transforms/run-transform.js';
import type { TransformWatermark } from '../transforms/watermark.js';
import type { StepOutcome } from '../../orchestrations/pipeline-types.js';
import type { StepRequest } from './pipeline-engines.js';

export const WATERMARK_KEY = 'ops/transform/watermark.json';

export async function transformStep(
  lake: ObjectStore,
  request: StepRequest,
  hmacKey: string,
  now: () => number,
): Promise<StepOutcome> {
  const stored = await lake.get(WATERMARK_KEY);
  const since = stored
    ? (JSON.parse(new TextDecoder().decode(stored)) as { watermark: TransformWatermark }).watermark
    : undefined;
  const result = await runTransform({ lake, hmacKey, now: now(), ...(since ? { since } : {}) });
  await lake.put(
    WATERMARK_KEY,
    new TextEncoder().encode(
      JSON.stringify({ instanceId: request.instanceId, watermark: result.watermark }, null, 2),
    ),
  );
  const rowCounts: Record<string, number> = {};
  const tableVersions: Record<string, number> = {};
  for (const t of result.tables) {
    rowCounts[t.name] = t.rows;
    tableVersions[t.name] = t.version;
  }
  for (const [table, version] of Object.entries(result.watermark)) tableVersions[`${table} (read)`] = version;
  return {
    rowCounts,
    tableVersions,
    detail: `${result.mode} run: ${result.restated.storeDays} store-days restated (${result.restated.dates.join(', ') || 'none'}), ${result.quarantined} rows in silver/quarantine`,
  };
}

/**
 * The HMAC key: from configuration, or — for a local lake only — a random key kept in a file under
 * .local/ so pseudonyms stay stable across local runs. Never logged.
 */
export function resolvePseudonymizationKey(
  configured: string | undefined,
  lakeUrl: string,
  keyFile = '.local/pseudonymization.key',
): string {
  if (configured) return configured;
  if (/^(az|abfss?|https?):\/\//.test(lakeUrl)) {
    throw new Error('PSEUDONYMIZATION_KEY must be configured (a Key Vault reference) for a cloud lake');
  }
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return readFileSync(keyFile, 'utf8').trim();
}
