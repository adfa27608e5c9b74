/**
 * Runs an expectation suite over one registered table and returns GE's validation result.
 *
 * Invariants:
 * - All row-level checks on the plain table are folded into one scan (`count(*) FILTER (WHERE …)` per
 *   expectation); rules with their own joins run one query each; samples are fetched only for
 *   expectations with unexpected rows. No row goes through JS.
 * - One expectation's problem (unknown type, bad kwarg, SQL error) is that expectation's result with
 *   `exception_info.raised_exception` and success false; it never sinks the validation.
 * - `success` of the suite is GE's: every expectation succeeded, whatever its severity. Severities
 *   (warn/drop/fail) are interpreted by the gate.
 */
import type { DqSession, RegisteredTable } from './dq-session.js';
import type { Compiled } from './expectations/expectation-definition.js';
import { expectationDefinition } from './expectations/registry.js';
import { mostlyOf } from './expectations/kwargs.js';
import { KwargError } from './sql.js';
import type { ExpectationConfig, ExpectationSuite, JsonValue } from './suite.js';
import { configJson, severityOf } from './suite.js';
import type { ExpectationResult, SuiteValidationResult } from './validation-result.js';
import { statisticsOf } from './validation-result.js';

export const ENGINE_VERSION = 'pos-lakehouse-dq 1 (great_expectations 1.x result format)';
const PARTIAL = 20;

/** Rows a failing `drop` expectation flags, as SQL returning (__file, __row) of the validated table. */
export interface DropPlan {
  expectationIndex: number;
  expectation: ExpectationConfig;
  rowsSql: string;
}

export interface ValidateOptions {
  runId?: string;
  /** ISO time stamped into meta (default: now). */
  validationTime?: string;
}

export interface ValidationRun {
  result: SuiteValidationResult;
  drops: DropPlan[];
}

type MapCompiled = Extract<Compiled, { kind: 'map' }>;

export async function validateSuite(
  session: DqSession,
  table: RegisteredTable,
  suite: ExpectationSuite,
  options: ValidateOptions = {},
): Promise<ValidationRun> {
  const results: (ExpectationResult | undefined)[] = new Array<ExpectationResult | undefined>(
    suite.expectations.length,
  );
  const drops: DropPlan[] = [];
  const batched: { index: number; compiled: MapCompiled }[] = [];
  const durations = new Map<number, number>();
  for (const [index, config] of suite.expectations.entries()) {
    const started = performance.now();
    let compiled: Compiled;
    try {
      compiled = compile(session, table, config);
    } catch (err) {
      results[index] = errored(config, err);
      continue;
    }
    if (compiled.kind === 'map' && compiled.source === undefined) {
      batched.push({ index, compiled });
      continue;
    }
    results[index] = await evaluate(session, table, config, compiled, drops, index);
    durations.set(index, performance.now() - started);
  }
  if (batched.length > 0) {
    const scanStarted = performance.now();
    const counts = await batchCounts(
      session,
      table,
      batched.map((b) => b.compiled),
    ).catch(() => undefined);
    // The shared scan's time is split evenly between the expectations folded into it.
    const share = (performance.now() - scanStarted) / batched.length;
    for (const [i, { index, compiled }] of batched.entries()) {
      const started = performance.now();
      const config = suite.expectations[index] as ExpectationConfig;
      results[index] = await evaluate(session, table, config, compiled, drops, index, counts?.[i]);
      durations.set(index, share + performance.now() - started);
    }
  }
  const final = results.map((r, i) => {
    const result = r ?? errored(suite.expectations[i] as ExpectationConfig, new Error('not evaluated'));
    result.meta['duration_ms'] = Math.round(durations.get(i) ?? 0);
    return result;
  });
  return {
    result: {
      success: final.every((r) => r.success),
      results: final,
      suite_name: suite.expectation_suite_name,
      suite_parameters: {},
      statistics: statisticsOf(final),
      meta: {
        great_expectations_version: ENGINE_VERSION,
        expectation_suite_name: suite.expectation_suite_name,
        run_id: {
          run_name: options.runId ?? null,
          run_time: options.validationTime ?? new Date().toISOString(),
        },
        validation_time: options.validationTime ?? new Date().toISOString(),
        batch_spec: { table: table.name, location: table.snapshot.table, version: table.version },
        active_batch_definition: {
          datasource_name: 'delta',
          data_connector_name: 'snapshot',
          data_asset_name: table.name,
          batch_identifiers: { version: table.version },
        },
      },
      id: null,
    },
    drops,
  };
}

function compile(session: DqSession, table: RegisteredTable, config: ExpectationConfig): Compiled {
  const definition = expectationDefinition(config.expectation_type);
  if (!definition) throw new KwargError(`unknown expectation type ${config.expectation_type}`);
  for (const unsupported of ['row_condition']) {
    if (config.kwargs[unsupported] !== undefined && config.kwargs[unsupported] !== null) {
      throw new KwargError(`kwarg ${unsupported} is not supported by this engine`);
    }
  }
  return definition.compile({
    kwargs: config.kwargs,
    ref: table.ref,
    raw: table.raw,
    schema: table.schema,
    tableRef: (name) => {
      const other = session.table(name);
      if (!other) throw new KwargError(`table ${name} is not registered for this validation`);
      return other.ref;
    },
  });
}

