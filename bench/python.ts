/** Path of the project's venv Python (created by scripts/setup-python.sh); benchmarks fail without it. */
import fs from 'node:fs';
import path from 'node:path';

export function pythonBin(): string {
  const bin = path.resolve(process.cwd(), '.venv/bin/python');
  if (!fs.existsSync(bin)) throw new Error('no .venv: run `bash scripts/setup-python.sh` first');
  return bin;
}
