/** Runs the real `lakehouse` CLI (TypeScript sources through ts-hooks) as a child process. */
import { spawn } from 'node:child_process';
import path from 'node:path';

const hooks = new URL('./ts-hooks.mjs', import.meta.url).href;
const register =
  'data:text/javascript,' +
  encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(hooks)});`);
const MAIN = path.resolve(__dirname, '../../shared/cli/main.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', register, MAIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
