/**
 * Writes one column chunk (one leaf column of one row group) at the end of the file buffer:
 * an optional dictionary page followed by DATA_PAGE (v1) pages, and returns its metadata.
 *
 * Page layout (v1): [repetition levels][definition levels][values], the whole body compressed
 * as one unit; each level stream is the RLE/bit-packed hybrid prefixed by its 4-byte little-endian
 * length, and is omitted when its max level is 0.
 *
 * Invariants:
 * - Pages hold ~`PAGE_TARGET_BYTES` of (estimated) values and, for repeated columns, start at a
 *   record boundary (repetition level 0), so no row is split across pages.
 * - `numValues` in headers and metadata counts levels (nulls included), as the spec defines it.
 * - total_uncompressed_size / total_compressed_size include the page headers.
 */
import { ByteWriter } from './byte-writer.js';
import { buildDictionary, type Dictionary } from './dictionary.js';
import { Codec, Encoding, PageType } from './format-constants.js';
import type { ColumnChunk, PageEncodingStats, Statistics } from './file-metadata.js';
import { writeDataPageHeader, writeDictionaryPageHeader } from './page-header.js';
import type { LeafColumn } from './parquet-schema.js';
import type { PhysicalColumn } from './physical-values.js';
import type { StringMinMax, StringRange } from './byte-array-stats.js';
import { newByteArrayStats, writePlain, type ByteArrayStats } from './plain-encoder.js';
import { bitWidthOf, encodeRleHybrid } from './rle-hybrid.js';
import type { ShreddedColumn } from './shred-column.js';
import { releaseTypedScratch } from './typed-scratch.js';
import { maxCompressedLength, snappyCompress } from './snappy-compress.js';

export const PAGE_TARGET_BYTES = 1 << 20;

export interface ColumnWriteOptions {
  codec: Codec;
  dictionary: boolean;
}

export interface WrittenColumnChunk {
  chunk: ColumnChunk;
  /** Uncompressed bytes (headers included), for RowGroup.total_byte_size. */
  uncompressedSize: number;
  /** String columns: the untruncated min and max of the chunk's values (none when all are null). */
  stringRange?: StringRange;
}

// Scratch buffers shared by all writes: the writer is synchronous, so one page is in flight at a
// time. They grow to the largest page seen; `releaseScratch` drops oversized ones.
const SCRATCH_KEEP_BYTES = 4 << 20;
let pageBuf = new ByteWriter(PAGE_TARGET_BYTES + (64 << 10));
let compressBuf = new Uint8Array(0);

export function releaseScratch(): void {
  if (pageBuf.bytes.length > SCRATCH_KEEP_BYTES) pageBuf = new ByteWriter(PAGE_TARGET_BYTES + (64 << 10));
  if (compressBuf.length > SCRATCH_KEEP_BYTES) compressBuf = new Uint8Array(0);
  releaseTypedScratch();
}

export function writeColumnChunk(
  out: ByteWriter,
  leaf: LeafColumn,
  col: ShreddedColumn,
  phys: PhysicalColumn,
  opts: ColumnWriteOptions,
): WrittenColumnChunk {
  const chunkStart = out.pos;
  const values = phys.values;
  const stats: ByteArrayStats | null = values.kind === 'bytes' ? newByteArrayStats(values.strings) : null;
  const dict: Dictionary | null =
    opts.dictionary && values.kind === 'bytes'
      ? buildDictionary(leaf, values.data, values.offset, col.numValues, values.strings)
      : null;

  let uncompressed = 0;
  let dictionaryPageOffset: number | undefined;
  const encodingStats: PageEncodingStats[] = [];
  if (dict && values.kind === 'bytes') {
    dictionaryPageOffset = out.pos;
    const page = pageBuf;
    page.reset();
    const entries = { kind: 'bytes', data: dict.entries, offset: 0, strings: values.strings } as const;
    writePlain(leaf, entries, 0, dict.entries.length, page, stats);
    uncompressed += emitPage(
      out,
      page,
      opts.codec,
      PageType.DICTIONARY_PAGE,
      dict.entries.length,
      Encoding.PLAIN,
    );
    encodingStats.push({ pageType: PageType.DICTIONARY_PAGE, encoding: Encoding.PLAIN, count: 1 });
  }

  const dataPageOffset = out.pos;
  const encoding = dict ? Encoding.RLE_DICTIONARY : Encoding.PLAIN;
  const planner = new PagePlanner(leaf, col, phys, dict);
  let pages = 0;
  let l0 = 0;
  let v0 = 0;
  while (l0 < col.numLevels) {
    planner.next(l0, v0);
    const l1 = planner.levelEnd;
    const v1 = planner.valueEnd;
    const page = pageBuf;
    page.reset();
    if (leaf.maxRep > 0) writeLevels(page, col.rep, l0, l1, leaf.maxRep);
    if (leaf.maxDef > 0) writeLevels(page, col.def, l0, l1, leaf.maxDef);
    if (dict) {
      page.u8(dict.bitWidth);
      encodeRleHybrid(dict.indices, v0, v1, dict.bitWidth, page);
    } else {
      writePlain(leaf, values, v0, v1, page, stats);
    }
    uncompressed += emitPage(out, page, opts.codec, PageType.DATA_PAGE, l1 - l0, encoding);
    pages++;
    l0 = l1;
    v0 = v1;
  }
  encodingStats.push({ pageType: PageType.DATA_PAGE, encoding, count: pages });

  const statistics: Statistics = { nullCount: col.numLevels - col.numValues };
  let stringRange: StringRange | undefined;
  if (stats) {
    if (values.kind === 'bytes' && values.strings) stringRange = (stats as StringMinMax).range();
    const b = stats.bounds();
    if (b) {
      statistics.minValue = b.min;
      statistics.maxValue = b.max;
      statistics.minExact = b.minExact;
      statistics.maxExact = b.maxExact;
    }
  } else if (phys.min && phys.max) {
    statistics.minValue = phys.min;
    statistics.maxValue = phys.max;
  }

  const chunk: ColumnChunk = {
    fileOffset: chunkStart,
    metaData: {
      type: leaf.physicalType,
      encodings: dict
        ? [Encoding.PLAIN, Encoding.RLE, Encoding.RLE_DICTIONARY]
        : [Encoding.PLAIN, Encoding.RLE],
      pathInSchema: leaf.pathInSchema,
      codec: opts.codec,
      numValues: col.numLevels,
      totalUncompressedSize: uncompressed,
      totalCompressedSize: out.pos - chunkStart,
      dataPageOffset,
      statistics,
      encodingStats,
    },
  };
  if (dictionaryPageOffset !== undefined) chunk.metaData.dictionaryPageOffset = dictionaryPageOffset;
  return { chunk, uncompressedSize: uncompressed, ...(stringRange ? { stringRange } : {}) };
}

