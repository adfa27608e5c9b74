/**
 * The HTTP front door: `/<routePrefix>/<route>` for every httpTrigger, with the route template's
 * parameters, the registered methods and the function's auth level (a local function key or the master
 * key, as `?code=` or `x-functions-key`; `admin` needs the master key; `anonymous` is open).
 * Other paths can be claimed by extra handlers (the durable webhooks).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IndexedFunction } from './function-index.js';
import type { RpcHttpData } from './functions-core-types.js';
import type { Invoker } from './invoker.js';
import { compileRoute } from './http-route.js';

export interface HttpKeys {
  /** Accepted for authLevel `function`. */
  functionKey: string;
  /** Accepted for `function` and `admin`. */
  masterKey: string;
}

/** Handles a request outside the function routes; returns false to fall through to 404. */
export type ExtraHandler = (
  request: IncomingMessage,
  body: Buffer,
  response: ServerResponse,
) => Promise<boolean>;

export interface HttpHostOptions {
  functions: readonly IndexedFunction[];
  invoker: Invoker;
  keys: HttpKeys;
  port: number;
  host?: string;
  routePrefix?: string;
  extraHandlers?: ExtraHandler[];
  onError?: (fn: string, error: unknown) => void;
  /** Larger request bodies get 413 before any function runs (default: the Functions host's 100 MB). */
  maxRequestBodyBytes?: number;
}

/** The Functions host's request body limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT), 100 MB by default. */
export const HOST_MAX_REQUEST_BODY_BYTES = 104_857_600;

export interface HttpHost {
  baseUrl: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const prefix = (options.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '');
  const routes = options.functions
    .filter((fn) => fn.triggerType === 'httpTrigger')
    .map((fn) => ({ fn, route: compileRoute(fn.route ?? fn.name) }));
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
      options.onError?.('http', error);
    });
  });

  const maxBody = options.maxRequestBodyBytes ?? HOST_MAX_REQUEST_BODY_BYTES;
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request, maxBody);
    if (body === undefined) {
      // Like the Functions host: refused unread, the connection closed after the answer.
      response.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      response.end(`request body larger than ${maxBody} bytes\n`, () => request.destroy());
      return;
    }
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    for (const extra of options.extraHandlers ?? []) {
      if (await extra(request, body, response)) return;
    }
    const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
    const underPrefix =
      prefix === ''
        ? path
        : path === prefix
          ? ''
          : path.startsWith(`${prefix}/`)
            ? path.slice(prefix.length + 1)
            : undefined;
    if (underPrefix === undefined) return reply(response, 404);
    const method = (request.method ?? 'GET').toUpperCase();
    let matchedPath = false;
    for (const { fn, route } of routes) {
      const params = route.match(underPrefix);
      if (params === undefined) continue;
      matchedPath = true;
      if (!(fn.methods ?? []).includes(method)) continue;
      if (!authorised(fn, request, url, options.keys)) return reply(response, 401);
      await invokeHttp(fn, request, url, body, params, response);
      return;
    }
    reply(response, matchedPath ? 405 : 404);
  }

  async function invokeHttp(
    fn: IndexedFunction,
    request: IncomingMessage,
    url: URL,
    body: Buffer,
    params: Record<string, string>,
    response: ServerResponse,
  ): Promise<void> {
    const http: RpcHttpData = {
      method: request.method ?? 'GET',
      url: url.href,
      headers: flattenHeaders(request),
      query: Object.fromEntries(url.searchParams),
      params,
      body: body.length > 0 ? { bytes: body } : null,
    };
    let result;
    try {
      result = await options.invoker.invoke(fn, { trigger: { http } });
    } catch (error) {
      options.onError?.(fn.name, error);
      return reply(response, 500);
    }
    const returned = result.returnValue?.http ?? result.outputData?.find((o) => o.data?.http)?.data?.http;
    if (returned === undefined || returned === null) return reply(response, 204);
    const headers: Record<string, string> = { ...(returned.headers ?? {}) };
    const payload = returned.body?.bytes
      ? Buffer.from(returned.body.bytes)
      : Buffer.from(returned.body?.string ?? '');
    response.writeHead(Number(returned.statusCode ?? 200), headers);
    response.end(payload);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://localhost:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function authorised(fn: IndexedFunction, request: IncomingMessage, url: URL, keys: HttpKeys): boolean {
  if (fn.authLevel === undefined || fn.authLevel === 'anonymous') return true;
  const header = request.headers['x-functions-key'];
  const given = url.searchParams.get('code') ?? (Array.isArray(header) ? header[0] : header);
  if (given === undefined || given === null) return false;
  if (given === keys.masterKey) return true;
  return fn.authLevel === 'function' && given === keys.functionKey;
}

export function reply(
  response: ServerResponse,
  status: number,
  json?: unknown,
  headers: Record<string, string> = {},
): void {
  if (json === undefined) {
    response.writeHead(status, headers);
    response.end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(json));
}

/** The request body, or undefined once it (or its declared length) passes `limit` bytes. */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(request.headers['content-length'] ?? 0) > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
