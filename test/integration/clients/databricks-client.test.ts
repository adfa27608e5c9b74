import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DatabricksClient,
  idempotencyTokenFor,
  type DatabricksRun,
} from '../../../shared/clients/databricks-client.js';
import { AZURE_DATABRICKS_SCOPE, type TokenProvider } from '../../../shared/clients/token-provider.js';
import { DatabricksStandIn } from '../../support/databricks-stand-in.js';

const PAT = 'dapi-test-token';
const ENTRA = 'entra-token-for-databricks';
const FAST = { initialDelayMs: 5, maxDelayMs: 20, requestTimeoutMs: 2000 };
const JOBS = {
  101: { outcome: 'SUCCESS' as const },
  102: {
    outcome: 'FAILED' as const,
    stateMessage:
      'Task silver_gold failed with message: AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] bronze.pos_events',
  },
  103: { outcome: 'never' as const },
  104: { outcome: 'INTERNAL_ERROR' as const, stateMessage: 'Cluster failed to start' },
};

async function pollToEnd(client: DatabricksClient, runId: number, maxPolls = 20): Promise<DatabricksRun[]> {
  const seen: DatabricksRun[] = [];
  for (let i = 0; i < maxPolls; i++) {
    const run = await client.getRun(runId);
    seen.push(run);
    if (run.terminal) return seen;
  }
  return seen;
}

