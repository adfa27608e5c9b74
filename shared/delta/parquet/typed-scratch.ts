/**
 * Reusable backing stores for the per-column-chunk typed arrays (converted values, dictionary
 * indices, levels).
 *
 * Why: a 1M-row file allocates tens of MiB of short-lived typed arrays; V8 accounts them as
 * external memory and answers with full (mark-compact) GCs whose cost grows with the caller's heap
 * (which holds the rows being written). Reusing one buffer per role removes that pressure.
 *
 * Invariants:
 * - One writer runs at a time (writeParquet is synchronous), and a view is only used until the
 *   column chunk that requested it has been written; requesting the same role again invalidates
 *   the previous view.
 * - Views are NOT zeroed: callers must write every element they later read.
 * - `releaseTypedScratch` drops buffers above `KEEP_BYTES` so one huge write does not pin memory.
 */
export type ScratchRole = 'values' | 'indices' | 'def' | 'rep';

const KEEP_BYTES = 16 << 20;
const buffers = new Map<ScratchRole, ArrayBuffer>();

function backing(role: ScratchRole, byteLength: number): ArrayBuffer {
  const have = buffers.get(role);
  if (have && have.byteLength >= byteLength) return have;
  // Grow with headroom so slightly larger row groups do not reallocate every time.
  const buf = new ArrayBuffer(Math.max(byteLength, Math.ceil((have?.byteLength ?? 0) * 1.5), 1024));
  buffers.set(role, buf);
  return buf;
}

export function scratchUint8(role: ScratchRole, n: number): Uint8Array {
  return new Uint8Array(backing(role, n), 0, n);
}

export function scratchInt32(role: ScratchRole, n: number): Int32Array {
  return new Int32Array(backing(role, n * 4), 0, n);
}

export function scratchBigInt64(role: ScratchRole, n: number): BigInt64Array {
  return new BigInt64Array(backing(role, n * 8), 0, n);
}

export function scratchFloat32(role: ScratchRole, n: number): Float32Array {
  return new Float32Array(backing(role, n * 4), 0, n);
}

export function scratchFloat64(role: ScratchRole, n: number): Float64Array {
  return new Float64Array(backing(role, n * 8), 0, n);
}

export function releaseTypedScratch(): void {
  for (const [role, buf] of buffers) if (buf.byteLength > KEEP_BYTES) buffers.delete(role);
}
