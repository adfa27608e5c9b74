/**
 * Which Bronze files an incremental run reads: the restated store-days span UTC windows (one per
 * business date, over the stores' time zones); a file is read only when its `occurred_at` range (from
 * its Delta stats) meets one of them, and the rows are filtered to the windows as well. A file without
 * usable stats is always read, so pruning can skip work but never data.
 */
import type { Add } from '../delta/protocol/actions.js';

export type Range = [bigint, bigint];

export function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = r[1] > last[1] ? r[1] : last[1];
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** Whether a Bronze file's occurred_at range (from its stats; ms-truncated) meets any range. */
export function overlaps(add: Add, ranges: readonly Range[]): boolean {
  const bounds = occurredBounds(add);
  if (!bounds) return true;
  return ranges.some(([from, to]) => bounds[0] < to && bounds[1] >= from);
}

function occurredBounds(add: Add): Range | undefined {
  if (!add.stats) return undefined;
  try {
    const stats = JSON.parse(add.stats) as {
      minValues?: Record<string, unknown>;
      maxValues?: Record<string, unknown>;
    };
    const min = stats.minValues?.occurred_at;
    const max = stats.maxValues?.occurred_at;
    if (typeof min !== 'string' || typeof max !== 'string') return undefined;
    const lo = Date.parse(min);
    const hi = Date.parse(max);
    if (Number.isNaN(lo) || Number.isNaN(hi)) return undefined;
    return [BigInt(lo) * 1000n, BigInt(hi) * 1000n + 1000n];
  } catch {
    return undefined;
  }
}

export function tsLiteral(micros: bigint): string {
  return `CAST(make_timestamp(${micros.toString()}::BIGINT) AS TIMESTAMPTZ)`;
}
