import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchLoadRunRequest, BATCH_LOAD_PIPELINE } from '../../../shared/batch-load/adf-contract.js';
import { AdfClient, isTerminal, type AdfPipelineRun } from '../../../shared/clients/adf-client.js';
import { RemoteServiceError } from '../../../shared/clients/remote-service-error.js';
import { ARM_SCOPE, type TokenProvider } from '../../../shared/clients/token-provider.js';
import type { TokenCredential } from '../../../shared/storage/azure-blob-store.js';
import { AdfStandIn } from '../../support/adf-stand-in.js';

const FACTORY = {
  subscriptionId: '00000000-0000-0000-0000-000000000001',
  resourceGroup: 'rg-pos',
  factoryName: 'adf-pos-lakehouse',
};
const TOKEN = 'arm-token-1';

function credential(token = TOKEN): TokenProvider & { scopes: (string | string[])[] } {
  const scopes: (string | string[])[] = [];
  return {
    scopes,
    getToken: (scope) => {
      scopes.push(scope);
      return Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 });
    },
  };
}

const FAST = { initialDelayMs: 5, maxDelayMs: 20, requestTimeoutMs: 2000 };
const request = (runKey = 'batch-pipeline:2026-11-25:nightly') =>
  batchLoadRunRequest({ businessDate: '2026-11-25', source: 'pos-backoffice', runKey });

async function pollToEnd(client: AdfClient, runId: string, maxPolls = 20): Promise<AdfPipelineRun[]> {
  const seen: AdfPipelineRun[] = [];
  for (let i = 0; i < maxPolls; i++) {
    const run = await client.getRun(runId);
    seen.push(run);
    if (isTerminal(run.status)) return seen;
  }
  return seen;
}

