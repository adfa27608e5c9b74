/**
 * Min/max of typed value arrays and the PLAIN (little-endian) bytes Parquet statistics store them as;
 * shared by the column conversion (physical-values.ts, decimal-values.ts) and the Delta file stats.
 */

/** [min, max] ignoring NaN, with the spec's signed-zero rule; undefined when there is no non-NaN. */
export function floatMinMax(data: Float32Array | Float64Array, n: number): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  let any = false;
  for (let i = 0; i < n; i++) {
    const v = data[i] as number;
    if (v !== v) continue; // NaN
    any = true;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!any) return undefined;
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  return [min, max];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Positions of the smallest and the largest value of a non-empty BigInt64Array, without a bigint per
 * element (reading one allocates): values are compared as (signed high word, unsigned low word) pairs
 * through an Int32Array view.
 */
export function int64RangeIndex(data: BigInt64Array): { min: number; max: number } {
  const n = data.length;
  let minI = 0;
  let maxI = 0;
  if (!LITTLE_ENDIAN) {
    for (let i = 1; i < n; i++) {
      if ((data[i] as bigint) < (data[minI] as bigint)) minI = i;
      if ((data[i] as bigint) > (data[maxI] as bigint)) maxI = i;
    }
    return { min: minI, max: maxI };
  }
  const words = new Int32Array(data.buffer, data.byteOffset, n * 2);
  let minHi = words[1] as number;
  let minLo = (words[0] as number) >>> 0;
  let maxHi = minHi;
  let maxLo = minLo;
  for (let i = 1; i < n; i++) {
    const hi = words[2 * i + 1] as number;
    const lo = (words[2 * i] as number) >>> 0;
    if (hi < minHi || (hi === minHi && lo < minLo)) {
      minI = i;
      minHi = hi;
      minLo = lo;
    }
    if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
      maxI = i;
      maxHi = hi;
      maxLo = lo;
    }
  }
  return { min: minI, max: maxI };
}

/** Min and max of data[0, n), n ≥ 1. */
export function int32Range(data: Int32Array, n: number): { min: number; max: number } {
  let min = data[0] as number;
  let max = min;
  for (let i = 1; i < n; i++) {
    const v = data[i] as number;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { min, max };
}

export function int32Bytes(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
}

export function int64Bytes(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, v, true);
  return b;
}
