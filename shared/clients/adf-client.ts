/**
 * Azure Data Factory pipeline runs over the ARM REST API (api-version 2018-06-01): create a run of a
 * named pipeline, read it, read its activity runs for the error on failure, cancel it, and find an
 * earlier run by a parameter value.
 *
 * createRun is not idempotent on the service side. With `dedupeParameter` (a parameter whose value is
 * unique per logical run, e.g. the orchestration instance id), the client first looks for a run of the
 * pipeline carrying that value and returns it instead of starting a second one; after an unknown
 * outcome (5xx, timeout) it looks again before repeating the request. The lookup reads runs updated in
 * the last `dedupeWindowMs` (default 7 days) and is as fresh as ADF's run index.
 */
import { requestJson, type JsonHttpOptions, type RetryPolicy } from './json-http.js';
import {
  ActivityRunsPage,
  CreateRunResponse,
  PipelineRunShape,
  PipelineRunsPage,
  describeArmError,
  parse,
  toActivity,
  toRun,
  type AdfActivityRun,
  type AdfPipelineRun,
  type AdfRunStatus,
} from './adf-responses.js';
import { RemoteServiceError } from './remote-service-error.js';
import { ARM_SCOPE, BearerTokenCache, type TokenProvider } from './token-provider.js';

export type { AdfActivityRun, AdfPipelineRun, AdfRunStatus } from './adf-responses.js';

export const ADF_API_VERSION = '2018-06-01';

export const ADF_TERMINAL_STATUSES: ReadonlySet<AdfRunStatus> = new Set(['Succeeded', 'Failed', 'Cancelled']);

export interface AdfFactory {
  subscriptionId: string;
  resourceGroup: string;
  factoryName: string;
  /** ARM endpoint; default https://management.azure.com (a stand-in's URL in tests). */
  endpoint?: string;
}

export interface AdfClientOptions {
  factory: AdfFactory;
  credential: TokenProvider;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type AdfParameterValue =
  string | number | boolean | null | readonly unknown[] | Record<string, unknown>;

export interface CreateRunOptions {
  /** Parameter whose value identifies the logical run; enables the lookup described above. */
  dedupeParameter?: string;
  dedupeWindowMs?: number;
}

export interface CreatedRun {
  runId: string;
  /** True when an existing run with the same dedupe value was returned. */
  reused: boolean;
}

export interface AdfFailure {
  /** One line for run ledgers and custom status. */
  message: string;
  failedActivities: AdfActivityRun[];
}

export class AdfClient {
  private readonly http: JsonHttpOptions;
  private readonly base: string;
  private readonly now: () => number;

  constructor(options: AdfClientOptions) {
    const f = options.factory;
    this.base =
      `${(f.endpoint ?? 'https://management.azure.com').replace(/\/+$/, '')}/subscriptions/${enc(f.subscriptionId)}` +
      `/resourceGroups/${enc(f.resourceGroup)}/providers/Microsoft.DataFactory/factories/${enc(f.factoryName)}`;
    this.now = options.now ?? Date.now;
    const tokens = new BearerTokenCache(options.credential, ARM_SCOPE, this.now);
    this.http = {
      service: 'adf',
      authorization: () => tokens.header(),
      invalidateAuthorization: () => tokens.invalidate(),
      describeError: describeArmError,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    };
  }

  async createRun(
    pipelineName: string,
    parameters: Record<string, AdfParameterValue>,
    options: CreateRunOptions = {},
  ): Promise<CreatedRun> {
    const dedupe = options.dedupeParameter;
    const raw = dedupe === undefined ? undefined : parameters[dedupe];
    const dedupeValue = typeof raw === 'string' && raw !== '' ? raw : undefined;
    if (dedupe !== undefined && dedupeValue === undefined) {
      throw new Error(
        `createRun ${pipelineName}: dedupe parameter ${dedupe} must be a non-empty string parameter`,
      );
    }
    const lookup = async () =>
      dedupe === undefined || dedupeValue === undefined
        ? undefined
        : this.findRunByParameter(
            pipelineName,
            dedupe,
            dedupeValue,
            options.dedupeWindowMs ?? 7 * 86_400_000,
          );
    const existing = await lookup();
    if (existing) return { runId: existing.runId, reused: true };
    for (let attempt = 1; ; attempt++) {
      try {
        const { body } = await requestJson(this.http, {
          method: 'POST',
          url: this.url(`/pipelines/${enc(pipelineName)}/createRun`),
          body: parameters,
          operation: 'createRun',
          idempotent: false,
        });
        return { runId: parse(CreateRunResponse, body, 'createRun').runId, reused: false };
      } catch (err) {
        if (
          !(err instanceof RemoteServiceError) ||
          !err.context.outcomeUnknown ||
          dedupe === undefined ||
          attempt >= 3
        )
          throw err;
        const found = await lookup();
        if (found) return { runId: found.runId, reused: true };
      }
    }
  }

