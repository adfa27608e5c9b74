/**
 * The Databricks bundle's job accepts exactly the job parameters the orchestration sends with run-now.
 * What is sent is observed, not restated: the real composition (shared/pipeline/compose.ts) starts a
 * run against a stubbed Databricks REST endpoint and the test reads `job_parameters` from the request.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSettings } from '../../../shared/config/config.js';
import { buildPipelineEngines } from '../../../shared/pipeline/compose.js';
import { INFRA } from './bicep-text.js';

const resourcesDir = join(INFRA, 'databricks', 'resources');
const jobFiles = existsSync(resourcesDir)
  ? readdirSync(resourcesDir).filter((f) => f.endsWith('.job.yml'))
  : [];

interface BundleJob {
  key: string;
  parameters: string[];
  /** Names used as {{job.parameters.<name>}} anywhere in the job. */
  references: string[];
}

/**
 * Jobs of one resources/*.job.yml: the keys under `resources: jobs:` and, for each, the names of its
 * job-level `parameters:` list. Indentation-based; enough for bundle resource files.
 */
function readJobs(text: string): BundleJob[] {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, ''))
    .filter((l) => l.trim() !== '');
  const indent = (l: string) => l.length - l.trimStart().length;
  const jobsAt = lines.findIndex((l) => /^\s*jobs:\s*$/.test(l));
  if (jobsAt < 0) return [];
  const jobsIndent = indent(lines[jobsAt] ?? '');
  const jobs: BundleJob[] = [];
  let job: BundleJob | undefined;
  let jobIndent = -1;
  let fieldIndent = -1;
  let paramsIndent = -1;
  for (const line of lines.slice(jobsAt + 1)) {
    const n = indent(line);
    if (n <= jobsIndent) break;
    if (jobIndent < 0) jobIndent = n;
    if (n === jobIndent) {
      job = { key: /^\s*([\w-]+):/.exec(line)?.[1] ?? '', parameters: [], references: [] };
      jobs.push(job);
      fieldIndent = -1;
      paramsIndent = -1;
      continue;
    }
    if (!job) continue;
    if (fieldIndent < 0) fieldIndent = n;
    for (const m of line.matchAll(/\{\{\s*job\.parameters\.([\w-]+)\s*\}\}/g))
      if (m[1]) job.references.push(m[1]);
    if (n === fieldIndent) paramsIndent = /^\s*parameters:\s*$/.test(line) ? n : -1;
    else if (paramsIndent >= 0) {
      const name = /^\s*-\s*name:\s*["']?([\w-]+)["']?\s*$/.exec(line)?.[1];
      if (name) job.parameters.push(name);
    }
  }
  return jobs;
}

/** `job_parameters` of the run-now request the batch orchestration's transform step sends. */
async function parametersTheOrchestrationSends(): Promise<Record<string, string>> {
  const requests: { url: string; body: unknown }[] = [];
  vi.stubGlobal('fetch', (input: string | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push({
      url,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    });
    const body = url.includes('/jobs/run-now')
      ? { run_id: 7, number_in_job: 7 }
      : {
          run_id: 7,
          job_id: 42,
          state: { life_cycle_state: 'PENDING', state_message: '' },
          run_page_url: 'https://adb.example/run/7',
        };
    return Promise.resolve(
      new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }),
    );
  });
  const settings = loadSettings({
    LAKE_URL: 'memory://infra-bundle-test/lake',
    PIPELINE_TRANSFORM_ENGINE: 'databricks',
    DATABRICKS_WORKSPACE_URL: 'https://adb-1234567890123456.7.azuredatabricks.net',
    DATABRICKS_JOB_ID: '42',
    DATABRICKS_TOKEN: 'test-pat',
  });
  const unused = () => Promise.reject(new Error('not used'));
  const engines = buildPipelineEngines(settings, { transform: unused, dqGate: unused });
  await engines.startDatabricksRun({
    instanceId: 'pipeline-2026-11-25-nightly',
    businessDate: '2026-11-25',
    kind: 'nightly',
    previous: [],
  });
  const runNow = requests.find((r) => r.url.endsWith('/api/2.1/jobs/run-now'));
  const sent = (runNow?.body as { job_parameters?: Record<string, string> } | undefined)?.job_parameters;
  if (!sent) throw new Error('the orchestration sent no run-now request with job_parameters');
  return sent;
}

describe('Databricks bundle job parameters', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('the bundle defines a job (infra/databricks/resources/*.job.yml)', () => {
    expect(
      jobFiles,
      'no infra/databricks/resources/*.job.yml yet: the Databricks Asset Bundle has not landed, so the job ' +
        'parameters cannot be checked against what the orchestration sends (business_date, run_id, lake_url)',
    ).not.toEqual([]);
  });

  it('reads the job parameter list (self-check of the YAML reader)', () => {
    const jobs = readJobs(
      [
        'resources:',
        '  jobs:',
        '    a_job:',
        '      name: x',
        '      parameters:',
        '        - name: p1',
        '          default: ""',
        '        - name: p2',
        '      tasks:',
        '        - task_key: t',
        '          python_wheel_task:',
        '            parameters: ["--x", "{{job.parameters.p1}}"]',
      ].join('\n'),
    );
    expect(jobs).toEqual([{ key: 'a_job', parameters: ['p1', 'p2'], references: ['p1'] }]);
  });

  for (const file of jobFiles) {
    describe(file, () => {
      const jobs = readJobs(readFileSync(join(resourcesDir, file), 'utf8'));

      it('declares exactly the job parameters the orchestration sends with run-now', async () => {
        const sent = Object.keys(await parametersTheOrchestrationSends()).sort();
        expect(sent.length).toBeGreaterThan(0);
        expect(jobs.length, `${file} defines no job`).toBeGreaterThan(0);
        for (const job of jobs) {
          const declared = [...job.parameters].sort();
          const missing = sent.filter((p) => !declared.includes(p));
          const extra = declared.filter((p) => !sent.includes(p));
          expect(
            { missing, extra },
            `job ${job.key}: the orchestration (shared/pipeline/compose.ts startDatabricksRun) sends [${sent.join(', ')}] ` +
              `but the job declares [${declared.join(', ')}]. Parameters the job does not declare are rejected or ignored ` +
              `by run-now, and declared ones the run never receives fall back to their defaults.`,
          ).toEqual({ missing: [], extra: [] });
        }
      });

      it('uses only declared parameters in {{job.parameters.*}} references', () => {
        for (const job of jobs)
          for (const ref of job.references)
            expect(job.parameters, `job ${job.key} uses ${ref}`).toContain(ref);
      });
    });
  }
});
