/**
 * JSON over HTTPS with the retry rules both REST clients share:
 * - 429: wait for Retry-After (seconds or HTTP date; `retry-after-ms` / `x-ms-retry-after-ms` win when
 *   present), else back off; a wait longer than `maxRetryAfterMs` is not slept but returned as a
 *   `Throttled` error carrying `retryAfterMs`, so a durable timer can wait instead of a worker.
 * - 5xx, timeouts and dropped connections: exponential backoff with full jitter, Retry-After honoured.
 * - 401: the token is dropped and fetched again once.
 *
 * Invariant: a request marked non-idempotent is repeated only when it certainly did not run (429, or
 * a connection refused before sending); after a 5xx or a timeout it fails with `outcomeUnknown`.
 */
import { RemoteServiceError, type RemoteErrorContext, type RemoteErrorKind } from './remote-service-error.js';

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Per attempt. */
  requestTimeoutMs: number;
  /** Longest Retry-After the client sleeps through; longer ones surface as Throttled. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  requestTimeoutMs: 30_000,
  maxRetryAfterMs: 60_000,
};

export interface JsonHttpOptions {
  service: RemoteErrorContext['service'];
  /** The Authorization header value. */
  authorization(): Promise<string>;
  /** Called after a 401 before the one retry with a fresh token. */
  invalidateAuthorization?(): void;
  retry?: Partial<RetryPolicy>;
  /** Reads the service's error body into a code and message. */
  describeError(body: unknown): { code?: string; message?: string };
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface JsonRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  /** Name for errors and logs, e.g. 'createRun'. */
  operation: string;
  /** Safe to repeat after an unknown outcome (GETs, cancels, requests with an idempotency token). */
  idempotent: boolean;
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

export function resolvePolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...partial };
}

export async function requestJson(options: JsonHttpOptions, request: JsonRequest): Promise<JsonResponse> {
  const policy = resolvePolicy(options.retry);
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  let refreshedAuth = false;
  for (let attempt = 1; ; attempt++) {
    const context = (extra: Partial<RemoteErrorContext> = {}): RemoteErrorContext => ({
      service: options.service,
      operation: request.operation,
      attempts: attempt,
      ...extra,
    });
    const backoff = () =>
      Math.floor(random() * Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1)));
    const lastAttempt = attempt >= policy.maxAttempts;
    let response: Response;
    let text: string;
    try {
      const headers: Record<string, string> = {
        authorization: await options.authorization(),
        accept: 'application/json',
      };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      response = await doFetch(request.url, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(policy.requestTimeoutMs),
      });
      text = await response.text();
    } catch (err) {
      const timeout = isTimeout(err);
      const notSent = !timeout && connectionRefused(err);
      const kind: RemoteErrorKind = timeout ? 'Timeout' : 'Network';
      if (lastAttempt || !(request.idempotent || notSent)) {
        const what = timeout
          ? `timed out after ${policy.requestTimeoutMs} ms`
          : `failed: ${describeCause(err)}`;
        throw new RemoteServiceError(
          kind,
          `${options.service} ${request.operation} ${what}`,
          context({ outcomeUnknown: !notSent && !request.idempotent }),
          { cause: err },
        );
      }
      await sleep(backoff());
      continue;
    }
    const body = parseBody(text);
    if (response.ok) return { status: response.status, body };

    const described = options.describeError(body);
    const requestId =
      response.headers.get('x-ms-request-id') ?? response.headers.get('x-request-id') ?? undefined;
    const retryAfterMs = retryAfter(response.headers);
    const detail = {
      status: response.status,
      ...(described.code ? { code: described.code } : {}),
      ...(requestId ? { requestId } : {}),
    };
    const message = `${options.service} ${request.operation}: HTTP ${response.status}${described.code ? ` ${described.code}` : ''}${described.message ? `: ${described.message}` : ''}`;

    if (response.status === 401 && !refreshedAuth && options.invalidateAuthorization) {
      refreshedAuth = true;
      options.invalidateAuthorization();
      continue;
    }
    if (response.status === 429) {
      const wait = retryAfterMs ?? backoff();
      if (lastAttempt || wait > policy.maxRetryAfterMs) {
        throw new RemoteServiceError('Throttled', message, context({ ...detail, retryAfterMs: wait }));
      }
      await sleep(wait);
      continue;
    }
    if (response.status >= 500) {
      if (lastAttempt || !request.idempotent) {
        throw new RemoteServiceError(
          'Unavailable',
          message,
          context({
            ...detail,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
            outcomeUnknown: !request.idempotent,
          }),
        );
      }
      await sleep(Math.min(retryAfterMs ?? backoff(), policy.maxRetryAfterMs));
      continue;
    }
    const kind: RemoteErrorKind =
      response.status === 401 || response.status === 403
        ? 'Unauthorized'
        : response.status === 404
          ? 'NotFound'
          : 'Rejected';
    throw new RemoteServiceError(kind, message, context(detail));
  }
}

/** Retry-After in ms from the headers Azure and Databricks send, or undefined. */
export function retryAfter(headers: Headers, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = headers.get(name);
    if (v !== null && /^\d+$/.test(v.trim())) return Number(v.trim());
  }
  const v = headers.get('retry-after');
  if (v === null) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** True when the connection was refused, i.e. the request never reached the server. */
function connectionRefused(err: unknown): boolean {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === 'ECONNREFUSED';
}

function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
