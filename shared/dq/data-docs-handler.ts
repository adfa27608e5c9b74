/**
 * Data Docs over HTTP, framework-free: `(request) → { status, headers, body }`. The HTTP wiring
 * (functions/serving) maps its route onto this. Routes, relative to wherever it is mounted:
 *   GET <any>/<runId>   the run's page from ops/data_docs/<runId>.html (404 if absent)
 *   GET <any>/          an index of the runs that have a page, newest first
 */
import type { ObjectStore } from '../delta/storage/object-store.js';
import { dataDocsKey } from './data-docs.js';

export interface DocsRequest {
  method: string;
  /** Path (with optional query); the last segment names the run, an empty one asks for the index. */
  path: string;
}

export interface DocsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const HTML = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
};

export async function handleDataDocsRequest(request: DocsRequest, lake: ObjectStore): Promise<DocsResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return {
      status: 405,
      headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' },
      body: 'method not allowed\n',
    };
  }
  const path = request.path.split('?')[0] ?? '';
  const last = path.endsWith('/') ? '' : decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  if (last === '') {
    const pages = await lake.list('ops/data_docs/');
    const runs = pages
      .filter((p) => p.key.endsWith('.html'))
      .sort((a, b) => b.lastModified - a.lastModified)
      .map((p) => decodeURIComponent(p.key.slice('ops/data_docs/'.length, -'.html'.length)));
    const items = runs
      .map((r) => `<li><a href="${encodeURIComponent(r)}">${escapeHtml(r)}</a></li>`)
      .join('');
    return {
      status: 200,
      headers: HTML,
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Data Docs</title></head><body><h1>Data Docs</h1><ul>${items}</ul></body></html>`,
    };
  }
  const bytes = await lake.get(dataDocsKey(last));
  if (!bytes)
    return {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `no data docs for run ${last}\n`,
    };
  return {
    status: 200,
    headers: HTML,
    body: request.method === 'HEAD' ? '' : new TextDecoder().decode(bytes),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
