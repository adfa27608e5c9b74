/**
 * Runs the Databricks bundle's Python unit tests (infra/databricks/tests, unittest + local Spark with
 * delta-spark from the project venv). Fails when the venv or Java is missing; never skips.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonBin, REPO_ROOT } from '../support/python.js';

describe('Databricks transforms (PySpark unit tests)', () => {
  it('pass on local Spark', { timeout: 900_000 }, async () => {
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        pythonBin(),
        ['-m', 'unittest', 'discover', '-s', join(REPO_ROOT, 'infra', 'databricks', 'tests'), '-p', 'test_*.py', '-v'],
        { cwd: REPO_ROOT, timeout: 900_000, maxBuffer: 1 << 26 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(`${stdout}\n${stderr}`)),
      );
    });
    expect(output).toMatch(/Ran \d+ tests/);
    expect(output).toMatch(/\nOK\b/);
  });
});
