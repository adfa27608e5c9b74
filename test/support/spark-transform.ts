/**
 * Runs the Databricks transform job on local Spark + delta-spark (infra/databricks/tests/run_local.py,
 * the project venv's Python) and returns the JSON line it prints. Rejects — tests fail, never skip —
 * when the venv, Java or the job fails.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pythonBin, REPO_ROOT } from './python.js';
import { HMAC_KEY } from '../unit/transforms/fixtures.js';

const RUNNER = join(REPO_ROOT, 'infra', 'databricks', 'tests', 'run_local.py');
const KEY_ENV = 'POS_TRANSFORM_TEST_HMAC_KEY';

export interface SparkRun {
  mode: string;
  watermark: Record<string, number>;
  restated_dates: string[];
  quarantined: number;
}

/** Full run without `since`, incremental from that watermark with it. */
export function runSparkTransform(
  lakeRoot: string,
  outputRoot: string,
  options: { since?: Record<string, number>; runId?: string } = {},
): Promise<SparkRun> {
  const { since, runId } = options;
  const args = [
    RUNNER,
    '--lake-root',
    lakeRoot,
    '--output-root',
    outputRoot,
    '--hmac-key-env',
    KEY_ENV,
    '--mode',
    since ? 'incremental' : 'full',
    ...(since ? ['--since', JSON.stringify(since)] : []),
    ...(runId !== undefined ? ['--run-id', runId] : []),
  ];
  return new Promise((resolve, reject) => {
    execFile(
      pythonBin(),
      args,
      { cwd: REPO_ROOT, timeout: 900_000, maxBuffer: 1 << 26, env: { ...process.env, [KEY_ENV]: HMAC_KEY } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`Spark transform failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as SparkRun);
      },
    );
  });
}