describe('AdfClient against the ADF stand-in', () => {
  let adf: AdfStandIn;
  let cred: ReturnType<typeof credential>;
  let client: AdfClient;

  beforeEach(async () => {
    adf = new AdfStandIn({ ...FACTORY, token: TOKEN });
    const endpoint = await adf.start();
    cred = credential();
    client = new AdfClient({ factory: { ...FACTORY, endpoint }, credential: cred, retry: FAST });
  });
  afterEach(() => adf.stop());

  it('creates a run with the contract parameters and polls it Queued → InProgress → Succeeded', async () => {
    const r = request();
    const created = await client.createRun(r.pipelineName, r.parameters, {
      dedupeParameter: r.dedupeParameter,
    });
    expect(created.reused).toBe(false);
    const statuses = (await pollToEnd(client, created.runId)).map((run) => run.status);
    expect(statuses).toEqual(['Queued', 'InProgress', 'Succeeded']);

    const createCall = adf.requests.find((q) => q.path.endsWith('/createRun'));
    expect(createCall).toMatchObject({
      method: 'POST',
      path: `/subscriptions/${FACTORY.subscriptionId}/resourceGroups/rg-pos/providers/Microsoft.DataFactory/factories/adf-pos-lakehouse/pipelines/${BATCH_LOAD_PIPELINE}/createRun`,
      query: { 'api-version': '2018-06-01' },
      authorization: `Bearer ${TOKEN}`,
      body: {
        businessDate: '2026-11-25',
        source: 'pos-backoffice',
        runKey: 'batch-pipeline:2026-11-25:nightly',
      },
    });
    expect(adf.runs.get(created.runId)?.parameters).toEqual(r.parameters);
    // One token for the whole conversation, for the ARM scope.
    expect(cred.scopes).toEqual([ARM_SCOPE]);
  });

  it('a second start with the same run key finds the existing run instead of creating another', async () => {
    const r = request();
    const first = await client.createRun(r.pipelineName, r.parameters, {
      dedupeParameter: r.dedupeParameter,
    });
    const second = await client.createRun(r.pipelineName, r.parameters, {
      dedupeParameter: r.dedupeParameter,
    });
    expect(second).toEqual({ runId: first.runId, reused: true });
    const other = await client.createRun(r.pipelineName, request('another-key').parameters, {
      dedupeParameter: r.dedupeParameter,
    });
    expect(other.reused).toBe(false);
    expect(adf.runs.size).toBe(2);
  });

  it('honours 429 Retry-After before repeating createRun', async () => {
    adf.fail({
      operation: 'createRun',
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'TooManyRequests', message: 'Rate limit exceeded' } },
    });
    const started = Date.now();
    const r = request();
    const created = await client.createRun(r.pipelineName, r.parameters);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(adf.count('createRun')).toBe(2);
    expect([...adf.runs.keys()]).toEqual([created.runId]);
  });

  it('surfaces a Retry-After longer than the client may sleep as Throttled, without waiting', async () => {
    const impatient = new AdfClient({
      factory: { ...FACTORY, endpoint: adf.url },
      credential: cred,
      retry: { ...FAST, maxRetryAfterMs: 1000 },
    });
    adf.fail({ operation: 'getPipelineRun', status: 429, headers: { 'retry-after': '120' } });
    const started = Date.now();
    const err = await impatient.getRun('any').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(900);
    expect(err).toBeInstanceOf(RemoteServiceError);
    expect(err).toMatchObject({
      kind: 'Throttled',
      retryable: true,
      context: { retryAfterMs: 120_000, status: 429 },
    });
  });

  it('retries 5xx on reads with backoff and gives up with Unavailable after the budget', async () => {
    const r = request();
    const { runId } = await client.createRun(r.pipelineName, r.parameters);
    adf.fail({ operation: 'getPipelineRun', status: 503 }, 2);
    expect((await client.getRun(runId)).status).toBe('Queued');
    expect(adf.count('getPipelineRun')).toBe(3);

    adf.fail(
      {
        operation: 'getPipelineRun',
        status: 500,
        body: { error: { code: 'InternalServerError', message: 'boom' } },
      },
      5,
    );
    const err = await client.getRun(runId).catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'Unavailable',
      context: { status: 500, code: 'InternalServerError', attempts: 5 },
    });
    expect((err as Error).message).toContain('boom');
  });

  it('never repeats createRun blindly after a 5xx: without a dedupe key the outcome is reported unknown', async () => {
    adf.fail({ operation: 'createRun', status: 500, afterProcessing: true });
    const r = request();
    const err = await client.createRun(r.pipelineName, r.parameters).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'Unavailable', context: { outcomeUnknown: true } });
    expect(adf.count('createRun')).toBe(1);
    expect(adf.runs.size).toBe(1);
  });

  it('after a lost createRun response, finds the run by its key instead of starting a second one', async () => {
    adf.fail({ operation: 'createRun', status: 502, afterProcessing: true });
    const r = request();
    const created = await client.createRun(r.pipelineName, r.parameters, {
      dedupeParameter: r.dedupeParameter,
    });
    expect(created.reused).toBe(true);
    expect(adf.runs.size).toBe(1);
    expect([...adf.runs.keys()]).toEqual([created.runId]);
  });

  it('retries a read that timed out', async () => {
    const r = request();
    const { runId } = await client.createRun(r.pipelineName, r.parameters);
    const patient = new AdfClient({
      factory: { ...FACTORY, endpoint: adf.url },
      credential: cred,
      retry: { ...FAST, requestTimeoutMs: 200, maxAttempts: 2 },
    });
    adf.fail({ operation: 'getPipelineRun', delayMs: 600 });
    expect((await patient.getRun(runId)).runId).toBe(runId);
    adf.fail({ operation: 'getPipelineRun', delayMs: 600 }, 2);
    await expect(patient.getRun(runId)).rejects.toMatchObject({ kind: 'Timeout', retryable: true });
  });

  it('a failed run: the activity error is surfaced', async () => {
    adf.nextRun({
      outcome: 'Failed',
      activityError: {
        errorCode: '2200',
        message:
          "ErrorCode=UserErrorSourceBlobNotExist,'The required Blob is missing: landing/pos-backoffice'",
        failureType: 'UserError',
      },
    });
    const r = request();
    const { runId } = await client.createRun(r.pipelineName, r.parameters);
    const last = (await pollToEnd(client, runId)).at(-1);
    expect(last?.status).toBe('Failed');
    const failure = await client.describeFailure(last as AdfPipelineRun);
    expect(failure.message).toBe(
      "CopyLandingToRaw (Copy) 2200: ErrorCode=UserErrorSourceBlobNotExist,'The required Blob is missing: landing/pos-backoffice'",
    );
    expect(failure.failedActivities).toHaveLength(1);
    const query = adf.requests.find((q) => q.path.endsWith('/queryActivityruns'));
    expect(query?.body).toMatchObject({
      lastUpdatedAfter: expect.stringMatching(/Z$/) as string,
      lastUpdatedBefore: expect.stringMatching(/Z$/) as string,
    });
  });

  it('cancels a run that never finishes', async () => {
    adf.nextRun({ outcome: 'never' });
    const r = request();
    const { runId } = await client.createRun(r.pipelineName, r.parameters);
    expect((await pollToEnd(client, runId, 5)).map((x) => x.status)).toEqual([
      'Queued',
      'InProgress',
      'InProgress',
      'InProgress',
      'InProgress',
    ]);
    await client.cancel(runId);
    expect(adf.requests.at(-1)).toMatchObject({
      method: 'POST',
      query: { 'api-version': '2018-06-01', isRecursive: 'true' },
    });
    expect((await client.getRun(runId)).status).toBe('Cancelled');
  });

  it('maps contract drift and bad credentials to typed, non-retryable errors', async () => {
    await expect(
      client.createRun(BATCH_LOAD_PIPELINE, { businessDate: '2026-11-25', sourceSystem: 'x' }),
    ).rejects.toMatchObject({
      kind: 'Rejected',
      retryable: false,
      context: { status: 400, code: 'BadRequest' },
    });
    await expect(client.createRun('no-such-pipeline', {})).rejects.toMatchObject({
      kind: 'NotFound',
      context: { code: 'PipelineNotFound' },
    });
    const wrong = new AdfClient({
      factory: { ...FACTORY, endpoint: adf.url },
      credential: credential('stale'),
      retry: FAST,
    });
    await expect(wrong.getRun('x')).rejects.toMatchObject({
      kind: 'Unauthorized',
      context: { status: 401, code: 'AuthenticationFailed' },
    });
  });

  it('accepts an @azure/identity-style TokenCredential as its token provider', () => {
    const fromAzure = (c: TokenCredential): TokenProvider => c;
    expect(typeof fromAzure).toBe('function');
  });
});
