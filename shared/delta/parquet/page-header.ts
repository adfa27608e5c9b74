/**
 * Compact-protocol encoding of a Parquet `PageHeader` for the two page kinds this writer emits:
 * DATA_PAGE (v1) and DICTIONARY_PAGE.
 *
 * Field ids (parquet.thrift): PageHeader 1 type, 2 uncompressed_page_size, 3 compressed_page_size,
 * 5 data_page_header, 7 dictionary_page_header. DataPageHeader 1 num_values (nulls included),
 * 2 encoding, 3 definition_level_encoding, 4 repetition_level_encoding. DictionaryPageHeader
 * 1 num_values, 2 encoding, 3 is_sorted.
 *
 * Invariant: sizes exclude the header itself; `uncompressedSize` is the page body before the codec.
 */
import type { ByteWriter } from './byte-writer.js';
import { Encoding, PageType } from './format-constants.js';
import { CompactWriter } from './thrift-compact.js';

export function writeDataPageHeader(
  out: ByteWriter,
  uncompressedSize: number,
  compressedSize: number,
  numValues: number,
  encoding: Encoding,
): void {
  const w = new CompactWriter(out);
  w.fieldI32(1, PageType.DATA_PAGE);
  w.fieldI32(2, uncompressedSize);
  w.fieldI32(3, compressedSize);
  w.beginStruct(5);
  w.fieldI32(1, numValues);
  w.fieldI32(2, encoding);
  // v1 levels are always the RLE/bit-packed hybrid with a 4-byte length prefix.
  w.fieldI32(3, Encoding.RLE);
  w.fieldI32(4, Encoding.RLE);
  w.endStruct();
  w.stop();
}

export function writeDictionaryPageHeader(
  out: ByteWriter,
  uncompressedSize: number,
  compressedSize: number,
  numValues: number,
): void {
  const w = new CompactWriter(out);
  w.fieldI32(1, PageType.DICTIONARY_PAGE);
  w.fieldI32(2, uncompressedSize);
  w.fieldI32(3, compressedSize);
  w.beginStruct(7);
  w.fieldI32(1, numValues);
  // The dictionary itself is PLAIN (RLE_DICTIONARY data pages index into it).
  w.fieldI32(2, Encoding.PLAIN);
  w.fieldBool(3, false);
  w.endStruct();
  w.stop();
}
