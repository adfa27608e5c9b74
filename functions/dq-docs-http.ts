/**
 * Data Docs over HTTP (function auth): GET /api/dq/docs lists the runs, GET /api/dq/docs/{runId} serves
 * one run's report (written to the lake by the DQ gate at ops/data_docs/<runId>.html).
 */
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { handleDataDocsRequest } from '../shared/dq/data-docs-handler.js';
import { lakeRuntime } from '../shared/storage/lake-runtime.js';

export async function dataDocsHandler(request: HttpRequest): Promise<HttpResponseInit> {
  const runId = request.params.runId;
  const res = await handleDataDocsRequest(
    { method: request.method, path: runId ? `/api/dq/docs/${encodeURIComponent(runId)}` : '/api/dq/docs/' },
    lakeRuntime().lake,
  );
  return { status: res.status, headers: res.headers, body: res.body };
}

app.http('dq-docs', {
  route: 'dq/docs/{runId?}',
  methods: ['GET', 'HEAD'],
  authLevel: 'function',
  handler: dataDocsHandler,
});
