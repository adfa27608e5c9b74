/** SQL text helpers for the DuckDB dialect: every identifier and literal in generated SQL goes through here. */
import type { JsonValue } from './suite.js';

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function str(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A kwarg value as a SQL literal: strings quoted, numbers and booleans as written, null as NULL. */
export function literal(value: JsonValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return str(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new KwargError(`non-finite number ${value} cannot be a SQL literal`);
    return Number.isInteger(value) ? `${value}` : `${value}::DOUBLE`;
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  throw new KwargError(`unsupported literal ${JSON.stringify(value)}`);
}

export function literalList(values: readonly JsonValue[]): string {
  return values.map((v) => literal(v)).join(', ');
}

/** A kwarg that is missing or of the wrong shape; reported as the expectation's exception, never a crash. */
export class KwargError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KwargError';
  }
}
