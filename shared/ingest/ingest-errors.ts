/**
 * Errors the landing use case throws. Only infrastructure failures escape as exceptions (so the
 * Functions host's retry policy applies); bad payloads are never errors.
 */
export class IngestError extends Error {
  constructor(
    readonly kind: 'MissingPositions' | 'CommitRetriesExhausted',
    message: string,
    readonly context: { table?: string; streamId?: string; version?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = `IngestError(${kind})`;
  }
}
