/**
 * The HTTP plumbing the REST service stand-ins share (Data Factory, Databricks Jobs). It provides a
 * server on a free loopback port whose stop() also drops kept-alive sockets, JSON request bodies and
 * JSON answers, a log of every request whose body parsed, method-and-path routing to named operations,
 * bearer-token reading, and per-operation fault injection (a status, headers, body, a delay, or a lost
 * response after the work is done). A stand-in supplies only its service's dialect: answer headers and
 * error bodies, which requests it admits, and what each operation does.
 *
 * Per request, in this order: a body that is not JSON gets the dialect's malformed answer (unlogged);
 * the request is logged; admit() may refuse it; a queued fault for its operation is taken; only then
 * does the operation run.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as tests read it from `requests`. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
}

/** A parsed request as a stand-in's admit() and route() see it. */
export interface Incoming {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** A JSON answer; an undefined body is sent as an empty one. */
export interface Answer {
  status: number;
  body: unknown;
}

export interface StandInFault<Operation extends string> {
  operation: Operation;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (longer than the client timeout = a timeout). */
  delayMs?: number;
  /** Do the real work first, then answer with the fault (a lost response). */
  afterProcessing?: boolean;
}

/** How one service frames its answers. */
export interface Dialect {
  contentType: string;
  /** Header that carries a fresh request id on every answer. */
  requestIdHeader: string;
  /** The answer to a body that is not JSON. */
  malformed: Answer;
  /** The body of an injected fault that brings none. */
  faultBody: unknown;
}

/** Method, path pattern and the operation they name; the first match wins. */
export type Routes<Operation extends string> = readonly (readonly [string, RegExp, Operation])[];

export abstract class HttpStandIn<Operation extends string> {
  readonly requests: RecordedRequest[] = [];
  url = '';
  private readonly faults: StandInFault<Operation>[] = [];
  private readonly sockets = new Set<Socket>();
  private server: http.Server | undefined;

  protected constructor(private readonly dialect: Dialect) {}

  async start(): Promise<string> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Queue a fault for the next request of `fault.operation`. */
  fail(fault: StandInFault<Operation>, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /** Logged requests that named `operation`, admitted or not. */
  count(operation: Operation): number {
    return this.requests.filter((r) => this.operationOf(r.method, r.path) === operation).length;
  }

  /** The operation a method and path name, if any. */
  protected abstract operationOf(method: string, path: string): Operation | undefined;

  /** The request's operation, or the answer that refuses it (no route, bad token, bad headers). */
  protected abstract admit(request: Incoming): Operation | Answer;

  /** Does the operation's work. */
  protected abstract route(operation: Operation, request: Incoming): Answer;

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return this.reply(res, this.dialect.malformed);
    }
    const request: Incoming = { method: req.method ?? '', url, headers: req.headers, body };
    this.requests.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      body,
    });
    const operation = this.admit(request);
    if (typeof operation !== 'string') return this.reply(res, operation);

    const faultIndex = this.faults.findIndex((f) => f.operation === operation);
    const fault = faultIndex >= 0 ? this.faults.splice(faultIndex, 1)[0] : undefined;
    if (fault?.delayMs) await sleep(fault.delayMs);
    const injected =
      fault?.status === undefined
        ? undefined
        : { status: fault.status, body: fault.body ?? this.dialect.faultBody };
    if (injected && !fault?.afterProcessing) return this.reply(res, injected, fault?.headers);
    const answer = this.route(operation, request);
    if (injected) return this.reply(res, injected, fault?.headers);
    this.reply(res, answer);
  }

  private reply(res: http.ServerResponse, answer: Answer, headers: Record<string, string> = {}): void {
    res.writeHead(answer.status, {
      'content-type': this.dialect.contentType,
      [this.dialect.requestIdHeader]: randomUUID(),
      ...headers,
    });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }
}

export function matchRoute<Operation extends string>(
  routes: Routes<Operation>,
  method: string,
  path: string,
): Operation | undefined {
  return routes.find(([m, pattern]) => m === method && pattern.test(path))?.[2];
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerToken(request: Incoming): string | undefined {
  const auth = request.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
