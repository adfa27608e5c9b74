/**
 * The orchestration's DQ step: validate every suite against its table at the pinned version, move
 * `drop` rows to silver/quarantine, record results (ops/dq_results + optional sinks), write Data Docs.
 *
 * Invariants:
 * - `blocking` is true iff an expectation with severity `fail` did not succeed, including one that
 *   could not run (missing table, bad kwarg): the gate fails closed. Gold must not be published then.
 * - `success` is GE's: every expectation of every suite succeeded (warn and drop failures make it false
 *   without blocking).
 * - A suite names its table in `meta.table` (lake-relative, e.g. `silver/transactions`); tables its
 *   expectations reference (lines, tenders, stores, history) are read at `tableVersions[name]` when
 *   given, else at their latest version.
 * - Re-running the step for the same run id appends no duplicate results or quarantine rows (txn).
 */
import type { ObjectStore } from '../delta/storage/object-store.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { dataDocsKey, renderDataDocs, type DocsValidation, type TrendPoint } from './data-docs.js';
import { DqSession } from './dq-session.js';
import { expectationDefinition } from './expectations/registry.js';
import { moveToQuarantine, QUARANTINE_TABLE, type MoveOutcome } from './quarantine.js';
import { appendResults, DQ_RESULTS_TABLE, resultRecords, type DqResultsSink } from './results-store.js';
import { str } from './sql.js';
import type { ExpectationSuite } from './suite.js';
import { configJson, severityOf } from './suite.js';
import type { SuiteValidationResult } from './validation-result.js';
import { statisticsOf } from './validation-result.js';
import { ENGINE_VERSION, num, validateSuite } from './validate-suite.js';

export interface DqGateInput {
  /** The lake root. */
  lake: ObjectStore;
  suites: readonly ExpectationSuite[];
  /** Orchestration instance id. */
  runId: string;
  /** Versions to validate, by lake-relative table name (others: latest). */
  tableVersions?: Readonly<Record<string, number>>;
  /** Extra result destinations (Azure Table storage: tableStorageSink). */
  sinks?: readonly DqResultsSink[];
  /** Runs shown in the Data Docs trend (default 10). */
  trendRuns?: number;
  now?: () => Date;
}

export interface DqGateTableResult {
  table: string;
  version: number;
  validation: SuiteValidationResult;
  quarantine: MoveOutcome;
}

export interface DqGateOutput {
  success: boolean;
  blocking: boolean;
  results: DqGateTableResult[];
  dataDocsKey: string;
}

export async function runDqGate(input: DqGateInput): Promise<DqGateOutput> {
  const now = input.now ?? (() => new Date());
  const validatedAt = now();
  const session = await DqSession.open();
  try {
    const results: DqGateTableResult[] = [];
    for (const suite of input.suites) results.push(await validateOne(session, input, suite, validatedAt));
    const blocking = results.some((t) =>
      t.validation.results.some((r) => !r.success && r.meta['severity'] === 'fail'),
    );
    const resultsStore = prefixed(input.lake, DQ_RESULTS_TABLE);
    for (const t of results) {
      const records = resultRecords(input.runId, t.table, t.version, t.validation, validatedAt);
      await appendResults(resultsStore, records);
      for (const sink of input.sinks ?? []) await sink.write(records);
    }
    const trends = await loadTrends(session, resultsStore, results, input.trendRuns ?? 10);
    const validations: DocsValidation[] = results.map((t) => ({
      table: t.table,
      version: t.version,
      result: t.validation,
      dropped: Object.fromEntries(
        t.validation.results.flatMap((r, i) =>
          typeof r.meta['dropped_rows'] === 'number' ? [[i, r.meta['dropped_rows']]] : [],
        ),
      ),
    }));
    const key = dataDocsKey(input.runId);
    const html = renderDataDocs({
      runId: input.runId,
      generatedAt: validatedAt.toISOString(),
      blocking,
      validations,
      trends,
    });
    await input.lake.put(key, new TextEncoder().encode(html));
    return { success: results.every((t) => t.validation.success), blocking, results, dataDocsKey: key };
  } finally {
    await session.close();
  }
}

