/**
 * A local stand-in for the Databricks Jobs API 2.1 (run-now, runs/get, runs/cancel). It checks the
 * bearer token (a PAT or an Entra token), paths, methods and bodies (job exists, job_parameters a map
 * of strings, idempotency_token at most 64 characters) and honours idempotency tokens: a repeated
 * token returns the run it started. Runs go PENDING → RUNNING → TERMINATED as they are polled, per
 * job script; faults can be queued per operation.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export type DatabricksOperation = 'runNow' | 'getRun' | 'cancelRun';

export interface DatabricksFault {
  operation: DatabricksOperation;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  /** Do the real work first, then answer with the fault (a lost response). */
  afterProcessing?: boolean;
}

export interface JobScript {
  /** How runs of the job end: a result_state, 'INTERNAL_ERROR', 'SKIPPED', or 'never' (RUNNING forever). */
  outcome: 'SUCCESS' | 'FAILED' | 'TIMEDOUT' | 'INTERNAL_ERROR' | 'SKIPPED' | 'never';
  /** runs/get answers before the terminal state (default 2: PENDING, RUNNING). */
  pollsBeforeEnd?: number;
  stateMessage?: string;
}

interface StandInRun {
  runId: number;
  jobId: number;
  jobParameters: Record<string, string>;
  token: string | undefined;
  polls: number;
  lifeCycleState: string;
  resultState?: string;
  stateMessage: string;
  cancelled: boolean;
  startTime: number;
  endTime?: number;
}

export interface DatabricksStandInOptions {
  /** Bearer tokens the workspace accepts (PATs and Entra tokens alike). */
  tokens: string[];
  /** Jobs that exist, with how their runs behave. */
  jobs: Record<number, JobScript>;
}

export class DatabricksStandIn {
  readonly requests: {
    method: string;
    path: string;
    query: Record<string, string>;
    authorization: string | undefined;
    body: unknown;
  }[] = [];
  readonly runs = new Map<number, StandInRun>();
  private readonly faults: DatabricksFault[] = [];
  private nextRunId = 1_084_349_472_736_400;
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  url = '';