  async getRun(runId: string): Promise<AdfPipelineRun> {
    const { body } = await requestJson(this.http, {
      method: 'GET',
      url: this.url(`/pipelineruns/${enc(runId)}`),
      operation: 'getPipelineRun',
      idempotent: true,
    });
    return toRun(parse(PipelineRunShape, body, 'getPipelineRun'));
  }

  /** Activity runs of a pipeline run (all pages), updated in [after, before]. */
  async queryActivityRuns(runId: string, window: { after: Date; before: Date }): Promise<AdfActivityRun[]> {
    const out: AdfActivityRun[] = [];
    let continuationToken: string | undefined;
    do {
      const { body } = await requestJson(this.http, {
        method: 'POST',
        url: this.url(`/pipelineruns/${enc(runId)}/queryActivityruns`),
        body: {
          lastUpdatedAfter: window.after.toISOString(),
          lastUpdatedBefore: window.before.toISOString(),
          ...(continuationToken ? { continuationToken } : {}),
        },
        operation: 'queryActivityRuns',
        idempotent: true,
      });
      const page = parse(ActivityRunsPage, body, 'queryActivityRuns');
      for (const a of page.value) out.push(toActivity(a));
      continuationToken = page.continuationToken ?? undefined;
    } while (continuationToken);
    return out;
  }

  /** The run's error message with each failed activity's error, for a run that ended Failed. */
  async describeFailure(run: AdfPipelineRun): Promise<AdfFailure> {
    const start = run.runStart ? Date.parse(run.runStart) : this.now() - 86_400_000;
    const activities = await this.queryActivityRuns(run.runId, {
      after: new Date(start - 60_000),
      before: new Date(this.now() + 60_000),
    });
    const failed = activities.filter((a) => a.status === 'Failed');
    const parts = failed.map(
      (a) =>
        `${a.activityName} (${a.activityType})${a.error?.errorCode ? ` ${a.error.errorCode}` : ''}: ${a.error?.message ?? 'failed'}`,
    );
    const message =
      parts.length > 0 ? parts.join('; ') : run.message || `pipeline run ${run.runId} ${run.status}`;
    return { message, failedActivities: failed };
  }

  /** Cancels the run (and, with `recursive`, the pipelines it started). Cancelling a finished run is a no-op. */
  async cancel(runId: string, options: { recursive?: boolean } = {}): Promise<void> {
    await requestJson(this.http, {
      method: 'POST',
      url: this.url(
        `/pipelineruns/${enc(runId)}/cancel`,
        options.recursive === false ? {} : { isRecursive: 'true' },
      ),
      operation: 'cancelPipelineRun',
      idempotent: true,
    });
  }

  /** The newest run of `pipelineName` whose parameter `name` equals `value`, updated within `windowMs`. */
  async findRunByParameter(
    pipelineName: string,
    name: string,
    value: string,
    windowMs: number,
  ): Promise<AdfPipelineRun | undefined> {
    let continuationToken: string | undefined;
    const matches: AdfPipelineRun[] = [];
    do {
      const { body } = await requestJson(this.http, {
        method: 'POST',
        url: this.url('/queryPipelineRuns'),
        body: {
          lastUpdatedAfter: new Date(this.now() - windowMs).toISOString(),
          lastUpdatedBefore: new Date(this.now() + 60_000).toISOString(),
          filters: [{ operand: 'PipelineName', operator: 'Equals', values: [pipelineName] }],
          orderBy: [{ orderBy: 'RunStart', order: 'DESC' }],
          ...(continuationToken ? { continuationToken } : {}),
        },
        operation: 'queryPipelineRuns',
        idempotent: true,
      });
      const page = parse(PipelineRunsPage, body, 'queryPipelineRuns');
      for (const r of page.value) if (r.parameters?.[name] === value) matches.push(toRun(r));
      continuationToken = page.continuationToken ?? undefined;
    } while (continuationToken && matches.length === 0);
    return matches[0];
  }

  private url(path: string, query: Record<string, string> = {}): string {
    const params = new URLSearchParams({ 'api-version': ADF_API_VERSION, ...query });
    return `${this.base}${path}?${params.toString()}`;
  }
}

export function isTerminal(status: AdfRunStatus): boolean {
  return ADF_TERMINAL_STATUSES.has(status);
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