async function validateOne(
  session: DqSession,
  input: DqGateInput,
  suite: ExpectationSuite,
  at: Date,
): Promise<DqGateTableResult> {
  const tableName = suite.meta['table'];
  if (typeof tableName !== 'string' || tableName === '') {
    return unavailable(suite, '(none)', 'suite meta.table must name the table to validate', input.runId, at);
  }
  // Referenced tables first: a missing one only fails the expectations that need it.
  for (const config of suite.expectations) {
    let names: string[] = [];
    try {
      names = expectationDefinition(config.expectation_type)?.tables?.(config.kwargs) ?? [];
    } catch {
      continue;
    }
    for (const name of names) {
      if (session.table(name) || name === tableName) continue;
      await register(session, input, name).catch(() => undefined);
    }
  }
  let table;
  try {
    table = await register(session, input, tableName);
  } catch (err) {
    return unavailable(
      suite,
      tableName,
      `cannot read ${tableName}: ${err instanceof Error ? err.message : String(err)}`,
      input.runId,
      at,
    );
  }
  const { result, drops } = await validateSuite(session, table, suite, {
    runId: input.runId,
    validationTime: at.toISOString(),
  });
  const keyColumns = Array.isArray(suite.meta['key_columns'])
    ? suite.meta['key_columns'].filter((k): k is string => typeof k === 'string')
    : [];
  const quarantine = await moveToQuarantine(session, table, prefixed(input.lake, QUARANTINE_TABLE), drops, {
    runId: input.runId,
    keyColumns,
    now: () => at,
  });
  if (quarantine.kind === 'moved' || quarantine.kind === 'conflict') {
    for (const plan of drops) {
      const counted = await session.query(`SELECT count(*) AS n FROM (${plan.rowsSql})`);
      const r = result.results[plan.expectationIndex];
      if (r) {
        r.meta['dropped_rows'] = quarantine.kind === 'moved' ? num(counted[0]?.['n']) : 0;
        if (quarantine.kind === 'conflict') r.meta['drop_conflict'] = quarantine.reason;
      }
    }
  }
  return { table: tableName, version: table.version, validation: result, quarantine };
}

function register(session: DqSession, input: DqGateInput, name: string) {
  const version = input.tableVersions?.[name];
  return session.registerTable(name, prefixed(input.lake, name), version === undefined ? {} : { version });
}

/** Every expectation fails with the reason: the gate fails closed when a table cannot be read. */
function unavailable(
  suite: ExpectationSuite,
  table: string,
  message: string,
  runId: string,
  at: Date,
): DqGateTableResult {
  const results = suite.expectations.map((e) => ({
    success: false,
    expectation_config: { ...configJson(e), type: e.expectation_type },
    result: {},
    meta: { severity: severityOf(e) },
    exception_info: { raised_exception: true, exception_message: message, exception_traceback: null },
  }));
  return {
    table,
    version: -1,
    quarantine: { kind: 'nothing' },
    validation: {
      success: false,
      results,
      suite_name: suite.expectation_suite_name,
      suite_parameters: {},
      statistics: statisticsOf(results),
      meta: {
        great_expectations_version: ENGINE_VERSION,
        run_id: { run_name: runId, run_time: at.toISOString() },
        validation_time: at.toISOString(),
      },
      id: null,
    },
  };
}

async function loadTrends(
  session: DqSession,
  store: ObjectStore,
  results: readonly DqGateTableResult[],
  runs: number,
): Promise<Map<string, TrendPoint[]>> {
  const trends = new Map<string, TrendPoint[]>();
  if (results.length === 0) return trends;
  const t = await session.registerTable('ops/dq_results', store).catch(() => undefined);
  if (!t) return trends;
  const suites = results.map((r) => str(r.validation.suite_name)).join(', ');
  const rows = await session.query(
    `WITH recent AS (SELECT run_id FROM ${t.ref} WHERE suite_name IN (${suites}) GROUP BY run_id ORDER BY max(validated_at) DESC LIMIT ${runs}) ` +
      `SELECT suite_name, expectation_index, run_id, strftime(validated_at, '%Y-%m-%dT%H:%M:%SZ') AS at, unexpected_percent, success ` +
      `FROM ${t.ref} WHERE suite_name IN (${suites}) AND run_id IN (SELECT run_id FROM recent) ORDER BY validated_at, run_id`,
  );
  for (const r of rows) {
    const key = `${String(r['suite_name'])}#${num(r['expectation_index'])}`;
    const list = trends.get(key) ?? [];
    const p = r['unexpected_percent'];
    list.push({
      runId: String(r['run_id']),
      validatedAt: String(r['at']),
      unexpectedPercent: typeof p === 'number' ? p : null,
      success: r['success'] === true,
    });
    trends.set(key, list);
  }
  return trends;
}
