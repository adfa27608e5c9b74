/**
 * A local stand-in for the Data Factory management API (api-version 2018-06-01), enough for the
 * pipeline-run calls the ADF client makes. It checks what Azure checks (path shape, method,
 * api-version, bearer token, body shape, pipeline parameters against the pipeline definition in
 * infra/adf) and answers with the documented shapes. Runs move Queued → InProgress → terminal as
 * they are polled; faults can be queued per operation.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bearerToken, HttpStandIn, matchRoute } from './http-stand-in.js';
import type { Answer, Incoming, Routes, StandInFault } from './http-stand-in.js';

export type { RecordedRequest } from './http-stand-in.js';

export type AdfOperation =
  'createRun' | 'getPipelineRun' | 'queryActivityRuns' | 'cancelPipelineRun' | 'queryPipelineRuns';

export type AdfFault = StandInFault<AdfOperation>;

export interface RunScript {
  /** How the run ends; 'never' keeps it InProgress. */
  outcome: 'Succeeded' | 'Failed' | 'never';
  /** GETs answered before the terminal status (default 2: Queued, InProgress). */
  pollsBeforeEnd?: number;
  activityError?: { errorCode: string; message: string; failureType?: string };
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

export class AdfStandIn extends HttpStandIn<AdfOperation> {
  readonly runs = new Map<string, StandInRun>();
  private readonly scripts: RunScript[] = [];
  private readonly pipelines = new Map<string, PipelineDefinition>();

  constructor(private readonly options: AdfStandInOptions) {
    super({
      contentType: 'application/json; charset=utf-8',
      requestIdHeader: 'x-ms-request-id',
      malformed: refuse(
        400,
        'InvalidRequestContent',
        'The request content was invalid and could not be deserialized.',
      ),
      faultBody: armError('InternalServerError', 'injected fault'),
    });
    const files = options.pipelineFiles ?? [
      new URL('../../infra/adf/batch-load.pipeline.json', import.meta.url).pathname,
    ];
    for (const file of files) {
      const def = JSON.parse(readFileSync(file, 'utf8')) as PipelineDefinition;
      this.pipelines.set(def.name, def);
    }
  }

  /** Script for the next created run (default: Succeeded after two polls). */
  nextRun(script: RunScript): void {
    this.scripts.push(script);
  }

  private get prefix(): string {
    const o = this.options;
    return `/subscriptions/${o.subscriptionId}/resourceGroups/${o.resourceGroup}/providers/Microsoft.DataFactory/factories/${o.factoryName}`;
  }

  protected operationOf(method: string, path: string): AdfOperation | undefined {
    return matchRoute(ROUTES, method, path.slice(this.prefix.length));
  }

  protected admit(request: Incoming): AdfOperation | Answer {
    const { method, url, body } = request;
    if (!url.pathname.startsWith(this.prefix))
      return refuse(404, 'ResourceNotFound', `The Resource under ${url.pathname} was not found.`);
    const operation = this.operationOf(method, url.pathname);
    if (!operation) return refuse(404, 'NotFound', `no route for ${method} ${url.pathname}`);
    if (bearerToken(request) !== this.options.token) {
      return refuse(
        401,
        'AuthenticationFailed',
        'Authentication failed. The Authorization header is missing or invalid.',
      );
    }
    const apiVersion = url.searchParams.get('api-version');
    if (apiVersion !== '2018-06-01')
      return refuse(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion ?? ''}' is invalid.`);
    const json = String(request.headers['content-type']).startsWith('application/json');
    if (method === 'POST' && body !== undefined && !json)
      return refuse(415, 'UnsupportedMediaType', 'expected application/json');
    return operation;
  }

  protected route(operation: AdfOperation, { url, body }: Incoming): Answer {
    const path = url.pathname.slice(this.prefix.length);
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const now = new Date().toISOString();
    switch (operation) {
      case 'createRun': {
        const name = segments[1] ?? '';
        const pipeline = this.pipelines.get(name);
        if (!pipeline) return refuse(404, 'PipelineNotFound', `Pipeline ${name} not found in factory.`);
        if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body)))
          return refuse(400, 'BadRequest', 'The request body must be an object of parameter values.');
        const given = (body ?? {}) as Record<string, unknown>;
        const declared = pipeline.properties.parameters ?? {};
        for (const key of Object.keys(given)) {
          if (!(key in declared))
            return refuse(400, 'BadRequest', `The parameter '${key}' is not defined in pipeline '${name}'.`);
        }
        const parameters: Record<string, string> = {};
        for (const [key, def] of Object.entries(declared)) {
          const value = given[key] ?? def.defaultValue;
          if (value === undefined)
            return refuse(400, 'BadRequest', `Missing value for required parameter '${key}'.`);
          if (def.type === 'string' && typeof value !== 'string')
            return refuse(400, 'BadRequest', `Parameter '${key}' must be a string.`);
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
        if (!run) return refuse(404, 'PipelineRunNotFound', `Pipeline run ${segments[1] ?? ''} not found.`);
        this.advance(run);
        return { status: 200, body: runJson(run) };
      }
      case 'queryActivityRuns': {
        const run = this.runs.get(segments[1] ?? '');
        if (!run) return refuse(404, 'PipelineRunNotFound', 'Pipeline run not found.');
        const badWindow = windowError(body as UpdateWindow | undefined);
        if (badWindow) return badWindow;
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
        if (!run) return refuse(404, 'PipelineRunNotFound', 'Pipeline run not found.');
        if (run.status === 'Queued' || run.status === 'InProgress') {
          run.status = 'Canceling';
          run.lastUpdated = now;
        }
        return { status: 200, body: undefined };
      }
      case 'queryPipelineRuns': {
        const filter = body as
          | (UpdateWindow & { filters?: { operand: string; operator: string; values: string[] }[] })
          | undefined;
        const badWindow = windowError(filter);
        if (badWindow) return badWindow;
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

const ROUTES: Routes<AdfOperation> = [
  ['POST', /^\/pipelines\/[^/]+\/createRun$/, 'createRun'],
  ['GET', /^\/pipelineruns\/[^/]+$/, 'getPipelineRun'],
  ['POST', /^\/pipelineruns\/[^/]+\/queryActivityruns$/, 'queryActivityRuns'],
  ['POST', /^\/pipelineruns\/[^/]+\/cancel$/, 'cancelPipelineRun'],
  ['POST', /^\/queryPipelineRuns$/, 'queryPipelineRuns'],
];

/** The time window ADF's run queries require. */
interface UpdateWindow {
  lastUpdatedAfter?: unknown;
  lastUpdatedBefore?: unknown;
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

function refuse(status: number, code: string, message: string): Answer {
  return { status, body: armError(code, message) };
}

function windowError(filter: UpdateWindow | undefined): Answer | undefined {
  if (isIsoDate(filter?.lastUpdatedAfter) && isIsoDate(filter?.lastUpdatedBefore)) return undefined;
  return refuse(
    400,
    'BadRequest',
    'lastUpdatedAfter and lastUpdatedBefore are required ISO 8601 date-times.',
  );
}

function isIsoDate(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
}
