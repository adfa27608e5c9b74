/**
 * Data Docs: one self-contained HTML page per run (no script, no external assets, so it renders the
 * same from the lake, over HTTP and in a headless browser). Per suite: table and version, statistics,
 * then every expectation with status, severity, observed value, unexpected count and percent, samples
 * of unexpected values, and the trend of unexpected_percent over recent runs (from ops/dq_results).
 */
import { jsonText, type JsonValue } from './suite.js';
import type { SuiteValidationResult } from './validation-result.js';

export interface TrendPoint {
  runId: string;
  validatedAt: string;
  unexpectedPercent: number | null;
  success: boolean;
}

export interface DocsValidation {
  table: string;
  version: number;
  result: SuiteValidationResult;
  /** Rows moved to quarantine by drop expectations, by expectation index. */
  dropped?: Record<number, number>;
}

export interface DataDocsInput {
  runId: string;
  generatedAt: string;
  blocking: boolean;
  validations: DocsValidation[];
  /** Key `${suite_name}#${expectation_index}` → points oldest first (this run included). */
  trends: ReadonlyMap<string, TrendPoint[]>;
}

export function dataDocsKey(runId: string): string {
  return `ops/data_docs/${encodeURIComponent(runId)}.html`;
}

export function renderDataDocs(input: DataDocsInput): string {
  const allOk = input.validations.every((v) => v.result.success);
  const verdict = input.blocking ? 'BLOCKED' : allOk ? 'PASSED' : 'PASSED WITH WARNINGS';
  const sections = input.validations.map((v) => suiteSection(v, input.trends)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Data Docs – run ${esc(input.runId)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${CSS}</style></head>
<body>
<header><h1>Data quality – run <code>${esc(input.runId)}</code></h1>
<p class="verdict ${input.blocking ? 'fail' : allOk ? 'pass' : 'warn'}" id="verdict">Gate: ${verdict}</p>
<p class="muted">Generated ${esc(input.generatedAt)} · ${input.validations.length} suite(s)</p></header>
${sections}
</body></html>
`;
}

function suiteSection(v: DocsValidation, trends: ReadonlyMap<string, TrendPoint[]>): string {
  const s = v.result.statistics;
  const rows = v.result.results
    .map((r, i) => {
      const type = jsonText(r.expectation_config['expectation_type']);
      const kwargs = r.expectation_config['kwargs'];
      const status = r.exception_info.raised_exception ? 'ERROR' : r.success ? 'PASS' : 'FAIL';
      const res = r.result;
      const percent = res['unexpected_percent'];
      const samples = Array.isArray(res['partial_unexpected_list'])
        ? res['partial_unexpected_list'].slice(0, 10)
        : [];
      const trend = trends.get(`${v.result.suite_name}#${i}`) ?? [];
      const dropped = v.dropped?.[i];
      return `<tr class="${status.toLowerCase()}">
<td>${i}</td><td><span class="status">${status}</span></td><td>${esc(jsonText(r.meta['severity']))}${dropped ? `<br><span class="muted">${dropped} row(s) quarantined</span>` : ''}</td>
<td><code>${esc(type)}</code><div class="kwargs">${esc(compact(kwargs ?? {}))}</div>${r.exception_info.exception_message ? `<div class="error">${esc(r.exception_info.exception_message)}</div>` : ''}</td>
<td>${res['observed_value'] === undefined ? '' : `<code>${esc(compact(res['observed_value']))}</code>`}</td>
<td>${res['unexpected_count'] === undefined ? '' : `${esc(jsonText(res['unexpected_count']))}${typeof percent === 'number' ? ` (${percent.toFixed(2)}%)` : ''}`}${res['element_count'] === undefined ? '' : `<div class="muted">of ${esc(jsonText(res['element_count']))} rows</div>`}</td>
<td>${samples.length === 0 ? '' : `<ul class="samples">${samples.map((x) => `<li><code>${esc(compact(x))}</code></li>`).join('')}</ul>`}</td>
<td>${trendCell(trend)}</td></tr>`;
    })
    .join('\n');
  return `<section class="suite">
<h2>${esc(v.result.suite_name)} <span class="muted">on <code>${esc(v.table)}</code> version ${v.version}</span></h2>
<p class="stats">${s.successful_expectations} of ${s.evaluated_expectations} expectations met${s.success_percent === null ? '' : ` (${s.success_percent.toFixed(1)}%)`} · suite ${v.result.success ? '<b class="ok">succeeded</b>' : '<b class="bad">failed</b>'}</p>
<table><thead><tr><th>#</th><th>Status</th><th>Severity</th><th>Expectation</th><th>Observed</th><th>Unexpected</th><th>Samples of unexpected values</th><th>Trend (unexpected %)</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

function trendCell(points: TrendPoint[]): string {
  if (points.length === 0) return '';
  const values = points.map((p) => p.unexpectedPercent ?? 0);
  const max = Math.max(1, ...values);
  const w = 120;
  const h = 28;
  const step = points.length > 1 ? w / (points.length - 1) : 0;
  const coords = values.map((v, i) => `${(i * step).toFixed(1)},${(h - (v / max) * (h - 2) - 1).toFixed(1)}`);
  const dots = points
    .map(
      (p, i) =>
        `<circle cx="${(i * step).toFixed(1)}" cy="${(h - ((values[i] ?? 0) / max) * (h - 2) - 1).toFixed(1)}" r="2" class="${p.success ? 'ok' : 'bad'}"><title>${esc(p.runId)}: ${p.unexpectedPercent === null ? 'n/a' : `${p.unexpectedPercent.toFixed(2)}%`}</title></circle>`,
    )
    .join('');
  const last = points
    .map((p) => (p.unexpectedPercent === null ? '–' : p.unexpectedPercent.toFixed(1)))
    .slice(-5)
    .join(' → ');
  return `<svg width="${w}" height="${h}" viewBox="-2 0 ${w + 4} ${h}" role="img" aria-label="trend"><polyline points="${coords.join(' ')}" fill="none"/>${dots}</svg><div class="muted trend">${points.length} run(s): ${esc(last)}</div>`;
}

function compact(v: JsonValue): string {
  const text = JSON.stringify(v);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d232b;background:#fff}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 4px}
.muted{color:#66707c;font-size:12px}.verdict{font-weight:700;font-size:16px;display:inline-block;padding:4px 10px;border-radius:4px}
.verdict.pass{background:#dff5e3;color:#11602a}.verdict.warn{background:#fff3cd;color:#7a5b00}.verdict.fail{background:#fde0e0;color:#9b1c1c}
table{border-collapse:collapse;width:100%;margin-top:8px}th,td{border-bottom:1px solid #e3e6ea;padding:6px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
table{table-layout:fixed}th:nth-child(1){width:28px}th:nth-child(2),th:nth-child(3){width:70px}th:nth-child(4){width:24%}th:nth-child(8){width:150px}
th{background:#f4f6f8;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
tr.pass .status{color:#11602a}tr.fail .status{color:#9b1c1c}tr.error .status{color:#8a4b00}.status{font-weight:700}
tr.fail{background:#fff7f7}tr.error{background:#fffaf0}.kwargs{font:12px ui-monospace,monospace;color:#4b5563;word-break:break-all}
.error{color:#8a4b00;font-size:12px}.samples{margin:0;padding-left:16px;font-size:12px}code{font:12px ui-monospace,monospace}
.ok{color:#11602a;fill:#11602a}.bad{color:#9b1c1c;fill:#9b1c1c}polyline{stroke:#3b6fb6;stroke-width:1.5}`;
