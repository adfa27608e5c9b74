/**
 * The pipeline's DQ step: runs the shipped suites (shared/dq/suites/*.json, editable) over the tables
 * the transform just produced, records results and Data Docs, and blocks publication when any
 * `fail`-severity expectation does not pass.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TableClient } from '@azure/data-tables';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { readSuiteFile } from '../dq/suite.js';
import { runDqGate } from '../dq/run-dq-gate.js';
import { tableStorageSink } from '../dq/results-store.js';
import type { StepOutcome } from '../../orchestrations/pipeline-types.js';
import type { StepRequest } from './pipeline-engines.js';

export const DQ_RESULTS_AZURE_TABLE = 'DqResults';

export async function dqStep(
  lake: ObjectStore,
  request: StepRequest,
  resultsTable: TableClient | undefined,
): Promise<StepOutcome> {
  const dir = suitesDir();
  const suites = await Promise.all(
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => readSuiteFile(join(dir, f))),
  );
  const tableVersions: Record<string, number> = {};
  for (const s of request.previous)
    Object.assign(tableVersions, s.step === 'transform' ? (s.tableVersions ?? {}) : {});
  const sinks = resultsTable ? [tableStorageSink(resultsTable)] : [];
  const out = await runDqGate({ lake, suites, runId: request.instanceId, tableVersions, sinks });
  let evaluated = 0;
  let failedFail = 0;
  let failedOther = 0;
  let dropped = 0;
  for (const t of out.results) {
    for (const r of t.validation.results) {
      evaluated++;
      if (!r.success) {
        if (r.meta['severity'] === 'fail') failedFail++;
        else failedOther++;
      }
    }
    if (t.quarantine.kind === 'moved') dropped += t.quarantine.rows;
  }
  const detail = `${evaluated} expectations on ${out.results.length} tables: ${failedFail} blocking failures, ${failedOther} warnings/drops, ${dropped} rows quarantined; Data Docs ${out.dataDocsKey}`;
  return out.blocking
    ? { failed: true, error: `DQ gate blocked publication: ${detail}`, detail }
    : { detail };
}

function suitesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'dq', 'suites');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`DQ suites not found (looked for shared/dq/suites under the package root above ${here})`);
}