describe('DatabricksClient against the Jobs API stand-in', () => {
  let db: DatabricksStandIn;
  let client: DatabricksClient;

  beforeEach(async () => {
    db = new DatabricksStandIn({ tokens: [PAT, ENTRA], jobs: JOBS });
    client = new DatabricksClient({ workspaceUrl: await db.start(), auth: { pat: PAT }, retry: FAST });
  });
  afterEach(() => db.stop());

  it('run-now with the same idempotency token returns the same run, even after a lost response', async () => {
    const token = idempotencyTokenFor('batch-pipeline:2026-11-25:nightly', 'transform');
    expect(token).toHaveLength(64);
    const first = await client.runNow({
      jobId: 101,
      jobParameters: { business_date: '2026-11-25' },
      idempotencyToken: token,
    });
    const again = await client.runNow({
      jobId: 101,
      jobParameters: { business_date: '2026-11-25' },
      idempotencyToken: token,
    });
    expect(again.runId).toBe(first.runId);

    const other = idempotencyTokenFor('batch-pipeline:2026-11-26:nightly', 'transform');
    db.fail({ operation: 'runNow', status: 503, afterProcessing: true });
    const lost = await client.runNow({ jobId: 101, idempotencyToken: other });
    expect(db.count('runNow')).toBe(4);
    expect(db.runs.size).toBe(2);
    expect(lost.runId).not.toBe(first.runId);
    expect(db.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/2.1/jobs/run-now',
      authorization: `Bearer ${PAT}`,
      body: { job_id: 101, job_parameters: { business_date: '2026-11-25' }, idempotency_token: token },
    });
  });

  it('run-now without a token is not repeated after a 5xx (the outcome is unknown)', async () => {
    db.fail({ operation: 'runNow', status: 500, afterProcessing: true });
    await expect(client.runNow({ jobId: 101 })).rejects.toMatchObject({
      kind: 'Unavailable',
      context: { outcomeUnknown: true },
    });
    expect(db.count('runNow')).toBe(1);
  });

  it('polls PENDING → RUNNING → TERMINATED/SUCCESS with the run page URL', async () => {
    const { runId } = await client.runNow({ jobId: 101, idempotencyToken: idempotencyTokenFor('i1') });
    const seen = await pollToEnd(client, runId);
    expect(seen.map((r) => [r.lifeCycleState, r.resultState ?? null])).toEqual([
      ['PENDING', null],
      ['RUNNING', null],
      ['TERMINATED', 'SUCCESS'],
    ]);
    expect(seen.at(-1)).toMatchObject({
      runId,
      jobId: 101,
      terminal: true,
      succeeded: true,
      runPageUrl: `${db.url}/?o=1234567890123456#job/101/run/${runId}`,
    });
    expect(db.requests.find((q) => q.path === '/api/2.1/jobs/runs/get')?.query).toEqual({
      run_id: String(runId),
    });
  });

  it('a FAILED run ends terminal, not succeeded, with its state message', async () => {
    const { runId } = await client.runNow({ jobId: 102, idempotencyToken: idempotencyTokenFor('i2') });
    expect((await pollToEnd(client, runId)).at(-1)).toMatchObject({
      lifeCycleState: 'TERMINATED',
      resultState: 'FAILED',
      terminal: true,
      succeeded: false,
      stateMessage: JOBS[102].stateMessage,
    });
  });

  it('INTERNAL_ERROR is terminal without a result state', async () => {
    const { runId } = await client.runNow({ jobId: 104 });
    expect((await pollToEnd(client, runId)).at(-1)).toMatchObject({
      lifeCycleState: 'INTERNAL_ERROR',
      terminal: true,
      succeeded: false,
      stateMessage: 'Cluster failed to start',
    });
  });

  it('cancels a run that never finishes: TERMINATING → TERMINATED/CANCELED', async () => {
    const { runId } = await client.runNow({ jobId: 103 });
    expect((await pollToEnd(client, runId, 4)).every((r) => !r.terminal)).toBe(true);
    await client.cancelRun(runId);
    expect(db.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/2.1/jobs/runs/cancel',
      body: { run_id: runId },
    });
    const after = await client.getRun(runId);
    expect(after).toMatchObject({
      lifeCycleState: 'TERMINATED',
      resultState: 'CANCELED',
      userCancelledOrTimedout: true,
      terminal: true,
      succeeded: false,
    });
    await client.cancelRun(runId); // cancelling a finished run is harmless
  });

  it('honours 429 Retry-After and retries 5xx on runs/get', async () => {
    const { runId } = await client.runNow({ jobId: 101 });
    db.fail({
      operation: 'getRun',
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'Too many requests' },
    });
    db.fail({ operation: 'getRun', status: 502 });
    const started = Date.now();
    expect((await client.getRun(runId)).lifeCycleState).toBe('PENDING');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(db.count('getRun')).toBe(3);
  });

  it('times out a hanging request and retries it', async () => {
    const patient = new DatabricksClient({
      workspaceUrl: db.url,
      auth: { pat: PAT },
      retry: { ...FAST, requestTimeoutMs: 200, maxAttempts: 2 },
    });
    const { runId } = await patient.runNow({ jobId: 101 });
    db.fail({ operation: 'getRun', delayMs: 600 });
    expect((await patient.getRun(runId)).runId).toBe(runId);
    db.fail({ operation: 'getRun', delayMs: 600 }, 2);
    await expect(patient.getRun(runId)).rejects.toMatchObject({ kind: 'Timeout' });
  });

  it('uses an Entra token for the Azure Databricks resource, and maps API errors', async () => {
    const scopes: (string | string[])[] = [];
    const credential: TokenProvider = {
      getToken: (scope) => {
        scopes.push(scope);
        return Promise.resolve({ token: ENTRA, expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    };
    const entra = new DatabricksClient({ workspaceUrl: db.url, auth: { credential }, retry: FAST });
    const { runId } = await entra.runNow({ jobId: 101 });
    await entra.getRun(runId);
    expect(scopes).toEqual([AZURE_DATABRICKS_SCOPE]);
    expect(db.requests.at(-1)?.authorization).toBe(`Bearer ${ENTRA}`);

    await expect(entra.runNow({ jobId: 999 })).rejects.toMatchObject({
      kind: 'Rejected',
      context: { status: 400, code: 'INVALID_PARAMETER_VALUE' },
    });
    const bad = new DatabricksClient({ workspaceUrl: db.url, auth: { pat: 'revoked' }, retry: FAST });
    await expect(bad.getRun(runId)).rejects.toMatchObject({
      kind: 'Unauthorized',
      context: { code: 'UNAUTHENTICATED' },
    });
  });
});
