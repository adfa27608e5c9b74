/**
 * Validation of one decoded POS event: the zod schema (shape, types, formats), then the rules that
 * relate fields (sums, signs, time window, refund linkage). Never throws; the outcome is a value with
 * every rejection found, each with a stable reason code.
 *
 * Determinism: the time-window rules compare `occurredAt` with a caller-supplied reference time. The
 * Event Hub path passes the event's enqueued time, so a redelivered event is classified exactly as it
 * was the first time (an event must never flip between Bronze and quarantine on replay).
 */
import type { core } from 'zod';
import type { PosEventV1 } from './pos-event-schema.js';
import { posEventV1Schema } from './pos-event-schema.js';
import { fastParse } from './fast-parse.js';
import type { ReasonCode, Rejection } from './reason-codes.js';
import { REASON_CODES, rejection } from './reason-codes.js';
import { formatCents } from './money.js';
import { microsToIso } from './timestamp.js';

export interface ValidationLimits {
  /** How far occurredAt may be ahead of the reference time (clock skew between register and cloud). */
  futureToleranceMicros: bigint;
  /** How far occurredAt may be behind the reference time (offline registers, backfills). */
  maxAgeMicros: bigint;
}

export const DEFAULT_VALIDATION_LIMITS: ValidationLimits = {
  futureToleranceMicros: 5n * 60n * 1_000_000n,
  maxAgeMicros: 400n * 86_400n * 1_000_000n,
};

export type ValidationResult = { ok: true; event: PosEventV1 } | { ok: false; rejections: Rejection[] };

export function validateEvent(
  value: unknown,
  referenceMicros: bigint,
  limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS,
): ValidationResult {
  const fast =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? fastParse(value as Record<string, unknown>)
      : undefined;
  if (fast) {
    const rejections = checkRules(fast, referenceMicros, limits);
    return rejections.length === 0 ? { ok: true, event: fast } : { ok: false, rejections };
  }
  const parsed = posEventV1Schema.safeParse(value);
  if (!parsed.success)
    return { ok: false, rejections: dedupe(parsed.error.issues.map((i) => toRejection(i, value))) };
  const rejections = checkRules(parsed.data, referenceMicros, limits);
  return rejections.length === 0 ? { ok: true, event: parsed.data } : { ok: false, rejections };
}

const CENT = 1n;

function checkRules(e: PosEventV1, referenceMicros: bigint, limits: ValidationLimits): Rejection[] {
  const out: Rejection[] = [];
  const add = (code: ReasonCode, path: string, detail?: string) =>
    out.push(
      rejection(code, path, detail === undefined ? REASON_CODES[code] : `${REASON_CODES[code]}: ${detail}`),
    );

  if (e.eventType === 'refund' && !e.originalTransactionId)
    add('refund_without_original', 'originalTransactionId');
  if (e.eventType !== 'void' && e.lines.length === 0) add('no_lines', 'lines');

  const lineNos = new Set<number>();
  let sumLines = 0n;
  e.lines.forEach((line, i) => {
    const at = `lines[${i}]`;
    if (lineNos.has(line.lineNo)) add('duplicate_line_no', `${at}.lineNo`, String(line.lineNo));
    lineNos.add(line.lineNo);
    if (!(line.quantity > 0)) add('non_positive_quantity', `${at}.quantity`, String(line.quantity));
    for (const [name, cents] of [
      ['unitPrice', line.unitPrice],
      ['discount', line.discount ?? 0n],
      ['lineTotal', line.lineTotal],
    ] as const) {
      if (cents < 0n) add('negative_amount', `${at}.${name}`);
    }
    const expected = lineAmount(line.quantity, line.unitPrice, line.discount ?? 0n);
    if (expected !== undefined && abs(expected - line.lineTotal) > CENT) {
      add(
        'line_total_mismatch',
        `${at}.lineTotal`,
        `expected ${formatCents(expected)}, got ${formatCents(line.lineTotal)}`,
      );
    }
    sumLines += line.lineTotal;
  });

  for (const [name, cents] of [
    ['subtotal', e.subtotal],
    ['tax', e.tax],
    ['total', e.total],
  ] as const) {
    if (cents < 0n) add('negative_amount', name);
  }
  if (abs(sumLines - e.subtotal) > CENT) {
    add(
      'subtotal_mismatch',
      'subtotal',
      `lines sum to ${formatCents(sumLines)}, subtotal ${formatCents(e.subtotal)}`,
    );
  }
  if (e.subtotal + e.tax !== e.total) {
    add(
      'total_mismatch',
      'total',
      `${formatCents(e.subtotal)} + ${formatCents(e.tax)} ≠ ${formatCents(e.total)}`,
    );
  }
  let sumTenders = 0n;
  e.tenders.forEach((t, i) => {
    if (t.amount < 0n) add('negative_amount', `tenders[${i}].amount`);
    sumTenders += t.amount;
  });
  if (e.tenders.length === 0 && e.total !== 0n) add('no_tenders', 'tenders');
  else if (sumTenders !== e.total) {
    add(
      'tender_total_mismatch',
      'tenders',
      `tenders sum to ${formatCents(sumTenders)}, total ${formatCents(e.total)}`,
    );
  }

  if (e.occurredAt > referenceMicros + limits.futureToleranceMicros) {
    add(
      'occurred_at_in_future',
      'occurredAt',
      `${microsToIso(e.occurredAt)} is after ${microsToIso(referenceMicros)}`,
    );
  } else if (e.occurredAt < referenceMicros - limits.maxAgeMicros) {
    add(
      'occurred_at_too_old',
      'occurredAt',
      `${microsToIso(e.occurredAt)} is before ${microsToIso(referenceMicros - limits.maxAgeMicros)}`,
    );
  }
  return out;
}

