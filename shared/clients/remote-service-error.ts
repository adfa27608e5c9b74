/**
 * The typed failures of the REST clients. `retryable` tells an orchestrator whether a later attempt
 * can succeed; `outcomeUnknown` marks a non-idempotent request (e.g. ADF createRun) that may have been
 * executed although no answer arrived, so the caller must look before it repeats it.
 */
export type RemoteErrorKind =
  /** 429 after the retry budget, or a Retry-After longer than the client may sleep. */
  | 'Throttled'
  /** 5xx after the retry budget. */
  | 'Unavailable'
  | 'Timeout'
  /** Connection refused/reset, DNS. */
  | 'Network'
  /** 401/403. */
  | 'Unauthorized'
  | 'NotFound'
  /** Any other 4xx: the request itself is wrong (bad parameter, unknown pipeline or job). */
  | 'Rejected'
  /** A 2xx whose body does not have the documented shape. */
  | 'InvalidResponse';

export interface RemoteErrorContext {
  service: 'adf' | 'databricks';
  operation: string;
  status?: number;
  /** The service's error code (ARM `error.code`, Databricks `error_code`). */
  code?: string;
  /** x-ms-request-id / x-databricks-org-id… for support tickets. */
  requestId?: string;
  retryAfterMs?: number;
  attempts: number;
  outcomeUnknown?: boolean;
}

export class RemoteServiceError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly kind: RemoteErrorKind,
    message: string,
    readonly context: RemoteErrorContext,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = `RemoteServiceError(${kind})`;
    this.retryable =
      kind === 'Throttled' || kind === 'Unavailable' || kind === 'Timeout' || kind === 'Network';
  }
}

/** Validates a service response against its schema; a mismatch is an `InvalidResponse` error. */
export function parseResponse<T>(
  service: RemoteErrorContext['service'],
  schema: {
    safeParse(
      body: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  body: unknown,
  operation: string,
): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
    throw new RemoteServiceError(
      'InvalidResponse',
      `${service} ${operation}: unexpected response shape: ${detail}`,
      {
        service,
        operation,
        attempts: 1,
      },
    );
  }
  return result.data;
}
