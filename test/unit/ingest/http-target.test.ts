/**
 * The simulator's HTTP target against a stand-in endpoint (node:http) that answers as scripted:
 * transient failures (503 with or without Retry-After, a dropped connection) are retried with backoff
 * and every event arrives exactly once, in order; other answers stop the run with a hint.
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { postEvents } from '../../../shared/ingest/simulator/http-target.js';

type Reply = { status: number; headers?: Record<string, string> } | 'drop';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A stand-in endpoint: answers requests with `replies` in turn (202 once they run out). */
async function endpoint(replies: Reply[]) {
  const received: { key: string | undefined; encoding: string | undefined; lines: string[] }[] = [];
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const sent = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(sent) : sent).toString();
      const reply = replies.shift() ?? { status: 202 };
      if (reply === 'drop') return req.socket.destroy();
      const lines = body.split('\n').filter((l) => l !== '');
      if (reply.status === 202)
        received.push({
          key: req.headers['x-functions-key'] as string | undefined,
          encoding: req.headers['content-encoding'],
          lines,
        });
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(
        JSON.stringify(
          reply.status === 202 ? { accepted: lines.length - 1, rejected: 1 } : { error: 'nope' },
        ),
      );
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  const { port } = server?.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/events`, received };
}

const bodies = Array.from({ length: 7 }, (_, i) => `{"n":${i}}`);

describe('postEvents (simulate --target http)', () => {
  test('retries 503, Retry-After and a dropped connection; each event arrives once, in order', async () => {
    const { url, received } = await endpoint([
      { status: 503 },
      'drop',
      { status: 202 },
      { status: 429, headers: { 'retry-after': '3' } },
    ]);
    const delays: number[] = [];
    const sleep = (ms: number) => {
      delays.push(ms);
      return Promise.resolve();
    };
    const summary = await postEvents(bodies, { url, batch: 3, functionKey: 'k', sleep, baseDelayMs: 100 });
    expect(received.flatMap((r) => r.lines)).toEqual(bodies);
    expect(received.map((r) => r.lines.length)).toEqual([3, 3, 1]);
    expect(received.every((r) => r.key === 'k')).toBe(true);
    expect(summary).toEqual({ requests: 6, retries: 3, accepted: 4, rejected: 3 });
    expect(delays).toEqual([100, 200, 3000]); // exponential, then the server's Retry-After
  });

  test('--http-gzip: the same lines, gzip-encoded', async () => {
    const { url, received } = await endpoint([]);
    await postEvents(bodies, { url, batch: 4, gzip: true });
    expect(received.flatMap((r) => r.lines)).toEqual(bodies);
    expect(received.map((r) => r.encoding)).toEqual(['gzip', 'gzip']);
  });

  test('gives up after maxAttempts with the last answer', async () => {
    const { url } = await endpoint([{ status: 503 }, { status: 502 }, { status: 504 }]);
    await expect(postEvents(bodies, { url, maxAttempts: 3, sleep: async () => {} })).rejects.toThrow(
      /answered 504.*gave up after 3 attempts/,
    );
  });

  test('other answers stop at once, with a hint', async () => {
    for (const [status, hint] of [
      [401, /--function-key/],
      [413, /--http-batch/],
      [400, /answered 400: \{"error":"nope"\}$/],
    ] as const) {
      const { url, received } = await endpoint([{ status }]);
      await expect(postEvents(bodies, { url, sleep: async () => {} })).rejects.toThrow(hint);
      expect(received).toEqual([]);
      await new Promise<void>((r) => server?.close(() => r()));
      server = undefined;
    }
  });
});
