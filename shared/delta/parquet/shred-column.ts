/**
 * Dremel shredding: turns the values of one top-level column (rows [start, end)) into the
 * repetition levels, definition levels and non-null leaf values of one Parquet leaf column.
 *
 * Invariants of the result:
 * - `numLevels` entries per level stream; `values[valueOffset, valueOffset + numValues)` holds
 *   exactly the values of the levels whose definition level equals `maxDef`, in order.
 * - `def === null` means every level equals `maxDef` (nothing null, nothing empty); writers encode
 *   that as one RLE run instead of materialising the stream. `rep === null` iff `maxRep === 0`.
 * - A flat column (the common case) costs one pass and, when it has no nulls, no allocation: the
 *   input array (or typed array) is used as `values` directly, windowed by `valueOffset`.
 *
 * `undefined` is treated like `null`. A null where the schema says REQUIRED throws.
 * Level arrays of flat columns live in scratch (typed-scratch.ts): valid until the next column.
 */
import { Repetition } from './format-constants.js';
import type { LeafColumn, PathStep } from './parquet-schema.js';
import { scratchUint8 } from './typed-scratch.js';

/** Accepted column inputs: JS arrays in the value model, or typed arrays for null-free fast paths. */
export type ColumnInput =
  readonly unknown[] | BigInt64Array | Int32Array | Int16Array | Int8Array | Float32Array | Float64Array;

export interface ShreddedColumn {
  numLevels: number;
  def: Uint8Array | null;
  rep: Uint8Array | null;
  numValues: number;
  /** The non-null leaf values are values[valueOffset, valueOffset + numValues). */
  values: ArrayLike<unknown>;
  valueOffset: number;
}

export function shredColumn(
  leaf: LeafColumn,
  column: ColumnInput,
  start: number,
  end: number,
): ShreddedColumn {
  if (leaf.steps.length === 1) return shredFlat(leaf, column, start, end);
  const sink = new LevelSink(end - start);
  const steps = leaf.steps;
  if (!Array.isArray(column))
    throw new Error(`parquet: column ${leaf.displayName}: nested values must be a JS array`);
  for (let r = start; r < end; r++) walk(leaf, steps, 0, column[r], 0, 0, sink);
  return sink.result(leaf.maxDef, leaf.maxRep);
}

function shredFlat(leaf: LeafColumn, column: ColumnInput, start: number, end: number): ShreddedColumn {
  const n = end - start;
  if (!Array.isArray(column)) {
    // Typed arrays cannot hold nulls.
    const typed = column as Exclude<ColumnInput, readonly unknown[]>;
    return {
      numLevels: n,
      def: null,
      rep: null,
      numValues: n,
      values: typed.subarray(start, end),
      valueOffset: 0,
    };
  }
  const col = column as readonly unknown[];
  let nulls = 0;
  for (let i = start; i < end; i++) {
    const v = col[i];
    if (v === null || v === undefined) nulls++;
  }
  if (nulls === 0) {
    // No copy: the row group is a window [start, end) of the caller's array.
    return { numLevels: n, def: null, rep: null, numValues: n, values: col, valueOffset: start };
  }
  if (leaf.maxDef === 0) {
    throw new Error(`parquet: column ${leaf.displayName} is not nullable but has ${nulls} null value(s)`);
  }
  const def = scratchUint8('def', n);
  const values = new Array<unknown>(n - nulls);
  let k = 0;
  for (let i = start; i < end; i++) {
    const v = col[i];
    if (v !== null && v !== undefined) {
      def[i - start] = 1;
      values[k++] = v;
    } else {
      def[i - start] = 0;
    }
  }
  return { numLevels: n, def, rep: null, numValues: k, values, valueOffset: 0 };
}

/**
 * Visits node `k` of the leaf path holding value `v`; `parentDef` is the definition level of the
 * deepest present ancestor, `rep` the repetition level to emit with this node's first level.
 */
