/**
 * Test helpers for the Parquet writer: read files back with two independent readers (hyparquet and
 * DuckDB) and walk raw page headers with a small, separate Thrift compact-protocol decoder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

export type Row = Record<string, unknown>;

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Rows via hyparquet, with timestamps as bigint micros and dates as day numbers (exact). */
export async function hyRows(bytes: Uint8Array): Promise<Row[]> {
  return parquetReadObjects({
    file: toArrayBuffer(bytes),
    compressors,
    // binary columns stay bytes; STRING-annotated columns are still decoded.
    utf8: false,
    parsers: {
      timestampFromMicroseconds: (v: bigint) => v,
      dateFromDays: (d: number) => d,
    },
  });
}

export function hyMetadata(bytes: Uint8Array): ReturnType<typeof parquetMetadata> {
  return parquetMetadata(toArrayBuffer(bytes));
}

export class Duck {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly con: DuckDBConnection,
    private readonly dir: string,
  ) {}

  private n = 0;

  static async open(): Promise<Duck> {
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    return new Duck(instance, con, mkdtempSync(join(tmpdir(), 'pq-test-')));
  }

  /** Writes bytes to a temp file and returns its path (for read_parquet). */
  file(bytes: Uint8Array): string {
    const p = join(this.dir, `f${this.n++}.parquet`);
    writeFileSync(p, bytes);
    return p;
  }

  async rows(sql: string): Promise<Row[]> {
    const reader = await this.con.runAndReadAll(sql);
    return reader.getRowObjectsJson();
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- independent Thrift compact-protocol decoder (tests only) ----

export type ThriftStruct = Map<number, ThriftValue>;
export type ThriftValue = boolean | number | bigint | Uint8Array | ThriftStruct | ThriftValue[];

export class CompactReader {
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
  ) {}

  private byte(): number {
    const v = this.b[this.pos++];
    if (v === undefined) throw new Error('thrift: read past end');
    return v;
  }

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  private zigzag(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3:
        return this.byte();
      case 4:
      case 5:
        return Number(this.zigzag());
      case 6:
        return this.zigzag();
      case 7: {
        const v = new DataView(this.b.buffer, this.b.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case 8: {
        const len = Number(this.varint());
        const v = this.b.slice(this.pos, this.pos + len);
        this.pos += len;
        return v;
      }
      case 9:
      case 10: {
        const h = this.byte();
        let size = h >> 4;
        const et = h & 0x0f;
        if (size === 15) size = Number(this.varint());
        const out: ThriftValue[] = [];
        for (let i = 0; i < size; i++) {
          // booleans inside lists are one byte each
          out.push(et === 1 || et === 2 ? this.byte() === 1 : this.value(et));
        }
        return out;
      }
      case 12:
        return this.struct();
      default:
        throw new Error(`thrift: unsupported type ${type}`);
    }
  }

  struct(): ThriftStruct {
    const out: ThriftStruct = new Map();
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return out;
      const type = h & 0x0f;
      const delta = h >> 4;
      const id = delta === 0 ? Number(this.zigzag()) : last + delta;
      last = id;
      out.set(id, this.value(type));
    }
  }
}

export interface RawPage {
  offset: number;
  /** Bytes of the thrift PageHeader; the body follows it. */
  headerLength: number;
  type: number;
  uncompressedSize: number;
  compressedSize: number;
  /** DataPageHeader (field 5) or DictionaryPageHeader (field 7) or DataPageHeaderV2 (field 8). */
  header: ThriftStruct;
  numValues: number;
  encoding: number;
}

/** Walks the pages of one column chunk: [start, start + totalCompressedSize). */
export function readPages(bytes: Uint8Array, start: number, totalCompressedSize: number): RawPage[] {
  const pages: RawPage[] = [];
  let pos = start;
  const end = start + totalCompressedSize;
  while (pos < end) {
    const r = new CompactReader(bytes, pos);
    const ph = r.struct();
    const type = ph.get(1) as number;
    const compressedSize = ph.get(3) as number;
    const sub = (ph.get(5) ?? ph.get(7) ?? ph.get(8)) as ThriftStruct;
    pages.push({
      offset: pos,
      headerLength: r.pos - pos,
      type,
      uncompressedSize: ph.get(2) as number,
      compressedSize,
      header: sub,
      numValues: sub.get(1) as number,
      encoding: (type === 3 ? sub.get(4) : sub.get(2)) as number,
    });
    pos = r.pos + compressedSize;
  }
  if (pos !== end) throw new Error(`pages overran the column chunk: ${pos} != ${end}`);
  return pages;
}

/** The raw footer struct (FileMetaData) decoded by the test decoder. */
export function readFooter(bytes: Uint8Array): ThriftStruct {
  const n = bytes.length;
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(n - 8, true);
  return new CompactReader(bytes, n - 8 - len).struct();
}

/** Decodes `count` values of the RLE/bit-packed hybrid from bytes[pos, end) (test-side decoder). */
export function decodeRleHybrid(
  bytes: Uint8Array,
  pos: number,
  end: number,
  bitWidth: number,
  count: number,
): number[] {
  const out: number[] = [];
  const byteWidth = (bitWidth + 7) >> 3;
  while (out.length < count) {
    if (pos >= end) throw new Error(`RLE data ended after ${out.length} of ${count} values`);
    let header = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++] as number;
      header |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    if (header & 1) {
      const n = (header >>> 1) * 8;
      let bitPos = 0;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let k = 0; k < bitWidth; k++, bitPos++) {
          const bit = ((bytes[pos + (bitPos >> 3)] as number) >> (bitPos & 7)) & 1;
          v |= bit << k;
        }
        out.push(v);
      }
      pos += (n * bitWidth) / 8;
    } else {
      const run = header >>> 1;
      let v = 0;
      for (let k = 0; k < byteWidth; k++) v |= (bytes[pos++] as number) << (8 * k);
      for (let i = 0; i < run; i++) out.push(v);
    }
  }
  if (pos > end) throw new Error('RLE data overran its length');
  return out.slice(0, count);
}

/** Levels of a v1 data page body: [rep][def] each with a 4-byte length prefix, then the values. */
export function pageLevels(
  body: Uint8Array,
  numValues: number,
  maxRep: number,
  maxDef: number,
): { rep: number[]; def: number[]; valuesStart: number } {
  let pos = 0;
  const read = (max: number): number[] => {
    if (max === 0) return new Array<number>(numValues).fill(0);
    const len = new DataView(body.buffer, body.byteOffset + pos, 4).getUint32(0, true);
    pos += 4;
    const width = 32 - Math.clz32(max);
    const levels = decodeRleHybrid(body, pos, pos + len, width, numValues);
    pos += len;
    return levels;
  };
  const rep = read(maxRep);
  const def = read(maxDef);
  return { rep, def, valuesStart: pos };
}