/** A v1 level stream: 4-byte LE length, then the hybrid encoding. `null` levels = all `maxLevel`. */
function writeLevels(
  page: ByteWriter,
  levels: Uint8Array | null,
  from: number,
  to: number,
  maxLevel: number,
): void {
  const lenPos = page.pos;
  page.u32le(0);
  if (levels === null) {
    // One RLE run covering the page (level values fit one byte: bit width <= 8).
    page.uvarint((to - from) * 2);
    page.u8(maxLevel);
  } else {
    encodeRleHybrid(levels, from, to, bitWidthOf(maxLevel), page);
  }
  page.bytes.writeUInt32LE(page.pos - lenPos - 4, lenPos);
}

/** Compresses the page body, appends header + body to `out`; returns the uncompressed size. */
function emitPage(
  out: ByteWriter,
  page: ByteWriter,
  codec: Codec,
  type: PageType,
  numValues: number,
  encoding: Encoding,
): number {
  const rawSize = page.pos;
  let body: Uint8Array = page.bytes;
  let bodySize = rawSize;
  if (codec === Codec.SNAPPY) {
    const need = maxCompressedLength(rawSize);
    if (compressBuf.length < need)
      compressBuf = new Uint8Array(Math.max(need, PAGE_TARGET_BYTES + (PAGE_TARGET_BYTES >>> 2)));
    bodySize = snappyCompress(page.bytes, 0, rawSize, compressBuf, 0);
    body = compressBuf;
  }
  const headerStart = out.pos;
  if (type === PageType.DICTIONARY_PAGE) writeDictionaryPageHeader(out, rawSize, bodySize, numValues);
  else writeDataPageHeader(out, rawSize, bodySize, numValues, encoding);
  const headerSize = out.pos - headerStart;
  out.ensure(bodySize);
  out.bytes.set(body.subarray(0, bodySize), out.pos);
  out.pos += bodySize;
  return headerSize + rawSize;
}

/**
 * Splits a column chunk into pages: advances from (levelStart, valueStart) until the estimated
 * encoded value bytes reach the target, cutting only where a new record starts.
 */
class PagePlanner {
  levelEnd = 0;
  valueEnd = 0;
  /** Bytes per value for fixed-width encodings; 0 = variable (byte arrays, PLAIN). */
  private readonly fixedWidth: number;

  constructor(
    private readonly leaf: LeafColumn,
    private readonly col: ShreddedColumn,
    private readonly phys: PhysicalColumn,
    dict: Dictionary | null,
  ) {
    const v = phys.values;
    if (dict) this.fixedWidth = dict.bitWidth / 8;
    else if (v.kind === 'boolean') this.fixedWidth = 1 / 8;
    else if (v.kind === 'fixed') this.fixedWidth = v.width;
    else if (v.kind === 'bytes') this.fixedWidth = 0;
    else this.fixedWidth = v.data.BYTES_PER_ELEMENT;
  }

  next(levelStart: number, valueStart: number): void {
    const { col } = this;
    const n = col.numLevels;
    if (col.def === null && col.rep === null && this.fixedWidth > 0) {
      // Every level is a value: cut by count.
      const per = Math.max(1, Math.floor(PAGE_TARGET_BYTES / this.fixedWidth));
      this.levelEnd = Math.min(n, levelStart + per);
      this.valueEnd = valueStart + (this.levelEnd - levelStart);
      return;
    }
    const def = col.def;
    const rep = col.rep;
    const maxDef = this.leaf.maxDef;
    const bytes = this.phys.values.kind === 'bytes' ? this.phys.values : null;
    const data = bytes ? bytes.data : null;
    const offset = bytes ? bytes.offset : 0;
    const w = this.fixedWidth;
    let size = 0;
    let v = valueStart;
    let i = levelStart;
    for (; i < n; i++) {
      if (size >= PAGE_TARGET_BYTES && i > levelStart && (rep === null || rep[i] === 0)) break;
      // Levels themselves cost well under a byte each after RLE; count a little so that pages of
      // mostly-null levels still end.
      size += 0.125;
      if (def === null || def[i] === maxDef) {
        if (w > 0 || data === null) {
          size += w;
        } else {
          const x = data[offset + v];
          size += 4 + (typeof x === 'string' ? x.length : (x as Uint8Array).length);
        }
        v++;
      }
    }
    this.levelEnd = i;
    this.valueEnd = v;
  }
}
