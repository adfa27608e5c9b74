/**
 * Numeric enum values of parquet.thrift (parquet-format). These numbers are on-disk format: they must
 * never change.
 */

/** `Type`: physical types. */
export const PhysicalType = {
  BOOLEAN: 0,
  INT32: 1,
  INT64: 2,
  INT96: 3,
  FLOAT: 4,
  DOUBLE: 5,
  BYTE_ARRAY: 6,
  FIXED_LEN_BYTE_ARRAY: 7,
} as const;
export type PhysicalType = (typeof PhysicalType)[keyof typeof PhysicalType];

/** `ConvertedType`: legacy annotations, still written for old readers. */
export const ConvertedType = {
  UTF8: 0,
  MAP: 1,
  MAP_KEY_VALUE: 2,
  LIST: 3,
  DECIMAL: 5,
  DATE: 6,
  TIMESTAMP_MILLIS: 9,
  TIMESTAMP_MICROS: 10,
  INT_8: 15,
  INT_16: 16,
  INT_32: 17,
  INT_64: 18,
} as const;
export type ConvertedType = (typeof ConvertedType)[keyof typeof ConvertedType];

/** `FieldRepetitionType`. */
export const Repetition = { REQUIRED: 0, OPTIONAL: 1, REPEATED: 2 } as const;
export type Repetition = (typeof Repetition)[keyof typeof Repetition];

/** `Encoding`. */
export const Encoding = {
  PLAIN: 0,
  PLAIN_DICTIONARY: 2,
  RLE: 3,
  BIT_PACKED: 4,
  RLE_DICTIONARY: 8,
} as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

/** `CompressionCodec`. */
export const Codec = { UNCOMPRESSED: 0, SNAPPY: 1 } as const;
export type Codec = (typeof Codec)[keyof typeof Codec];

/** `PageType`. */
export const PageType = { DATA_PAGE: 0, INDEX_PAGE: 1, DICTIONARY_PAGE: 2, DATA_PAGE_V2: 3 } as const;
export type PageType = (typeof PageType)[keyof typeof PageType];

/** The 4 magic bytes at both ends of a Parquet file: "PAR1". */
export const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);
