/**
 * Expectation suites in Great Expectations' JSON format, with DLT-style severities.
 *
 * Import accepts both GE dialects: 0.x (`expectation_suite_name`, `expectations[].expectation_type`)
 * and 1.x (`name`, `expectations[].type`, optional `severity`: critical | warning | info). Export writes
 * the 0.x key names (what the brief and most stored suites use) plus, with `{ dialect: '1.x' }`, the 1.x
 * ones. Unknown keys in kwargs and meta are kept, so a suite round-trips unchanged.
 *
 * Severity (ours, not GE's): `meta.severity` = warn | drop | fail wins; else GE 1.x `severity` maps
 * critical → fail, warning → warn, info → warn; else fail (GE's own default is critical).
 * `drop` is only accepted on row-level expectations: the rows it flags are moved to silver/quarantine.
 */
import { readFile } from 'node:fs/promises';

export type Severity = 'warn' | 'drop' | 'fail';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Kwargs = Record<string, JsonValue>;

export interface ExpectationConfig {
  expectation_type: string;
  kwargs: Kwargs;
  meta: Record<string, JsonValue>;
  /** GE 1.x expectation id, kept when present. */
  id?: string;
  /** GE 1.x severity, kept when present. */
  ge_severity?: string;
}

export interface ExpectationSuite {
  expectation_suite_name: string;
  expectations: ExpectationConfig[];
  meta: Record<string, JsonValue>;
  data_asset_type?: string | null;
}

export class SuiteFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuiteFormatError';
  }
}

/** Parses a suite object (either GE dialect); every problem is reported at once. */
export function parseSuite(
  input: unknown,
  isRowLevel: (type: string) => boolean = () => true,
): ExpectationSuite {
  const problems: string[] = [];
  if (!isObject(input)) throw new SuiteFormatError('a suite must be a JSON object');
  const name = input['expectation_suite_name'] ?? input['name'];
  if (typeof name !== 'string' || name === '')
    problems.push('expectation_suite_name (or name) must be a non-empty string');
  const list = input['expectations'];
  if (!Array.isArray(list)) problems.push('expectations must be an array');
  const expectations: ExpectationConfig[] = [];
  (Array.isArray(list) ? (list as unknown[]) : []).forEach((raw, i) => {
    if (!isObject(raw)) {
      problems.push(`expectations[${i}] must be an object`);
      return;
    }
    const type = raw['expectation_type'] ?? raw['type'];
    if (typeof type !== 'string' || type === '') {
      problems.push(`expectations[${i}].expectation_type must be a non-empty string`);
      return;
    }
    const kwargs = raw['kwargs'] ?? {};
    const meta = raw['meta'] ?? {};
    if (!isObject(kwargs)) problems.push(`expectations[${i}].kwargs must be an object`);
    if (!isObject(meta)) problems.push(`expectations[${i}].meta must be an object`);
    const config: ExpectationConfig = {
      expectation_type: type,
      kwargs: (isObject(kwargs) ? kwargs : {}) as Kwargs,
      meta: (isObject(meta) ? meta : {}) as Record<string, JsonValue>,
    };
    if (typeof raw['id'] === 'string') config.id = raw['id'];
    if (typeof raw['severity'] === 'string') config.ge_severity = raw['severity'];
    const declared = config.meta['severity'];
    if (declared !== undefined && declared !== 'warn' && declared !== 'drop' && declared !== 'fail') {
      problems.push(
        `expectations[${i}].meta.severity must be warn, drop or fail, got ${JSON.stringify(declared)}`,
      );
    }
    if (declared === 'drop' && !isRowLevel(type)) {
      problems.push(`expectations[${i}] (${type}): severity drop needs a row-level expectation`);
    }
    expectations.push(config);
  });
  const meta = input['meta'] ?? {};
  if (!isObject(meta)) problems.push('meta must be an object');
  if (problems.length > 0)
    throw new SuiteFormatError(`invalid expectation suite:\n  ${problems.join('\n  ')}`);
  const suite: ExpectationSuite = {
    expectation_suite_name: name as string,
    expectations,
    meta: meta as Record<string, JsonValue>,
  };
  const assetType = input['data_asset_type'];
  if (typeof assetType === 'string' || assetType === null) suite.data_asset_type = assetType;
  return suite;
}

export async function readSuiteFile(
  path: string,
  isRowLevel?: (type: string) => boolean,
): Promise<ExpectationSuite> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SuiteFormatError(
      `${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  return parseSuite(parsed, isRowLevel);
}

export function severityOf(config: ExpectationConfig): Severity {
  const declared = config.meta['severity'];
  if (declared === 'warn' || declared === 'drop' || declared === 'fail') return declared;
  if (config.ge_severity === 'warning' || config.ge_severity === 'info') return 'warn';
  return 'fail';
}

/** GE JSON of the suite; `1.x` writes `name`/`type`/`severity` instead of the 0.x key names. */
export function exportSuite(
  suite: ExpectationSuite,
  options: { dialect?: '0.x' | '1.x' } = {},
): Record<string, JsonValue> {
  if (options.dialect === '1.x') {
    return {
      name: suite.expectation_suite_name,
      expectations: suite.expectations.map((e) => ({
        type: e.expectation_type,
        kwargs: e.kwargs,
        meta: e.meta,
        ...(e.id === undefined ? {} : { id: e.id }),
        severity: e.ge_severity ?? (severityOf(e) === 'fail' ? 'critical' : 'warning'),
      })),
      meta: suite.meta,
    };
  }
  return {
    expectation_suite_name: suite.expectation_suite_name,
    expectations: suite.expectations.map((e) => configJson(e)),
    meta: suite.meta,
    data_asset_type: suite.data_asset_type ?? null,
  };
}

/** One expectation as GE JSON (used in validation results too). */
export function configJson(e: ExpectationConfig): { [key: string]: JsonValue } {
  return {
    expectation_type: e.expectation_type,
    kwargs: e.kwargs,
    meta: e.meta,
    ...(e.id === undefined ? {} : { id: e.id }),
    ...(e.ge_severity === undefined ? {} : { severity: e.ge_severity }),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON value as display text: strings as they are, everything else as JSON. */
export function jsonText(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
