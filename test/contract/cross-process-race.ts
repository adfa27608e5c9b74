/**
 * Races N separate Node processes on one `putIfAbsent` (see put-if-absent-worker.ts) and returns what
 * each reported. All workers load and open their store first; only then do they all get 'go'.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forkTs } from '../support/ts-child.js';
import type { FromWorker, ToWorker, WorkerJob } from './put-if-absent-worker.js';

const workerFile = fileURLToPath(new URL('./put-if-absent-worker.ts', import.meta.url));

export interface RaceOutcome {
  kind: 'created' | 'exists';
  payload: string;
}

export async function raceProcesses(n: number, job: Omit<WorkerJob, 'payload'>): Promise<RaceOutcome[]> {
  await warmUp();
  const children = Array.from({ length: n }, () => forkTs(workerFile));
  try {
    for (const message of await Promise.all(children.map((c) => nextMessage(c))))
      expectType(message, 'loaded');
    const ready = children.map((c) => nextMessage(c));
    children.forEach((c, i) =>
      send(c, { type: 'job', job: { ...job, payload: `{"writer":${i},"id":"${randomUUID()}"}` } }),
    );
    for (const message of await Promise.all(ready)) expectType(message, 'ready');
    const results = children.map((c) => nextMessage(c));
    for (const c of children) send(c, { type: 'go' });
    return (await Promise.all(results)).map((message) => {
      if (message.type !== 'result') throw new Error(`worker failed: ${JSON.stringify(message)}`);
      return { kind: message.kind, payload: message.payload };
    });
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

/** Loads the worker once, so the racing children find every module already transpiled (ts-hooks cache). */
async function warmUp(): Promise<void> {
  const child = forkTs(workerFile);
  try {
    expectType(await nextMessage(child), 'loaded');
  } finally {
    child.kill('SIGKILL');
  }
}

function send(child: ChildProcess, message: ToWorker): void {
  child.send(message);
}

function nextMessage(child: ChildProcess): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker): void => {
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null): void => {
      child.off('message', onMessage);
      reject(new Error(`worker ${child.pid ?? '?'} exited (code ${code ?? 'none'}) before answering`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

function expectType(message: FromWorker, type: FromWorker['type']): void {
  if (message.type !== type) throw new Error(`expected ${type} from worker, got ${JSON.stringify(message)}`);
}
