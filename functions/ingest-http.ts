/**
 * `POST /api/events` → Bronze, through the same landing use case as the Event Hub trigger.
 * Body: one event, a JSON array of events, or NDJSON, optionally gzip/deflate/br Content-Encoding; at
 * most INGEST_MAX_HTTP_BODY_BYTES, compressed or not (413 above, 415 for another encoding, 400 when
 * unparseable), and at most INGEST_MAX_HTTP_EVENTS events (413 above). Answers 202 with counts, the
 * request id (quarantine rows carry it as request_id) and the first REJECTIONS_LISTED rejections with
 * their reason codes (`rejectionsOmitted` counts the rest: the answer stays small whatever the body).
 *
 * Idempotency by eventId: HTTP has no stream position, so there is no txn watermark. Within a request
 * a repeated eventId lands once; across requests (client retries) Bronze may hold the same eventId more
 * than once and Silver keeps the first landed row per eventId (DESIGN.md "Ingest").
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { ingestRuntime } from '../shared/ingest/compose.js';
import { splitHttpBody } from '../shared/ingest/http-events.js';
import { landBatch } from '../shared/ingest/land-batch.js';

export async function ingestHttpHandler(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const { settings, ports } = ingestRuntime();
  const limit = settings.INGEST_MAX_HTTP_BODY_BYTES;
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return tooLarge(limit);
  const sent = await readLimited(request, limit);
  if (sent === 'too-large') return tooLarge(limit);
  const bytes = decodeContent(sent, request.headers.get('content-encoding'), limit);
  if (bytes === 'too-large') return tooLarge(limit);
  if (!(bytes instanceof Uint8Array)) return problem(bytes.status, bytes.message);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return problem(400, 'the request body is not valid UTF-8');
  }
  const split = splitHttpBody(text);
  if (!split.ok) return problem(400, split.message);
  if (split.events.length > settings.INGEST_MAX_HTTP_EVENTS)
    return problem(
      413,
      `${split.events.length} events in one request, more than ${settings.INGEST_MAX_HTTP_EVENTS}: send them in smaller requests`,
    );
  const { unique, duplicates } = dedupeByEventId(split.events, split.eventIds);
  try {
    const result = await landBatch(
      ports,
      unique.map((u) => u.event),
      { source: 'http', requestId: context.invocationId },
    );
    const rejections = [];
    for (const o of result.outcomes) {
      if (o.status !== 'quarantined') continue;
      if (rejections.length === REJECTIONS_LISTED) break;
      rejections.push({ index: unique[o.index]?.index ?? o.index, eventId: o.eventId, reasons: o.reasons });
    }
    return {
      status: 202,
      jsonBody: {
        received: split.events.length,
        accepted: result.landed,
        rejected: result.quarantined,
        duplicates,
        requestId: context.invocationId,
        rejections,
        ...(result.quarantined > rejections.length
          ? { rejectionsOmitted: result.quarantined - rejections.length }
          : {}),
      },
    };
  } catch (err) {
    context.error(`ingest failed: ${err instanceof Error ? err.message : String(err)}`);
    return problem(503, 'the lake is unavailable; retry later (the request is idempotent by eventId)');
  }
}

/** Rejections listed in a 202 answer; the quarantine table has them all (request_id = requestId). */
export const REJECTIONS_LISTED = 100;

/** Drops later events of the request whose eventId was already seen in it. */
function dedupeByEventId(
  events: unknown[],
  eventIds: (string | undefined)[],
): {
  unique: { index: number; event: unknown }[];
  duplicates: number;
} {
  const seen = new Set<string>();
  const unique: { index: number; event: unknown }[] = [];
  events.forEach((event, index) => {
    const id = eventIds[index];
    if (id !== undefined) {
      if (seen.has(id)) return;
      seen.add(id);
    }
    unique.push({ index, event });
  });
  return { unique, duplicates: events.length - unique.length };
}

async function readLimited(request: HttpRequest, limit: number): Promise<Uint8Array | 'too-large'> {
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    const bytes = chunk instanceof Uint8Array ? chunk : new TextEncoder().encode(String(chunk));
    size += bytes.byteLength;
    if (size > limit) return 'too-large';
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

const DECOMPRESS: Record<string, (bytes: Uint8Array, options: { maxOutputLength: number }) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/**
 * The body without its Content-Encoding (registers on metered links may compress): gzip, deflate or
 * br, decompressed to at most `limit` bytes (the limit applies to the events, so a small compressed
 * body cannot expand without bound).
 */
function decodeContent(
  bytes: Uint8Array,
  encoding: string | null,
  limit: number,
): Uint8Array | 'too-large' | { status: number; message: string } {
  const codings = (encoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  let out = bytes;
  // Codings are listed in the order they were applied: undo them from the last.
  for (const coding of codings.reverse()) {
    const decompress = DECOMPRESS[coding];
    if (!decompress)
      return {
        status: 415,
        message: `Content-Encoding ${coding} is not supported (gzip, deflate, br or none)`,
      };
    try {
      out = decompress(out, { maxOutputLength: limit });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return 'too-large';
      return { status: 400, message: `the request body is not valid ${coding} data` };
    }
  }
  return out;
}

function tooLarge(limit: number): HttpResponseInit {
  return problem(413, `the request body exceeds ${limit} bytes; send smaller batches`);
}

function problem(status: number, message: string): HttpResponseInit {
  return { status, jsonBody: { error: message } };
}

app.http('ingest-http', {
  methods: ['POST'],
  authLevel: 'function',
  route: 'events',
  handler: ingestHttpHandler,
});
