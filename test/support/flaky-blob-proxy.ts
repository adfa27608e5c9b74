/**
 * An HTTP proxy in front of Azurite's Blob endpoint that can make one create-only Put Blob
 * (`If-None-Match: *`) fail *as the client sees it*, to reproduce the ambiguous outcome of a retried
 * commit with the real SDK and its real retry policy, without touching SDK internals.
 *
 * Faults (one-shot, armed per blob path):
 * - 'applied-then-reset': forward the PUT, let the service apply it, then drop the client's connection
 *   (a timeout after the write landed). The SDK retries; the retry meets 409.
 * - 'lost-then-503': answer 503 without forwarding, after running `meanwhile` (e.g. a rival's commit).
 *   The SDK retries; the retry meets the rival's blob.
 * Shared Key signatures do not cover the Host header, so forwarding keeps requests valid.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CreateFault = 'applied-then-reset' | 'lost-then-503';

export interface ProxiedCreate {
  path: string;
  /** What the client got: the upstream status, or the injected fault. */
  client: number | 'reset';
  /** The upstream status, or undefined when the request never reached Azurite. */
  upstream: number | undefined;
}

export interface FlakyBlobProxy {
  /** Use as BlobEndpoint: `http://127.0.0.1:<port>/devstoreaccount1`. */
  blobEndpoint: string;
  /** Every create-only PUT seen, in order. */
  creates: ProxiedCreate[];
  /** Arms a one-shot fault for the next create-only PUT whose URL path ends with `/<blobPath>`. */
  failNextCreate(blobPath: string, fault: CreateFault, meanwhile?: () => Promise<void>): void;
  close(): Promise<void>;
}

export async function startFlakyBlobProxy(upstreamBlobEndpoint: string): Promise<FlakyBlobProxy> {
  const upstream = new URL(upstreamBlobEndpoint);
  const armed = new Map<string, { fault: CreateFault; meanwhile: (() => Promise<void>) | undefined }>();
  const creates: ProxiedCreate[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://proxy').pathname);
    const isCreate = req.method === 'PUT' && req.headers['if-none-match'] === '*';
    const armedKey = isCreate ? [...armed.keys()].find((p) => path.endsWith(`/${p}`)) : undefined;
    const fault = armedKey === undefined ? undefined : armed.get(armedKey);
    if (armedKey !== undefined) armed.delete(armedKey);

    if (fault?.fault === 'lost-then-503') {
      await fault.meanwhile?.();
      creates.push({ path, client: 503, upstream: undefined });
      res.writeHead(503, { 'x-ms-error-code': 'ServerBusy', 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>injected</Message></Error>',
      );
      return;
    }
    const answer = await forward(upstream, req, body);
    if (fault?.fault === 'applied-then-reset') {
      creates.push({ path, client: 'reset', upstream: answer.status });
      req.socket.destroy();
      return;
    }
    if (isCreate) creates.push({ path, client: answer.status, upstream: answer.status });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    blobEndpoint: `http://127.0.0.1:${port}${upstream.pathname.replace(/\/+$/, '')}`,
    creates,
    failNextCreate(blobPath, fault, meanwhile) {
      armed.set(blobPath, { fault, meanwhile });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

function forward(upstream: URL, req: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (res) => {
        readAll(res).then((answerBody) => {
          const headers: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined && name !== 'transfer-encoding' && name !== 'connection')
              headers[name] = value;
          }
          resolve({ status: res.statusCode ?? 502, headers, body: answerBody });
        }, reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