function walk(
  leaf: LeafColumn,
  steps: readonly PathStep[],
  k: number,
  v: unknown,
  parentDef: number,
  rep: number,
  sink: LevelSink,
): void {
  const step = steps[k] as PathStep;
  if (step.repetition === Repetition.REPEATED) {
    walkRepeated(leaf, steps, k, step, v, parentDef, rep, sink);
    return;
  }
  if (v === null || v === undefined) {
    if (step.repetition === Repetition.REQUIRED) {
      throw new Error(`parquet: column ${leaf.displayName}: required field ${step.name} is null`);
    }
    sink.push(rep, parentDef, undefined, false);
    return;
  }
  if (k === steps.length - 1) {
    sink.push(rep, step.def, v, true);
    return;
  }
  const next = steps[k + 1] as PathStep;
  let child: unknown = v;
  if (next.repetition !== Repetition.REPEATED) {
    // A struct member (lists and maps hand their whole value to the repeated node).
    if (typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
      throw new Error(`parquet: column ${leaf.displayName}: expected a struct object at ${step.name}`);
    }
    child = (v as Record<string, unknown>)[next.name];
  }
  walk(leaf, steps, k + 1, child, step.def, rep, sink);
}

function walkRepeated(
  leaf: LeafColumn,
  steps: readonly PathStep[],
  k: number,
  step: PathStep,
  v: unknown,
  parentDef: number,
  rep: number,
  sink: LevelSink,
): void {
  const childStep = steps[k + 1] as PathStep;
  if (step.container === 'list') {
    if (!Array.isArray(v)) throw new Error(`parquet: column ${leaf.displayName}: expected an array`);
    const arr = v as readonly unknown[];
    if (arr.length === 0) {
      sink.push(rep, parentDef, undefined, false);
      return;
    }
    for (let i = 0; i < arr.length; i++)
      walk(leaf, steps, k + 1, arr[i], step.def, i === 0 ? rep : step.rep, sink);
    return;
  }
  const takeKey = childStep.access === 'key';
  let first = true;
  const visit = (key: unknown, value: unknown): void => {
    walk(leaf, steps, k + 1, takeKey ? key : value, step.def, first ? rep : step.rep, sink);
    first = false;
  };
  if (v instanceof Map) {
    for (const [key, value] of v as Map<unknown, unknown>) visit(key, value);
  } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    for (const key in v as Record<string, unknown>) {
      if (Object.prototype.hasOwnProperty.call(v, key)) visit(key, (v as Record<string, unknown>)[key]);
    }
  } else {
    throw new Error(`parquet: column ${leaf.displayName}: expected a Map or an object`);
  }
  if (first) sink.push(rep, parentDef, undefined, false);
}

/** Growable level streams plus the non-null leaf values. */
class LevelSink {
  private def: Uint8Array;
  private rep: Uint8Array;
  private n = 0;
  private allDefined = true;
  readonly values: unknown[] = [];

  constructor(expected: number) {
    const cap = Math.max(16, expected);
    this.def = new Uint8Array(cap);
    this.rep = new Uint8Array(cap);
  }

  push(rep: number, def: number, value: unknown, present: boolean): void {
    if (this.n === this.def.length) {
      const d = new Uint8Array(this.n * 2);
      d.set(this.def);
      this.def = d;
      const r = new Uint8Array(this.n * 2);
      r.set(this.rep);
      this.rep = r;
    }
    this.def[this.n] = def;
    this.rep[this.n] = rep;
    this.n++;
    if (present) this.values.push(value);
    else this.allDefined = false;
  }

  result(maxDef: number, maxRep: number): ShreddedColumn {
    const def = maxDef === 0 || this.allDefined ? null : this.def.subarray(0, this.n);
    const rep = maxRep === 0 ? null : this.rep.subarray(0, this.n);
    return {
      numLevels: this.n,
      def,
      rep,
      numValues: this.values.length,
      values: this.values,
      valueOffset: 0,
    };
  }
}
