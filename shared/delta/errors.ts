/**
 * The few public error kinds of the Delta library. Each carries the table and, where known, the version,
 * so a message read in a log says what failed where.
 */
export type DeltaErrorKind =
  | 'TableNotFound'
  | 'UnsupportedFeature'
  | 'InvalidProtocol'
  | 'CorruptLog'
  | 'MissingVersion'
  | 'InvalidArgument'
  | 'CommitConflict'
  | 'CommitRetriesExhausted'
  | 'DataFileError';

export class DeltaError extends Error {
  constructor(
    readonly kind: DeltaErrorKind,
    message: string,
    readonly context: { table?: string; version?: number; path?: string; feature?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = `DeltaError(${kind})`;
  }
}

export class UnsupportedFeatureError extends DeltaError {
  constructor(feature: string, table: string, detail = '') {
    super(
      'UnsupportedFeature',
      `unsupported reader feature \`${feature}\` in table ${table}${detail ? `: ${detail}` : ''}`,
      { table, feature },
    );
  }
}