  constructor(private readonly options: DatabricksStandInOptions) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  fail(fault: DatabricksFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  count(operation: DatabricksOperation): number {
    return this.requests.filter((r) => operationOf(r.method, r.path) === operation).length;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return reply(res, 400, dbError('MALFORMED_REQUEST', 'Could not parse request object.'));
    }
    const method = req.method ?? '';
    this.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      body,
    });
    const operation = operationOf(method, url.pathname);
    if (!operation)
      return reply(res, 404, dbError('ENDPOINT_NOT_FOUND', `No API found for '${method} ${url.pathname}'`));
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !this.options.tokens.includes(auth.slice('Bearer '.length))) {
      return reply(res, 401, dbError('UNAUTHENTICATED', 'Invalid access token.'));
    }
    const faultIndex = this.faults.findIndex((f) => f.operation === operation);
    const fault = faultIndex >= 0 ? this.faults.splice(faultIndex, 1)[0] : undefined;
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault && !fault.afterProcessing && fault.status !== undefined) {
      return reply(
        res,
        fault.status,
        fault.body ?? dbError('TEMPORARILY_UNAVAILABLE', 'injected fault'),
        fault.headers,
      );
    }
    const answer = this.route(operation, url, body);
    if (fault?.afterProcessing && fault.status !== undefined)
      return reply(
        res,
        fault.status,
        fault.body ?? dbError('TEMPORARILY_UNAVAILABLE', 'injected fault'),
        fault.headers,
      );
    reply(res, answer.status, answer.body);
  }

  private route(operation: DatabricksOperation, url: URL, body: unknown): { status: number; body: unknown } {
    const b = (body ?? {}) as Record<string, unknown>;
    switch (operation) {
      case 'runNow': {
        const jobId = b['job_id'];
        if (typeof jobId !== 'number' || !Number.isInteger(jobId))
          return {
            status: 400,
            body: dbError('INVALID_PARAMETER_VALUE', 'job_id is required and must be an integer'),
          };
        const script = this.options.jobs[jobId];
        if (!script)
          return { status: 400, body: dbError('INVALID_PARAMETER_VALUE', `Job ${jobId} does not exist.`) };
        const params = b['job_parameters'] ?? {};
        if (
          typeof params !== 'object' ||
          params === null ||
          Array.isArray(params) ||
          Object.values(params).some((v) => typeof v !== 'string')
        ) {
          return {
            status: 400,
            body: dbError('INVALID_PARAMETER_VALUE', 'job_parameters must be a map of string to string'),
          };
        }
        const token = b['idempotency_token'];
        if (token !== undefined && (typeof token !== 'string' || token.length > 64)) {
          return {
            status: 400,
            body: dbError(
              'INVALID_PARAMETER_VALUE',
              'idempotency_token must be a string of at most 64 characters',
            ),
          };
        }
        if (typeof token === 'string') {
          const existing = [...this.runs.values()].find((r) => r.token === token);
          if (existing)
            return { status: 200, body: { run_id: existing.runId, number_in_job: existing.runId } };
        }
        const runId = this.nextRunId++;
        this.runs.set(runId, {
          runId,
          jobId,
          jobParameters: params as Record<string, string>,
          token: typeof token === 'string' ? token : undefined,
          polls: 0,
          lifeCycleState: 'PENDING',
          stateMessage: 'Waiting for cluster',
          cancelled: false,
          startTime: Date.now(),
        });
        return { status: 200, body: { run_id: runId, number_in_job: runId } };
      }
      case 'getRun': {
        const raw = url.searchParams.get('run_id');
        if (raw === null || !/^\d+$/.test(raw))
          return { status: 400, body: dbError('INVALID_PARAMETER_VALUE', 'run_id is required') };
        const run = this.runs.get(Number(raw));
        if (!run)
          return { status: 400, body: dbError('INVALID_PARAMETER_VALUE', `Run ${raw} does not exist.`) };
        this.advance(run);
        return { status: 200, body: this.runJson(run) };
      }
      case 'cancelRun': {
        const runId = b['run_id'];
        if (typeof runId !== 'number')
          return { status: 400, body: dbError('INVALID_PARAMETER_VALUE', 'run_id is required') };
        const run = this.runs.get(runId);
        if (!run)
          return { status: 400, body: dbError('INVALID_PARAMETER_VALUE', `Run ${runId} does not exist.`) };
        if (!['TERMINATED', 'SKIPPED', 'INTERNAL_ERROR'].includes(run.lifeCycleState)) {
          run.cancelled = true;
          run.lifeCycleState = 'TERMINATING';
          run.stateMessage = 'Run cancellation requested';
        }
        return { status: 200, body: {} };
      }
    }
  }

  private advance(run: StandInRun): void {
    run.polls++;
    if (run.cancelled) {
      if (run.lifeCycleState === 'TERMINATING') {
        run.lifeCycleState = 'TERMINATED';
        run.resultState = 'CANCELED';
        run.stateMessage = 'Run cancelled.';
        run.endTime = Date.now();
      }
      return;
    }
    if (['TERMINATED', 'SKIPPED', 'INTERNAL_ERROR'].includes(run.lifeCycleState)) return;
    const script = this.options.jobs[run.jobId] ?? { outcome: 'SUCCESS' };
    if (script.outcome === 'never' || run.polls <= (script.pollsBeforeEnd ?? 2)) {
      run.lifeCycleState = run.polls <= 1 ? 'PENDING' : 'RUNNING';
      run.stateMessage = run.polls <= 1 ? 'Waiting for cluster' : 'In run';
      return;
    }
    run.endTime = Date.now();
    if (script.outcome === 'INTERNAL_ERROR' || script.outcome === 'SKIPPED') {
      run.lifeCycleState = script.outcome;
      run.stateMessage =
        script.stateMessage ??
        (script.outcome === 'SKIPPED' ? 'Skipped: max concurrent runs reached' : 'Internal error');
      return;
    }
    run.lifeCycleState = 'TERMINATED';
    run.resultState = script.outcome;
    run.stateMessage = script.stateMessage ?? '';
  }

  private runJson(run: StandInRun): Record<string, unknown> {
    return {
      job_id: run.jobId,
      run_id: run.runId,
      number_in_job: run.runId,
      run_name: `job-${run.jobId}`,
      creator_user_name: 'pipeline@example.com',
      run_page_url: `${this.url}/?o=1234567890123456#job/${run.jobId}/run/${run.runId}`,
      run_type: 'JOB_RUN',
      job_parameters: Object.entries(run.jobParameters).map(([name, value]) => ({ name, value })),
      state: {
        life_cycle_state: run.lifeCycleState,
        ...(run.resultState ? { result_state: run.resultState } : {}),
        state_message: run.stateMessage,
        user_cancelled_or_timedout: run.cancelled || run.resultState === 'TIMEDOUT',
      },
      start_time: run.startTime,
      ...(run.endTime ? { end_time: run.endTime } : {}),
      setup_duration: 0,
      execution_duration: 0,
      cleanup_duration: 0,
      tasks: [],
    };
  }
}

function operationOf(method: string, path: string): DatabricksOperation | undefined {
  const m = /^\/api\/2\.[12]\/jobs\/(run-now|runs\/get|runs\/cancel)$/.exec(path);
  if (!m) return undefined;
  if (m[1] === 'run-now' && method === 'POST') return 'runNow';
  if (m[1] === 'runs/get' && method === 'GET') return 'getRun';
  if (m[1] === 'runs/cancel' && method === 'POST') return 'cancelRun';
  return undefined;
}

function dbError(code: string, message: string): { error_code: string; message: string } {
  return { error_code: code, message };
}

function reply(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': randomUUID(), ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
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
