/**
 * Thrift Compact Protocol writer (the encoding of every Parquet page header and of the footer).
 *
 * Written from the Thrift compact protocol spec:
 * - field header: one byte `(idDelta << 4) | type` when 0 < idDelta <= 15, else the type byte
 *   followed by the zigzag varint field id;
 * - booleans live in the field header's type nibble (1 = true, 2 = false) and have no payload;
 * - i16/i32/i64 are zigzag varints, i8 is one raw byte, binary is varint length + bytes;
 * - list header: `(size << 4) | elemType` when size < 15, else `0xf0 | elemType` + varint size;
 * - a struct ends with a 0 (STOP) byte; a union is a struct with exactly one field set.
 *
 * Invariant: field ids must be written in increasing order inside one struct only for readability;
 * the protocol itself accepts any order (deltas that are not 1..15 use the long form).
 */
import type { ByteWriter } from './byte-writer.js';

export const CT_BOOL_TRUE = 1;
export const CT_BOOL_FALSE = 2;
export const CT_I8 = 3;
export const CT_I16 = 4;
export const CT_I32 = 5;
export const CT_I64 = 6;
export const CT_DOUBLE = 7;
export const CT_BINARY = 8;
export const CT_LIST = 9;
export const CT_STRUCT = 12;

const utf8 = new TextEncoder();

export class CompactWriter {
  private lastId = 0;
  private readonly idStack: number[] = [];

  constructor(readonly out: ByteWriter) {}

  private fieldHeader(id: number, type: number): void {
    const delta = id - this.lastId;
    if (delta > 0 && delta <= 15) {
      this.out.u8((delta << 4) | type);
    } else {
      this.out.u8(type);
      this.out.uvarint(zigzag32(id));
    }
    this.lastId = id;
  }

  fieldBool(id: number, v: boolean): void {
    this.fieldHeader(id, v ? CT_BOOL_TRUE : CT_BOOL_FALSE);
  }

  fieldI8(id: number, v: number): void {
    this.fieldHeader(id, CT_I8);
    this.out.u8(v & 0xff);
  }

  fieldI16(id: number, v: number): void {
    this.fieldHeader(id, CT_I16);
    this.out.uvarint(zigzag32(v));
  }

  fieldI32(id: number, v: number): void {
    this.fieldHeader(id, CT_I32);
    this.out.uvarint(zigzag32(v));
  }

  /** i64 given as a JS number: every i64 we write is a size, offset or count (< 2^53). */
  fieldI64(id: number, v: number): void {
    this.fieldHeader(id, CT_I64);
    this.i64(v);
  }

  fieldBinary(id: number, v: Uint8Array): void {
    this.fieldHeader(id, CT_BINARY);
    this.binary(v);
  }

  fieldString(id: number, v: string): void {
    this.fieldHeader(id, CT_BINARY);
    this.binary(utf8.encode(v));
  }

  /** Starts a struct-typed field; close it with `endStruct`. */
  beginStruct(id: number): void {
    this.fieldHeader(id, CT_STRUCT);
    this.pushStruct();
  }

  /** Starts a struct that is a list element (no field header). */
  beginListStruct(): void {
    this.pushStruct();
  }

  endStruct(): void {
    this.out.u8(0);
    this.lastId = this.idStack.pop() ?? 0;
  }

  /** A list-typed field header; the caller then writes exactly `size` elements of `elemType`. */
  beginList(id: number, elemType: number, size: number): void {
    this.fieldHeader(id, CT_LIST);
    if (size < 15) {
      this.out.u8((size << 4) | elemType);
    } else {
      this.out.u8(0xf0 | elemType);
      this.out.uvarint(size);
    }
  }

  /** A bare i32 (list element). */
  i32(v: number): void {
    this.out.uvarint(zigzag32(v));
  }

  i64(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`thrift i64 out of safe range: ${v}`);
    // zigzag in floating point: exact for |v| < 2^52, far beyond any file size or count.
    this.out.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  binary(v: Uint8Array): void {
    this.out.uvarint(v.length);
    this.out.write(v);
  }

  string(v: string): void {
    this.binary(utf8.encode(v));
  }

  /** Ends the top-level struct. */
  stop(): void {
    this.out.u8(0);
  }

  private pushStruct(): void {
    this.idStack.push(this.lastId);
    this.lastId = 0;
  }
}

function zigzag32(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}
