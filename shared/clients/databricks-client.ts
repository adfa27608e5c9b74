/**
 * Databricks Jobs API 2.1: run-now (job parameters + idempotency token), runs/get, runs/cancel.
 *
 * With an idempotency token, run-now is safe to repeat: Databricks launches at most one run per token
 * and answers a repeat with the same run id, so the client retries it like a GET. Without a token it
 * is repeated only when it certainly did not run (see json-http.ts).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { requestJson, type JsonHttpOptions, type RetryPolicy } from './json-http.js';
import { parseResponse } from './remote-service-error.js';
import { AZURE_DATABRICKS_SCOPE, BearerTokenCache, type TokenProvider } from './token-provider.js';

export type LifeCycleState =
  | 'QUEUED'
  | 'PENDING'
  | 'RUNNING'
  | 'TERMINATING'
  | 'TERMINATED'
  | 'SKIPPED'
  | 'INTERNAL_ERROR'
  | 'BLOCKED'
  | 'WAITING_FOR_RETRY';
/** Terminal life cycle states: the run will not change any more. */
export const TERMINAL_LIFE_CYCLE_STATES: ReadonlySet<string> = new Set([
  'TERMINATED',
  'SKIPPED',
  'INTERNAL_ERROR',
]);

export type DatabricksAuth =
  /** A personal access token (e.g. from Key Vault). */
  | { pat: string }
  /** Entra ID token for the Azure Databricks resource (managed identity, service principal). */
  | { credential: TokenProvider };