interface MapCounts {
  element: number;
  domain: number;
  unexpected: number;
}

async function batchCounts(
  session: DqSession,
  table: RegisteredTable,
  list: MapCompiled[],
): Promise<MapCounts[]> {
  const cols = list.flatMap((m, i) => [
    `count(*) FILTER (WHERE ${m.domain}) AS d${i}`,
    `count(*) FILTER (WHERE (${m.domain}) AND (${m.unexpected})) AS u${i}`,
  ]);
  const [row] = await session.query(`SELECT count(*) AS n, ${cols.join(', ')} FROM ${table.raw}`);
  return list.map((_, i) => ({
    element: num(row?.['n']),
    domain: num(row?.[`d${i}`]),
    unexpected: num(row?.[`u${i}`]),
  }));
}

async function evaluate(
  session: DqSession,
  table: RegisteredTable,
  config: ExpectationConfig,
  compiled: Compiled,
  drops: DropPlan[],
  index: number,
  pre?: MapCounts,
): Promise<ExpectationResult> {
  try {
    switch (compiled.kind) {
      case 'static':
        return outcome(config, compiled.success, compiled.result);
      case 'aggregate': {
        const [row] = await session.query(compiled.sql);
        const result: Record<string, JsonValue> = { observed_value: json(row?.['observed']) };
        if (row && 'unexpected_count' in row) result['unexpected_count'] = num(row['unexpected_count']);
        return outcome(config, row?.['success'] === true, result);
      }
      case 'map': {
        const source = `${compiled.source === undefined ? table.raw : `(${compiled.source})`} AS __dq_src`;
        let counts = pre;
        if (!counts) {
          const [row] = await session.query(
            `SELECT count(*) AS n, count(*) FILTER (WHERE ${compiled.domain}) AS d, count(*) FILTER (WHERE (${compiled.domain}) AND (${compiled.unexpected})) AS u FROM ${source}`,
          );
          counts = { element: num(row?.['n']), domain: num(row?.['d']), unexpected: num(row?.['u']) };
        }
        const { element, domain, unexpected } = counts;
        const mostly = mostlyOf(config.kwargs);
        const success = element === 0 || domain === 0 || (domain - unexpected) / domain >= mostly;
        const where = `(${compiled.domain}) AND (${compiled.unexpected})`;
        let partial: JsonValue[] = [];
        let partialCounts: JsonValue[] = [];
        if (unexpected > 0) {
          const order = compiled.order ?? '__ord, __row';
          partial = (
            await session.query(
              `SELECT ${compiled.value} AS v FROM ${source} WHERE ${where} ORDER BY ${order} LIMIT ${PARTIAL}`,
            )
          ).map((r) => json(r['v']));
          partialCounts = (
            await session.query(
              `SELECT ${compiled.value} AS v, count(*) AS n FROM ${source} WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${PARTIAL}`,
            )
          ).map((r) => ({ value: json(r['v']), count: num(r['n']) }));
        }
        const missing = element - domain;
        const result: Record<string, JsonValue> = {
          element_count: element,
          unexpected_count: unexpected,
          unexpected_percent: domain > 0 ? (unexpected / domain) * 100 : null,
          partial_unexpected_list: partial,
          missing_count: missing,
          missing_percent: element > 0 ? (missing / element) * 100 : null,
          unexpected_percent_total: element > 0 ? (unexpected / element) * 100 : null,
          unexpected_percent_nonmissing: domain > 0 ? (unexpected / domain) * 100 : null,
          partial_unexpected_counts: partialCounts,
        };
        const r = outcome(config, success, result);
        if (severityOf(config) === 'drop' && unexpected > 0 && compiled.tableRows !== false) {
          drops.push({
            expectationIndex: index,
            expectation: config,
            rowsSql: `SELECT __file, __row FROM ${source} WHERE ${where}`,
          });
        }
        return r;
      }
    }
  } catch (err) {
    return errored(config, err);
  }
}

function outcome(
  config: ExpectationConfig,
  success: boolean,
  result: Record<string, JsonValue>,
): ExpectationResult {
  return {
    success,
    expectation_config: { ...configJson(config), type: config.expectation_type },
    result,
    meta: { severity: severityOf(config) },
    exception_info: { raised_exception: false, exception_message: null, exception_traceback: null },
  };
}

function errored(config: ExpectationConfig, err: unknown): ExpectationResult {
  const message = err instanceof Error ? err.message : String(err);
  return {
    ...outcome(config, false, {}),
    exception_info: {
      raised_exception: true,
      exception_message: message,
      exception_traceback:
        err instanceof KwargError ? null : err instanceof Error ? (err.stack ?? null) : null,
    },
  };
}

export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' || typeof v === 'bigint') return Number(v);
  return 0;
}

/** DuckDB's JSON-safe row values are already JSON; undefined (absent) becomes null. */
export function json(v: unknown): JsonValue {
  return v === undefined ? null : (v as JsonValue);
}
