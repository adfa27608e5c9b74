/** Typed access to expectation kwargs; a bad kwarg throws KwargError (reported on that expectation). */
import type { StructType } from '../../delta/protocol/schema.js';
import type { JsonValue, Kwargs } from '../suite.js';
import { ident, KwargError, literal } from '../sql.js';

export function stringArg(kwargs: Kwargs, name: string, fallback?: string): string {
  const v = kwargs[name] ?? fallback;
  if (typeof v !== 'string' || v === '') throw new KwargError(`kwarg ${name} must be a non-empty string`);
  return v;
}

export function optionalString(kwargs: Kwargs, name: string): string | undefined {
  const v = kwargs[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new KwargError(`kwarg ${name} must be a string`);
  return v;
}

export function numberArg(kwargs: Kwargs, name: string, fallback?: number): number {
  const v = kwargs[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new KwargError(`kwarg ${name} must be a number`);
  return v;
}

export function boolArg(kwargs: Kwargs, name: string, fallback: boolean): boolean {
  const v = kwargs[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new KwargError(`kwarg ${name} must be true or false`);
  return v;
}

export function listArg(kwargs: Kwargs, name: string): JsonValue[] {
  const v = kwargs[name];
  if (!Array.isArray(v)) throw new KwargError(`kwarg ${name} must be a list`);
  return v;
}

export function stringListArg(kwargs: Kwargs, name: string): string[] {
  const v = listArg(kwargs, name);
  if (!v.every((x): x is string => typeof x === 'string'))
    throw new KwargError(`kwarg ${name} must be a list of strings`);
  return v;
}

/** A column of the validated table, quoted; unknown columns are a KwargError like GE's "column not found". */
export function columnArg(kwargs: Kwargs, schema: StructType, name = 'column'): string {
  const column = stringArg(kwargs, name);
  if (!schema.fields.some((f) => f.name === column))
    throw new KwargError(`column ${JSON.stringify(column)} not found in table`);
  return ident(column);
}

/** min_value / max_value / strict_min / strict_max as a SQL predicate on `expr` (TRUE when both absent). */
export function betweenPredicate(expr: string, kwargs: Kwargs, requireOne: boolean): string {
  const min = kwargs['min_value'] ?? null;
  const max = kwargs['max_value'] ?? null;
  if (requireOne && min === null && max === null)
    throw new KwargError('min_value and max_value cannot both be None');
  const parts: string[] = [];
  if (min !== null)
    parts.push(`${expr} ${boolArg(kwargs, 'strict_min', false) ? '>' : '>='} ${literal(min)}`);
  if (max !== null)
    parts.push(`${expr} ${boolArg(kwargs, 'strict_max', false) ? '<' : '<='} ${literal(max)}`);
  return parts.length === 0 ? 'TRUE' : `(${parts.join(' AND ')})`;
}

/** mostly ∈ [0, 1], default 1. */
export function mostlyOf(kwargs: Kwargs): number {
  const v = kwargs['mostly'];
  if (v === undefined || v === null) return 1;
  if (typeof v !== 'number' || v < 0 || v > 1)
    throw new KwargError('kwarg mostly must be a number between 0 and 1');
  return v;
}
