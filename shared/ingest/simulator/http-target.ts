/**
 * Sends simulated POS traffic to the HTTP ingest endpoint (`POST /api/events`) as NDJSON batches, in
 * arrival order, the way a register's uploader should: a request that failed for a transient reason
 * (network error, 408, 429, 5xx) is sent again after a backoff — honouring `Retry-After` — which is safe
 * because the endpoint is idempotent by eventId within a request and Silver keeps one row per eventId
 * across requests. Any other answer stops the run with the endpoint's message and a hint.
 *
 * Invariant: every event is in exactly one batch; batch k+1 is sent only after batch k was accepted.
 */
import { gzipSync } from 'node:zlib';

export interface HttpTargetOptions {
  url: string;
  /** Events per request (default 500). */
  batch?: number;
  /** Sent as x-functions-key. */
  functionKey?: string;
  /** Send bodies gzip-compressed (Content-Encoding: gzip), as a register on a metered link would. */
  gzip?: boolean;
  /** Attempts per request, the first included (default 8). */
  maxAttempts?: number;
  /** First backoff; doubled per attempt up to `maxDelayMs` (defaults 500 ms and 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (sent: number, total: number) => void;
}

export interface HttpSendSummary {
  requests: number;
  /** Requests sent again after a transient failure. */
  retries: number;
  accepted: number;
  rejected: number;
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

export async function postEvents(
  bodies: readonly string[],
  options: HttpTargetOptions,
): Promise<HttpSendSummary> {
  const batch = options.batch ?? 500;
  const summary: HttpSendSummary = { requests: 0, retries: 0, accepted: 0, rejected: 0 };
  for (let i = 0; i < bodies.length; i += batch) {
    const body = `${bodies.slice(i, i + batch).join('\n')}\n`;
    const answer = await postWithRetry(body, options, summary);
    summary.accepted += answer.accepted ?? 0;
    summary.rejected += answer.rejected ?? 0;
    options.onProgress?.(Math.min(i + batch, bodies.length), bodies.length);
  }
  return summary;
}

async function postWithRetry(
  text: string,
  options: HttpTargetOptions,
  summary: HttpSendSummary,
): Promise<{ accepted?: number; rejected?: number }> {
  const { url, maxAttempts = 8, baseDelayMs = 500, maxDelayMs = 30_000 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const body = options.gzip ? gzipSync(text) : text;
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    let retryAfterMs: number | undefined;
    try {
      summary.requests++;
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/x-ndjson',
          ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
          ...(options.functionKey ? { 'x-functions-key': options.functionKey } : {}),
        },
      });
      if (res.status === 202) return (await res.json()) as { accepted?: number; rejected?: number };
      const text = (await res.text()).slice(0, 200);
      failure = `POST ${url} answered ${res.status}: ${text}`;
      if (!RETRYABLE.has(res.status)) throw new Error(`${failure}${hint(res.status)}`);
      retryAfterMs = retryAfter(res.headers.get('retry-after'));
    } catch (err) {
      if (!(err instanceof TypeError)) throw err; // fetch's network failures are TypeErrors
      failure = `POST ${url} failed: ${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}`;
    }
    if (attempt >= maxAttempts) throw new Error(`${failure} (gave up after ${attempt} attempts)`);
    summary.retries++;
    await sleep(Math.min(maxDelayMs, retryAfterMs ?? baseDelayMs * 2 ** (attempt - 1)));
  }
}

/** Retry-After as delay-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
function retryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function hint(status: number): string {
  if (status === 401 || status === 403) return ' (pass the function key: --function-key KEY)';
  if (status === 413) return ' (send smaller requests: lower --http-batch)';
  if (status === 404) return ' (check --url: the route is /api/events)';
  return '';
}
