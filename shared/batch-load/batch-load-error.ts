/** Infrastructure failures of the batch load; bad rows and bad files are never errors (they are quarantined). */
export class BatchLoadError extends Error {
  constructor(
    readonly kind: 'CommitConflict' | 'CommitRetriesExhausted',
    message: string,
    readonly context: { table: string; version?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = `BatchLoadError(${kind})`;
  }
}
