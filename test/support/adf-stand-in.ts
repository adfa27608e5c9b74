/**
 * A local stand-in for the Data Factory management API (api-version 2018-06-01), enough for the
 * pipeline-run calls the ADF client makes. It checks what Azure checks (path shape, method,
 * api-version, bearer token, body shape, pipeline parameters against the pipeline definition in
 * infra/adf) and answers with the documented shapes. Runs move Queued → InProgress → terminal as
 * they are polled; faults can be queued per operation.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type AdfOperation =
  'createRun' | 'getPipelineRun' | 'queryActivityRuns' | 'cancelPipelineRun' | 'queryPipelineRuns';

export interface AdfFault {
  operation: AdfOperation;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (longer than the client timeout = a timeout). */
  delayMs?: number;
  /** Do the real work first, then answer with the fault (a lost response). */
  afterProcessing?: boolean;
}

export interface RunScript {
  /** How the run ends; 'never' keeps it InProgress. */
  outcome: 'Succeeded' | 'Failed' | 'never';
  /** GETs answered before the terminal status (default 2: Queued, InProgress). */
  pollsBeforeEnd?: number;
  activityError?: { errorCode: string; message: string; failureType?: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
}

interface StandInRun {
  runId: string;
  pipelineName: string;
  parameters: Record<string, string>;
  script: RunScript;
  /** Name of the pipeline's first activity (the one that fails). */
  firstActivity: string;
  polls: number;
  status: 'Queued' | 'InProgress' | 'Succeeded' | 'Failed' | 'Canceling' | 'Cancelled';
  runStart: string;
  runEnd?: string;
  lastUpdated: string;
}

interface PipelineDefinition {
  name: string;
  properties: {
    parameters?: Record<string, { type: string; defaultValue?: unknown }>;
    activities: { name: string; type: string }[];
  };
}

export interface AdfStandInOptions {
  subscriptionId: string;
  resourceGroup: string;
  factoryName: string;
  /** The bearer token the server accepts. */
  token: string;
  /** Pipeline definition files (ADF JSON); default: infra/adf/batch-load.pipeline.json. */
  pipelineFiles?: string[];
}

export class AdfStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly runs = new Map<string, StandInRun>();
  private readonly faults: AdfFault[] = [];
  private readonly scripts: RunScript[] = [];
  private readonly pipelines = new Map<string, PipelineDefinition>();
  private server: http.Server | undefined;
  private sockets = new Set<import('node:net').Socket>();
  url = '';

  constructor(private readonly options: AdfStandInOptions) {
    const files = options.pipelineFiles ?? [
      new URL('../../infra/adf/batch-load.pipeline.json', import.meta.url).pathname,
    ];
    for (const file of files) {
      const def = JSON.parse(readFileSync(file, 'utf8')) as PipelineDefinition;
      this.pipelines.set(def.name, def);
    }
  }

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

