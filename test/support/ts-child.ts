/**
 * Forks a Node child process that runs a TypeScript file of this repo (through ts-hooks.mjs), with an
 * IPC channel. Cross-process tests use it to race real store code in separate processes.
 */
import { fork, type ChildProcess } from 'node:child_process';

const hooks = new URL('./ts-hooks.mjs', import.meta.url).href;
const register =
  'data:text/javascript,' +
  encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(hooks)});`);

export function forkTs(file: string, args: string[] = []): ChildProcess {
  return fork(file, args, {
    execArgv: ['--import', register],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
