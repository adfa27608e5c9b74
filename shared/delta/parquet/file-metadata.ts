/**
 * The Parquet footer (`FileMetaData` of parquet.thrift) as plain data, and its compact-protocol
 * encoding. Only the fields this writer produces are modelled.
 *
 * Field ids (parquet.thrift): FileMetaData 1 version, 2 schema, 3 num_rows, 4 row_groups,
 * 5 key_value_metadata, 6 created_by, 7 column_orders. SchemaElement 1 type, 2 type_length,
 * 3 repetition_type, 4 name, 5 num_children, 6 converted_type, 7 scale, 8 precision, 9 field_id,
 * 10 logicalType. RowGroup 1 columns, 2 total_byte_size, 3 num_rows, 5 file_offset,
 * 6 total_compressed_size, 7 ordinal. ColumnChunk 2 file_offset, 3 meta_data. ColumnMetaData 1 type,
 * 2 encodings, 3 path_in_schema, 4 codec, 5 num_values, 6 total_uncompressed_size,
 * 7 total_compressed_size, 9 data_page_offset, 11 dictionary_page_offset, 12 statistics,
 * 13 encoding_stats. Statistics 3 null_count, 5 max_value, 6 min_value, 7 is_max_value_exact,
 * 8 is_min_value_exact.
 * LogicalType union: 1 STRING, 2 MAP, 3 LIST, 5 DECIMAL{1 scale, 2 precision}, 6 DATE,
 * 8 TIMESTAMP{1 isAdjustedToUTC, 2 unit: TimeUnit{1 MILLIS, 2 MICROS, 3 NANOS}},
 * 10 INTEGER{1 bitWidth (i8), 2 isSigned}. ColumnOrder union: 1 TYPE_ORDER (empty struct).
 */
import { ByteWriter } from './byte-writer.js';
import { CT_BINARY, CT_I32, CT_STRUCT, CompactWriter } from './thrift-compact.js';
import type {
  Codec,
  ConvertedType,
  Encoding,
  PageType,
  PhysicalType,
  Repetition,
} from './format-constants.js';

export type LogicalType =
  | { kind: 'STRING' }
  | { kind: 'MAP' }
  | { kind: 'LIST' }
  | { kind: 'DECIMAL'; scale: number; precision: number }
  | { kind: 'DATE' }
  | { kind: 'TIMESTAMP'; isAdjustedToUTC: boolean; unit: 'MILLIS' | 'MICROS' | 'NANOS' }
  | { kind: 'INTEGER'; bitWidth: number; isSigned: boolean };

export interface SchemaElement {
  name: string;
  type?: PhysicalType;
  typeLength?: number;
  /** Absent only on the root element. */
  repetition?: Repetition;
  numChildren?: number;
  convertedType?: ConvertedType;
  scale?: number;
  precision?: number;
  fieldId?: number;
  logicalType?: LogicalType;
}

export interface Statistics {
  nullCount: number;
  /** PLAIN encoding of the minimum (for FIXED_LEN_BYTE_ARRAY/BYTE_ARRAY: the raw bytes). */
  minValue?: Uint8Array;
  maxValue?: Uint8Array;
  /** Set when a bound was truncated (byte arrays): min/max are then bounds, not actual values. */
  minExact?: boolean;
  maxExact?: boolean;
}

export interface PageEncodingStats {
  pageType: PageType;
  encoding: Encoding;
  count: number;
}

export interface ColumnMetaData {
  type: PhysicalType;
  encodings: Encoding[];
  pathInSchema: string[];
  codec: Codec;
  numValues: number;
  totalUncompressedSize: number;
  totalCompressedSize: number;
  dataPageOffset: number;
  dictionaryPageOffset?: number;
  statistics?: Statistics;
  encodingStats: PageEncodingStats[];
}

export interface ColumnChunk {
  fileOffset: number;
  metaData: ColumnMetaData;
}

export interface RowGroup {
  columns: ColumnChunk[];
  totalByteSize: number;
  numRows: number;
  fileOffset: number;
  totalCompressedSize: number;
  ordinal: number;
}

export interface FileMetaData {
  version: number;
  schema: SchemaElement[];
  numRows: number;
  rowGroups: RowGroup[];
  keyValueMetadata?: { key: string; value: string }[];
  createdBy?: string;
  /** One TYPE_ORDER entry per leaf column: declares that min/max follow the type's sort order. */
  columnOrderCount: number;
}

export function encodeFileMetaData(meta: FileMetaData): Uint8Array {
  const w = new CompactWriter(new ByteWriter(4096));
  w.fieldI32(1, meta.version);
  w.beginList(2, CT_STRUCT, meta.schema.length);
  for (const el of meta.schema) writeSchemaElement(w, el);
  w.fieldI64(3, meta.numRows);
  w.beginList(4, CT_STRUCT, meta.rowGroups.length);
  for (const rg of meta.rowGroups) writeRowGroup(w, rg);
  if (meta.keyValueMetadata && meta.keyValueMetadata.length > 0) {
    w.beginList(5, CT_STRUCT, meta.keyValueMetadata.length);
    for (const kv of meta.keyValueMetadata) {
      w.beginListStruct();
      w.fieldString(1, kv.key);
      w.fieldString(2, kv.value);
      w.endStruct();
    }
  }
  if (meta.createdBy !== undefined) w.fieldString(6, meta.createdBy);
  w.beginList(7, CT_STRUCT, meta.columnOrderCount);
  for (let i = 0; i < meta.columnOrderCount; i++) {
    w.beginListStruct(); // ColumnOrder union
    w.beginStruct(1); // TYPE_ORDER: TypeDefinedOrder {}
    w.endStruct();
    w.endStruct();
  }
  w.stop();
  return w.out.view();
}

