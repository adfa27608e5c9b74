/**
 * A local stand-in for the Databricks Jobs API 2.1 (run-now, runs/get, runs/cancel). It checks the
 * bearer token (a PAT or an Entra token), paths, methods and bodies (job exists, job_parameters a map
 * of strings, idempotency_token at most 64 characters) and honours idempotency tokens: a repeated
 * token returns the run it started. Runs go PENDING → RUNNING → TERMINATED as they are polled, per
 * job script; faults can be queued per operation.
 */
import { bearerToken, HttpStandIn, matchRoute } from './http-stand-in.js';
import type { Answer, Incoming, Routes, StandInFault } from './http-stand-in.js';

export type DatabricksOperation = 'runNow' | 'getRun' | 'cancelRun';

export type DatabricksFault = StandInFault<DatabricksOperation>;

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

export class DatabricksStandIn extends HttpStandIn<DatabricksOperation> {
  readonly runs = new Map<number, StandInRun>();
  private nextRunId = 1_084_349_472_736_400;

  constructor(private readonly options: DatabricksStandInOptions) {
    super({
      contentType: 'application/json',
      requestIdHeader: 'x-request-id',
      malformed: refuse(400, 'MALFORMED_REQUEST', 'Could not parse request object.'),
      faultBody: dbError('TEMPORARILY_UNAVAILABLE', 'injected fault'),
    });
  }

  protected operationOf(method: string, path: string): DatabricksOperation | undefined {
    return matchRoute(ROUTES, method, path);
  }

  protected admit(request: Incoming): DatabricksOperation | Answer {
    const { method, url } = request;
    const operation = this.operationOf(method, url.pathname);
    if (!operation) return refuse(404, 'ENDPOINT_NOT_FOUND', `No API found for '${method} ${url.pathname}'`);
    const token = bearerToken(request);
    if (token === undefined || !this.options.tokens.includes(token))
      return refuse(401, 'UNAUTHENTICATED', 'Invalid access token.');
    return operation;
  }

  protected route(operation: DatabricksOperation, { url, body }: Incoming): Answer {
    const b = (body ?? {}) as Record<string, unknown>;
    switch (operation) {
      case 'runNow': {
        const jobId = b['job_id'];
        if (typeof jobId !== 'number' || !Number.isInteger(jobId))
          return refuse(400, 'INVALID_PARAMETER_VALUE', 'job_id is required and must be an integer');
        const script = this.options.jobs[jobId];
        if (!script) return refuse(400, 'INVALID_PARAMETER_VALUE', `Job ${jobId} does not exist.`);
        const params = b['job_parameters'] ?? {};
        if (
          typeof params !== 'object' ||
          params === null ||
          Array.isArray(params) ||
          Object.values(params).some((v) => typeof v !== 'string')
        ) {
          return refuse(400, 'INVALID_PARAMETER_VALUE', 'job_parameters must be a map of string to string');
        }
        const token = b['idempotency_token'];
        if (token !== undefined && (typeof token !== 'string' || token.length > 64)) {
          return refuse(
            400,
            'INVALID_PARAMETER_VALUE',
            'idempotency_token must be a string of at most 64 characters',
          );
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
          return refuse(400, 'INVALID_PARAMETER_VALUE', 'run_id is required');
        const run = this.runs.get(Number(raw));
        if (!run) return refuse(400, 'INVALID_PARAMETER_VALUE', `Run ${raw} does not exist.`);
        this.advance(run);
        return { status: 200, body: this.runJson(run) };
      }
      case 'cancelRun': {
        const runId = b['run_id'];
        if (typeof runId !== 'number') return refuse(400, 'INVALID_PARAMETER_VALUE', 'run_id is required');
        const run = this.runs.get(runId);
        if (!run) return refuse(400, 'INVALID_PARAMETER_VALUE', `Run ${runId} does not exist.`);
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

const ROUTES: Routes<DatabricksOperation> = [
  ['POST', /^\/api\/2\.[12]\/jobs\/run-now$/, 'runNow'],
  ['GET', /^\/api\/2\.[12]\/jobs\/runs\/get$/, 'getRun'],
  ['POST', /^\/api\/2\.[12]\/jobs\/runs\/cancel$/, 'cancelRun'],
];

function dbError(code: string, message: string): { error_code: string; message: string } {
  return { error_code: code, message };
}

function refuse(status: number, code: string, message: string): Answer {
  return { status, body: dbError(code, message) };
}