export interface DatabricksClientOptions {
  /** e.g. https://adb-1234567890123456.7.azuredatabricks.net */
  workspaceUrl: string;
  auth: DatabricksAuth;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface RunNowRequest {
  jobId: number;
  jobParameters?: Record<string, string>;
  /** At most 64 characters; see `idempotencyTokenFor`. */
  idempotencyToken?: string;
}

export interface DatabricksRun {
  runId: number;
  jobId?: number;
  lifeCycleState: string;
  /** Set once the run is TERMINATED (SUCCESS, FAILED, TIMEDOUT, CANCELED, …). */
  resultState?: string;
  stateMessage: string;
  runPageUrl?: string;
  userCancelledOrTimedout?: boolean;
  startTime?: number;
  endTime?: number;
  /** Jobs API 2.2 `status.termination_details`, when present. */
  termination?: { code?: string; type?: string; message?: string };
  /** The life cycle state is terminal. */
  terminal: boolean;
  /** Terminal with result_state SUCCESS (SUCCESS_WITH_FAILURES is not success). */
  succeeded: boolean;
}

/** A deterministic token (64 hex chars) for `run-now`, from e.g. an orchestration instance id and step. */
export function idempotencyTokenFor(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

export class DatabricksClient {
  private readonly http: JsonHttpOptions;
  private readonly base: string;

  constructor(options: DatabricksClientOptions) {
    this.base = options.workspaceUrl.replace(/\/+$/, '');
    const auth = options.auth;
    const tokens =
      'credential' in auth ? new BearerTokenCache(auth.credential, AZURE_DATABRICKS_SCOPE) : undefined;
    this.http = {
      service: 'databricks',
      authorization: tokens
        ? () => tokens.header()
        : () => Promise.resolve(`Bearer ${'pat' in auth ? auth.pat : ''}`),
      ...(tokens ? { invalidateAuthorization: () => tokens.invalidate() } : {}),
      describeError: describeDatabricksError,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    };
  }

  async runNow(request: RunNowRequest): Promise<{ runId: number; numberInJob?: number }> {
    if (
      request.idempotencyToken !== undefined &&
      (request.idempotencyToken.length === 0 || request.idempotencyToken.length > 64)
    ) {
      throw new Error('idempotency_token must have 1 to 64 characters');
    }
    const { body } = await requestJson(this.http, {
      method: 'POST',
      url: `${this.base}/api/2.1/jobs/run-now`,
      body: {
        job_id: request.jobId,
        ...(request.jobParameters ? { job_parameters: request.jobParameters } : {}),
        ...(request.idempotencyToken ? { idempotency_token: request.idempotencyToken } : {}),
      },
      operation: 'runNow',
      idempotent: request.idempotencyToken !== undefined,
    });
    const parsed = parse(RunNowResponse, body, 'runNow');
    return {
      runId: parsed.run_id,
      ...(parsed.number_in_job === undefined ? {} : { numberInJob: parsed.number_in_job }),
    };
  }

  async getRun(runId: number): Promise<DatabricksRun> {
    const { body } = await requestJson(this.http, {
      method: 'GET',
      url: `${this.base}/api/2.1/jobs/runs/get?${new URLSearchParams({ run_id: String(runId) }).toString()}`,
      operation: 'getRun',
      idempotent: true,
    });
    const r = parse(RunShape, body, 'getRun');
    const lifeCycleState = r.state.life_cycle_state;
    const terminal = TERMINAL_LIFE_CYCLE_STATES.has(lifeCycleState);
    const details = r.status?.termination_details;
    return {
      runId: r.run_id,
      ...(r.job_id === undefined ? {} : { jobId: r.job_id }),
      lifeCycleState,
      ...(r.state.result_state ? { resultState: r.state.result_state } : {}),
      stateMessage: r.state.state_message ?? '',
      ...(r.run_page_url ? { runPageUrl: r.run_page_url } : {}),
      ...(r.state.user_cancelled_or_timedout === undefined
        ? {}
        : { userCancelledOrTimedout: r.state.user_cancelled_or_timedout }),
      ...(r.start_time ? { startTime: r.start_time } : {}),
      ...(r.end_time ? { endTime: r.end_time } : {}),
      ...(details
        ? {
            termination: {
              ...(details.code ? { code: details.code } : {}),
              ...(details.type ? { type: details.type } : {}),
              ...(details.message ? { message: details.message } : {}),
            },
          }
        : {}),
      terminal,
      succeeded: terminal && r.state.result_state === 'SUCCESS',
    };
  }

  /** Requests cancellation; the run goes through TERMINATING to TERMINATED/CANCELED. Idempotent. */
  async cancelRun(runId: number): Promise<void> {
    await requestJson(this.http, {
      method: 'POST',
      url: `${this.base}/api/2.1/jobs/runs/cancel`,
      body: { run_id: runId },
      operation: 'cancelRun',
      idempotent: true,
    });
  }
}

const safeId = z.number().int().nonnegative().refine(Number.isSafeInteger, 'id beyond 2^53');

const RunNowResponse = z.object({ run_id: safeId, number_in_job: z.number().int().optional() });

const RunShape = z.object({
  run_id: safeId,
  job_id: safeId.optional(),
  run_page_url: z.string().optional(),
  start_time: z.number().optional(),
  end_time: z.number().optional(),
  state: z.object({
    life_cycle_state: z.string().min(1),
    result_state: z.string().optional(),
    state_message: z.string().optional(),
    user_cancelled_or_timedout: z.boolean().optional(),
  }),
  status: z
    .object({
      termination_details: z
        .object({ code: z.string().optional(), type: z.string().optional(), message: z.string().optional() })
        .optional(),
    })
    .optional(),
});

/** Databricks error bodies: `{ "error_code": "INVALID_PARAMETER_VALUE", "message": "…" }`. */
function describeDatabricksError(body: unknown): { code?: string; message?: string } {
  const parsed = z
    .object({ error_code: z.string().optional(), message: z.string().optional() })
    .safeParse(body);
  if (parsed.success && (parsed.data.error_code || parsed.data.message)) {
    return {
      ...(parsed.data.error_code ? { code: parsed.data.error_code } : {}),
      ...(parsed.data.message ? { message: parsed.data.message } : {}),
    };
  }
  return typeof body === 'string' && body ? { message: body.slice(0, 300) } : {};
}

function parse<T>(schema: z.ZodType<T>, body: unknown, operation: string): T {
  return parseResponse('databricks', schema, body, operation);
}
