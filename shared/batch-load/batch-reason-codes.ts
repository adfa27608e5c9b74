/**
 * Stable reason codes of `bronze/batch_quarantine` rows. Codes are data that DQ checks and BI filter
 * on: add new codes, never rename or reuse one.
 */
export const BATCH_REASON_CODES = [
  /** The file's header does not name exactly the contract's columns (every data row is quarantined). */
  'header_invalid',
  /** The file is not valid UTF-8; rows holding an undecodable byte are quarantined. */
  'invalid_encoding',
  /** RFC 4180 violation: unterminated quoted field, text after a closing quote, quote or bare CR in an unquoted field. */
  'malformed_csv',
  /** A blank line between records. */
  'empty_record',
  /** More or fewer fields than the header. */
  'field_count',
  /** A required column is empty. */
  'missing_value',
  'invalid_integer',
  'invalid_decimal',
  'invalid_date',
  'invalid_boolean',
  /** Text that breaks a column rule: unknown time zone, currency not ISO 4217-shaped, key with surrounding spaces. */
  'invalid_value',
  /** A well-formed number outside the column's range (type range or business range). */
  'out_of_range',
  /** A history row whose business_date differs from the date in its file name. */
  'date_mismatch',
  /** A second row with the same key in one file; the first one is kept. */
  'duplicate_key',
] as const;

export type BatchReasonCode = (typeof BATCH_REASON_CODES)[number];

export interface BatchRejection {
  code: BatchReasonCode;
  message: string;
}
