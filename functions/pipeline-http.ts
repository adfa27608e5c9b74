/**
 * Pipeline HTTP API (function auth): start a run, read one run, list recent runs, cancel a run.
 *   POST /api/pipeline/runs            {"date":"YYYY-MM-DD","kind":"manual|nightly"}  → 202 started | 200 existing
 *   GET  /api/pipeline/runs/{id}       → status, current step, per-step results
 *   GET  /api/pipeline/runs?limit=N    → newest first
 *   POST /api/pipeline/runs/{id}/cancel
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { BATCH_PIPELINE } from '../orchestrations/names.js';
import { loadSettings } from '../shared/config/config.js';
import { defaultBusinessDate, parseBusinessDate, startPipelineRun } from '../shared/pipeline/start-run.js';

const json = (status: number, body: unknown): HttpResponseInit => ({ status, jsonBody: body });

export async function startRunHandler(
  request: HttpRequest,
  client: df.DurableClient,
): Promise<HttpResponseInit> {
  let body: { date?: unknown; kind?: unknown } = {};
  const text = await request.text();
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return json(400, { error: 'body must be JSON: {"date":"YYYY-MM-DD","kind":"manual|nightly"}' });
    }
  }
  const settings = loadSettings();
  const date =
    body.date === undefined
      ? defaultBusinessDate(Date.now())
      : typeof body.date === 'string'
        ? parseBusinessDate(body.date)
        : undefined;
  if (date === undefined)
    return json(400, { error: `invalid date ${JSON.stringify(body.date)}; expected YYYY-MM-DD` });
  const kind = body.kind === undefined ? 'manual' : body.kind;
  if (kind !== 'manual' && kind !== 'nightly') return json(400, { error: 'kind must be manual or nightly' });
  const outcome = await startPipelineRun(client, {
    businessDate: date,
    kind: kind,
    engines: { load: settings.PIPELINE_LOAD_ENGINE, transform: settings.PIPELINE_TRANSFORM_ENGINE },
    trigger: 'http',
  });
  if (outcome.kind === 'existing') {
    return json(200, {
      instanceId: outcome.instanceId,
      existing: true,
      runtimeStatus: outcome.runtimeStatus,
      statusUri: `/api/pipeline/runs/${outcome.instanceId}`,
    });
  }
  const statusUri = `/api/pipeline/runs/${outcome.instanceId}`;
  return {
    status: 202,
    headers: { location: statusUri },
    jsonBody: {
      instanceId: outcome.instanceId,
      restarted: outcome.restarted,
      statusUri,
      management: client.createHttpManagementPayload(outcome.instanceId),
    },
  };
}

export async function getRunHandler(
  request: HttpRequest,
  client: df.DurableClient,
): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const status = await client.getStatus(id).catch(() => undefined);
  if (!status || status.name !== BATCH_PIPELINE) return json(404, { error: `no pipeline run ${id}` });
  return json(200, {
    instanceId: status.instanceId,
    runtimeStatus: status.runtimeStatus,
    createdTime: status.createdTime,
    lastUpdatedTime: status.lastUpdatedTime,
    input: status.input,
    current: status.customStatus,
    result: status.output,
  });
}

export async function listRunsHandler(
  request: HttpRequest,
  client: df.DurableClient,
): Promise<HttpResponseInit> {
  const limit = Number(request.query.get('limit') ?? '20');
  if (!Number.isInteger(limit) || limit <= 0 || limit > 1000)
    return json(400, { error: 'limit must be an integer between 1 and 1000' });
  const all = await client.getStatusAll();
  const runs = all
    .filter((s) => s.name === BATCH_PIPELINE)
    .sort((a, b) => new Date(b.createdTime).getTime() - new Date(a.createdTime).getTime())
    .slice(0, limit)
    .map((s) => ({
      instanceId: s.instanceId,
      runtimeStatus: s.runtimeStatus,
      createdTime: s.createdTime,
      current: s.customStatus,
      result: s.output,
    }));
  return json(200, { runs });
}

export async function cancelRunHandler(
  request: HttpRequest,
  client: df.DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const status = await client.getStatus(id).catch(() => undefined);
  if (!status || status.name !== BATCH_PIPELINE) return json(404, { error: `no pipeline run ${id}` });
  if (!['Running', 'Pending'].includes(String(status.runtimeStatus)))
    return json(409, { error: `run ${id} is ${String(status.runtimeStatus)}` });
  await client.terminate(id, 'cancelled through the pipeline API');
  context.log(`pipeline run ${id} cancelled`);
  return json(202, { instanceId: id, cancelled: true });
}

df.app.client.http('pipeline-runs-start', {
  route: 'pipeline/runs',
  methods: ['POST'],
  authLevel: 'function',
  handler: startRunHandler,
});
df.app.client.http('pipeline-runs-get', {
  route: 'pipeline/runs/{id}',
  methods: ['GET'],
  authLevel: 'function',
  handler: getRunHandler,
});
df.app.client.http('pipeline-runs-list', {
  route: 'pipeline/runs',
  methods: ['GET'],
  authLevel: 'function',
  handler: listRunsHandler,
});
df.app.client.http('pipeline-runs-cancel', {
  route: 'pipeline/runs/{id}/cancel',
  methods: ['POST'],
  authLevel: 'function',
  handler: cancelRunHandler,
});