function writeSchemaElement(w: CompactWriter, el: SchemaElement): void {
  w.beginListStruct();
  if (el.type !== undefined) w.fieldI32(1, el.type);
  if (el.typeLength !== undefined) w.fieldI32(2, el.typeLength);
  if (el.repetition !== undefined) w.fieldI32(3, el.repetition);
  w.fieldString(4, el.name);
  if (el.numChildren !== undefined) w.fieldI32(5, el.numChildren);
  if (el.convertedType !== undefined) w.fieldI32(6, el.convertedType);
  if (el.scale !== undefined) w.fieldI32(7, el.scale);
  if (el.precision !== undefined) w.fieldI32(8, el.precision);
  if (el.fieldId !== undefined) w.fieldI32(9, el.fieldId);
  if (el.logicalType !== undefined) writeLogicalType(w, el.logicalType);
  w.endStruct();
}

function writeLogicalType(w: CompactWriter, lt: LogicalType): void {
  w.beginStruct(10);
  switch (lt.kind) {
    case 'STRING':
      emptyStruct(w, 1);
      break;
    case 'MAP':
      emptyStruct(w, 2);
      break;
    case 'LIST':
      emptyStruct(w, 3);
      break;
    case 'DECIMAL':
      w.beginStruct(5);
      w.fieldI32(1, lt.scale);
      w.fieldI32(2, lt.precision);
      w.endStruct();
      break;
    case 'DATE':
      emptyStruct(w, 6);
      break;
    case 'TIMESTAMP':
      w.beginStruct(8);
      w.fieldBool(1, lt.isAdjustedToUTC);
      w.beginStruct(2); // TimeUnit union
      emptyStruct(w, lt.unit === 'MILLIS' ? 1 : lt.unit === 'MICROS' ? 2 : 3);
      w.endStruct();
      w.endStruct();
      break;
    case 'INTEGER':
      w.beginStruct(10);
      w.fieldI8(1, lt.bitWidth);
      w.fieldBool(2, lt.isSigned);
      w.endStruct();
      break;
  }
  w.endStruct();
}

function emptyStruct(w: CompactWriter, id: number): void {
  w.beginStruct(id);
  w.endStruct();
}

function writeRowGroup(w: CompactWriter, rg: RowGroup): void {
  w.beginListStruct();
  w.beginList(1, CT_STRUCT, rg.columns.length);
  for (const cc of rg.columns) writeColumnChunk(w, cc);
  w.fieldI64(2, rg.totalByteSize);
  w.fieldI64(3, rg.numRows);
  w.fieldI64(5, rg.fileOffset);
  w.fieldI64(6, rg.totalCompressedSize);
  // ordinal is an i16: files with more row groups simply omit it (it is optional).
  if (rg.ordinal < 0x8000) w.fieldI16(7, rg.ordinal);
  w.endStruct();
}

function writeColumnChunk(w: CompactWriter, cc: ColumnChunk): void {
  w.beginListStruct();
  w.fieldI64(2, cc.fileOffset);
  const m = cc.metaData;
  w.beginStruct(3);
  w.fieldI32(1, m.type);
  w.beginList(2, CT_I32, m.encodings.length);
  for (const e of m.encodings) w.i32(e);
  w.beginList(3, CT_BINARY, m.pathInSchema.length);
  for (const p of m.pathInSchema) w.string(p);
  w.fieldI32(4, m.codec);
  w.fieldI64(5, m.numValues);
  w.fieldI64(6, m.totalUncompressedSize);
  w.fieldI64(7, m.totalCompressedSize);
  w.fieldI64(9, m.dataPageOffset);
  if (m.dictionaryPageOffset !== undefined) w.fieldI64(11, m.dictionaryPageOffset);
  if (m.statistics) writeStatistics(w, 12, m.statistics);
  w.beginList(13, CT_STRUCT, m.encodingStats.length);
  for (const s of m.encodingStats) {
    w.beginListStruct();
    w.fieldI32(1, s.pageType);
    w.fieldI32(2, s.encoding);
    w.fieldI32(3, s.count);
    w.endStruct();
  }
  w.endStruct();
  w.endStruct();
}

export function writeStatistics(w: CompactWriter, id: number, s: Statistics): void {
  w.beginStruct(id);
  w.fieldI64(3, s.nullCount);
  if (s.maxValue) w.fieldBinary(5, s.maxValue);
  if (s.minValue) w.fieldBinary(6, s.minValue);
  if (s.maxExact !== undefined) w.fieldBool(7, s.maxExact);
  if (s.minExact !== undefined) w.fieldBool(8, s.minExact);
  w.endStruct();
}