/** quantity × unitPrice − discount in cents, rounded half away from zero; quantity to 3 decimals. */
function lineAmount(quantity: number, unitPrice: bigint, discount: bigint): bigint | undefined {
  if (Number.isSafeInteger(quantity) && quantity >= 0) return BigInt(quantity) * unitPrice - discount;
  const text = String(quantity);
  const m = /^(\d+)(?:\.(\d{1,3}))?$/.exec(text);
  if (!m) return undefined; // fractional beyond grams, exponent or negative: other rules speak
  const milli = BigInt((m[1] ?? '0') + (m[2] ?? '').padEnd(3, '0'));
  const product = milli * unitPrice;
  const rounded = (product + 500n) / 1000n;
  return rounded - discount;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** Maps a zod issue to a reason code: custom checks name theirs; the rest by issue kind and path. */
function toRejection(issue: core.$ZodIssue, input: unknown): Rejection {
  const path = formatPath(issue.path);
  return rejection(reasonOf(issue, input), path, `${issue.message}${path ? ` at ${path}` : ''}`);
}

function reasonOf(issue: core.$ZodIssue, input: unknown): ReasonCode {
  const last = issue.path[issue.path.length - 1];
  switch (issue.code) {
    case 'custom': {
      const reason = (issue.params as { reason?: ReasonCode } | undefined)?.reason;
      return reason ?? 'invalid_format';
    }
    case 'invalid_type': {
      const actual = valueAt(input, issue.path);
      return actual === undefined || actual === null ? 'missing_field' : 'wrong_type';
    }
    case 'invalid_value':
      if (last === 'schemaVersion') return 'unsupported_schema_version';
      if (last === 'eventType') return 'unknown_event_type';
      if (last === 'method') return 'unknown_tender_method';
      return 'invalid_format';
    case 'invalid_union': {
      const actual = valueAt(input, issue.path);
      return actual === undefined || actual === null ? 'missing_field' : 'wrong_type';
    }
    case 'too_small':
    case 'too_big':
      return issue.origin === 'string' ? 'invalid_format' : 'out_of_range';
    case 'invalid_format':
      return 'invalid_format';
    default:
      return 'wrong_type';
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out;
}

function dedupe(rejections: Rejection[]): Rejection[] {
  const seen = new Set<string>();
  return rejections.filter((r) => {
    const key = `${r.code}@${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