  /** Queue a fault for the next request of `fault.operation`. */
  fail(fault: AdfFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /** Script for the next created run (default: Succeeded after two polls). */
  nextRun(script: RunScript): void {
    this.scripts.push(script);
  }

  count(operation: AdfOperation): number {
    return this.requests.filter((r) => operationOf(r.method, r.path.slice(this.prefix.length)) === operation)
      .length;
  }

  private get prefix(): string {
    const o = this.options;
    return `/subscriptions/${o.subscriptionId}/resourceGroups/${o.resourceGroup}/providers/Microsoft.DataFactory/factories/${o.factoryName}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return reply(
        res,
        400,
        armError('InvalidRequestContent', 'The request content was invalid and could not be deserialized.'),
      );
    }
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      body,
    };
    this.requests.push(record);

    const o = this.options;
    const prefix = this.prefix;
    if (!url.pathname.startsWith(prefix))
      return reply(
        res,
        404,
        armError('ResourceNotFound', `The Resource under ${url.pathname} was not found.`),
      );
    const operation = operationOf(record.method, url.pathname.slice(prefix.length));
    if (!operation)
      return reply(res, 404, armError('NotFound', `no route for ${record.method} ${url.pathname}`));
    if (req.headers.authorization !== `Bearer ${o.token}`) {
      return reply(
        res,
        401,
        armError(
          'AuthenticationFailed',
          'Authentication failed. The Authorization header is missing or invalid.',
        ),
      );
    }
    if (url.searchParams.get('api-version') !== '2018-06-01') {
      return reply(
        res,
        400,
        armError(
          'InvalidApiVersionParameter',
          `The api-version '${url.searchParams.get('api-version') ?? ''}' is invalid.`,
        ),
      );
    }
    if (
      record.method === 'POST' &&
      body !== undefined &&
      !String(req.headers['content-type']).startsWith('application/json')
    ) {
      return reply(res, 415, armError('UnsupportedMediaType', 'expected application/json'));
    }

    const faultIndex = this.faults.findIndex((f) => f.operation === operation);
    const fault = faultIndex >= 0 ? this.faults.splice(faultIndex, 1)[0] : undefined;
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault && !fault.afterProcessing && fault.status !== undefined) {
      return reply(
        res,
        fault.status,
        fault.body ?? armError('InternalServerError', 'injected fault'),
        fault.headers,
      );
    }
    const answer = this.route(operation, url.pathname.slice(prefix.length), body);
    if (fault?.afterProcessing && fault.status !== undefined)
      return reply(
        res,
        fault.status,
        fault.body ?? armError('InternalServerError', 'injected fault'),
        fault.headers,
      );
    reply(res, answer.status, answer.body);
  }

  private route(operation: AdfOperation, path: string, body: unknown): { status: number; body: unknown } {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const now = new Date().toISOString();
    switch (operation) {
      case 'createRun': {
        const name = segments[1] ?? '';
        const pipeline = this.pipelines.get(name);
        if (!pipeline)
          return {
            status: 404,
            body: armError('PipelineNotFound', `Pipeline ${name} not found in factory.`),
          };
        if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
          return {
            status: 400,
            body: armError('BadRequest', 'The request body must be an object of parameter values.'),
          };
        }
        const given = (body ?? {}) as Record<string, unknown>;
        const declared = pipeline.properties.parameters ?? {};
        for (const key of Object.keys(given)) {
          if (!(key in declared))
            return {
              status: 400,
              body: armError('BadRequest', `The parameter '${key}' is not defined in pipeline '${name}'.`),
            };
        }
        const parameters: Record<string, string> = {};
        for (const [key, def] of Object.entries(declared)) {
          const value = given[key] ?? def.defaultValue;
          if (value === undefined)
            return {
              status: 400,
              body: armError('BadRequest', `Missing value for required parameter '${key}'.`),
            };
          if (def.type === 'string' && typeof value !== 'string')
            return { status: 400, body: armError('BadRequest', `Parameter '${key}' must be a string.`) };
          parameters[key] = typeof value === 'string' ? value : JSON.stringify(value);
        }
        const runId = randomUUID();
        this.runs.set(runId, {
          runId,
          pipelineName: name,
          parameters,
          firstActivity: pipeline.properties.activities[0]?.name ?? 'activity',
          script: this.scripts.shift() ?? { outcome: 'Succeeded' },
          polls: 0,
          status: 'Queued',
          runStart: now,
          lastUpdated: now,
        });
        return { status: 200, body: { runId } };
      }
      case 'getPipelineRun': {
        const run = this.runs.get(segments[1] ?? '');
        if (!run)
          return {
            status: 404,
            body: armError('PipelineRunNotFound', `Pipeline run ${segments[1] ?? ''} not found.`),
          };
        this.advance(run);
        return { status: 200, body: runJson(run) };
      }
      case 'queryActivityRuns': {
        const run = this.runs.get(segments[1] ?? '');
        if (!run) return { status: 404, body: armError('PipelineRunNotFound', 'Pipeline run not found.') };
        const filter = body as { lastUpdatedAfter?: unknown; lastUpdatedBefore?: unknown } | undefined;
        if (!isIsoDate(filter?.lastUpdatedAfter) || !isIsoDate(filter?.lastUpdatedBefore)) {
          return {
            status: 400,
            body: armError(
              'BadRequest',
              'lastUpdatedAfter and lastUpdatedBefore are required ISO 8601 date-times.',
            ),
          };
        }
        const activity = this.pipelines.get(run.pipelineName)?.properties.activities[0];
        const failed = run.status === 'Failed';
        const value =
          activity && run.status !== 'Queued'
            ? [
                {
                  pipelineName: run.pipelineName,
                  pipelineRunId: run.runId,
                  activityName: activity.name,
                  activityType: activity.type,
                  activityRunId: `${run.runId}-a1`,
                  status: failed ? 'Failed' : run.status === 'Succeeded' ? 'Succeeded' : 'InProgress',
                  activityRunStart: run.runStart,
                  activityRunEnd: run.runEnd ?? null,
                  input: {},
                  output: {},
                  error: failed
                    ? {
                        errorCode: run.script.activityError?.errorCode ?? '2200',
                        message: run.script.activityError?.message ?? 'copy failed',
                        failureType: run.script.activityError?.failureType ?? 'UserError',
                        target: activity.name,
                        details: '',
                      }
                    : { errorCode: '', message: '', failureType: '', target: activity.name },
                },
              ]
            : [];
        return { status: 200, body: { value } };
      }
      case 'cancelPipelineRun': {
        const run = this.runs.get(segments[1] ?? '');
        if (!run) return { status: 404, body: armError('PipelineRunNotFound', 'Pipeline run not found.') };
        if (run.status === 'Queued' || run.status === 'InProgress') {
          run.status = 'Canceling';
          run.lastUpdated = now;
        }
        return { status: 200, body: undefined };
      }
      case 'queryPipelineRuns': {
        const filter = body as
          | {
              lastUpdatedAfter?: unknown;
              lastUpdatedBefore?: unknown;
              filters?: { operand: string; operator: string; values: string[] }[];
            }
          | undefined;
        if (!isIsoDate(filter?.lastUpdatedAfter) || !isIsoDate(filter?.lastUpdatedBefore)) {
          return {
            status: 400,
            body: armError(
              'BadRequest',
              'lastUpdatedAfter and lastUpdatedBefore are required ISO 8601 date-times.',
            ),
          };
        }
        const byName = filter?.filters?.find((f) => f.operand === 'PipelineName' && f.operator === 'Equals');
        const after = Date.parse(String(filter?.lastUpdatedAfter));
        const value = [...this.runs.values()]
          .filter(
            (r) => (!byName || byName.values.includes(r.pipelineName)) && Date.parse(r.lastUpdated) >= after,
          )
          .sort((a, b) => (a.runStart < b.runStart ? 1 : -1))
          .map(runJson);
        return { status: 200, body: { value } };
      }
    }
  }

  private advance(run: StandInRun): void {
    run.polls++;
    const now = new Date().toISOString();
    if (run.status === 'Canceling') {
      run.status = 'Cancelled';
      run.runEnd = now;
    } else if (run.status === 'Queued' || run.status === 'InProgress') {
      const pollsBeforeEnd = run.script.pollsBeforeEnd ?? 2;
      if (run.script.outcome === 'never' || run.polls <= pollsBeforeEnd) {
        run.status = run.polls <= 1 ? 'Queued' : 'InProgress';
      } else {
        run.status = run.script.outcome;
        run.runEnd = now;
      }
    }
    run.lastUpdated = now;
  }
}

function operationOf(method: string, path: string): AdfOperation | undefined {
  if (method === 'POST' && /^\/pipelines\/[^/]+\/createRun$/.test(path)) return 'createRun';
  if (method === 'GET' && /^\/pipelineruns\/[^/]+$/.test(path)) return 'getPipelineRun';
  if (method === 'POST' && /^\/pipelineruns\/[^/]+\/queryActivityruns$/.test(path))
    return 'queryActivityRuns';
  if (method === 'POST' && /^\/pipelineruns\/[^/]+\/cancel$/.test(path)) return 'cancelPipelineRun';
  if (method === 'POST' && path === '/queryPipelineRuns') return 'queryPipelineRuns';
  return undefined;
}

function runJson(run: StandInRun): Record<string, unknown> {
  const end = run.runEnd ? Date.parse(run.runEnd) : undefined;
  return {
    runId: run.runId,
    runGroupId: run.runId,
    isLatest: true,
    pipelineName: run.pipelineName,
    parameters: run.parameters,
    invokedBy: { name: 'Manual', id: randomUUID(), invokedByType: 'Manual' },
    runStart: run.runStart,
    runEnd: run.runEnd ?? null,
    durationInMs: end === undefined ? null : end - Date.parse(run.runStart),
    status: run.status,
    message:
      run.status === 'Failed'
        ? `Operation on target ${run.firstActivity} failed: ${run.script.activityError?.message ?? 'copy failed'}`
        : '',
    lastUpdated: run.lastUpdated,
    annotations: [],
    runDimension: {},
  };
}

function armError(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

function reply(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-ms-request-id': randomUUID(),
    ...headers,
  });
  res.end(text);
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

function isIsoDate(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
