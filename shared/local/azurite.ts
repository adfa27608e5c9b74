/**
 * Starts Azurite (the `azurite` npm package already in node_modules) as a child process: the local
 * Blob, Queue and Table storage for tests and local runs.
 *
 * Invariants:
 * - Race-free ports: each service binds port 0 (the kernel picks a free port at bind time) and we read
 *   the real port from Azurite's "successfully listening at" line. Probing for a free port first and
 *   passing it on would leave a window in which another process can take it.
 * - Never orphaned: the child watches its stdin pipe and shuts down when it closes, which happens however
 *   the parent dies (even SIGKILL); `stop()` and the parent's `exit` event also terminate it.
 * - Ready means answering: the promise resolves only after all three services printed that they listen.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';

/** The emulator's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Persist to this directory (conventionally `.local/azurite`) instead of memory. */
  location?: string;
  /** Fixed ports; 0 or omitted = a free port chosen at bind time. */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  /** Give up (and kill the child) after this long; default 30 s. */
  startTimeoutMs?: number;
}

export interface Azurite {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** Connection string for all three services with the development account key. */
  connectionString: string;
  accountName: string;
  accountKey: string;
  /** How long start-up took, in milliseconds. */
  startMs: number;
  pid: number;
  stop(): Promise<void>;
}

export class AzuriteStartError extends Error {
  constructor(
    readonly reason: string,
    readonly output: string,
  ) {
    super(`Azurite did not start: ${reason}${output === '' ? '' : `\n--- azurite output ---\n${output}`}`);
    this.name = 'AzuriteStartError';
  }
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const started = performance.now();
  const bin = await azuriteBin();
  const storage =
    options.location === undefined ? ['--inMemoryPersistence'] : ['--location', resolve(options.location)];
  if (options.location !== undefined) await mkdir(resolve(options.location), { recursive: true });
  const args = [
    '--import',
    EXIT_WHEN_STDIN_CLOSES,
    bin,
    ...['--blobHost', '127.0.0.1', '--blobPort', String(options.blobPort ?? 0)],
    ...['--queueHost', '127.0.0.1', '--queuePort', String(options.queuePort ?? 0)],
    ...['--tableHost', '127.0.0.1', '--tablePort', String(options.tablePort ?? 0)],
    ...storage,
    ...['--disableTelemetry', '--skipApiVersionCheck', '--loose', '--silent'],
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Azurite resolves its default workspace against the cwd; keep any stray file out of the repo.
    cwd: options.location === undefined ? tmpdir() : resolve(options.location),
  });
  // SIGTERM, not SIGKILL: Azurite shuts down gracefully on its own (saving an on-disk workspace)
  // after we are gone; an exit handler cannot wait for it.
  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);

  let endpoints: Endpoints;
  try {
    endpoints = await waitUntilListening(child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    process.off('exit', killOnExit);
    child.kill('SIGKILL');
    throw error;
  }
  const withAccount = (url: string): string => `${url}/${AZURITE_ACCOUNT_NAME}`;
  const blobEndpoint = withAccount(endpoints.Blob);
  const queueEndpoint = withAccount(endpoints.Queue);
  const tableEndpoint = withAccount(endpoints.Table);
  return {
    blobEndpoint,
    queueEndpoint,
    tableEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};` +
      `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`,
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    startMs: Math.round(performance.now() - started),
    pid: child.pid ?? -1,
    stop: async () => {
      process.off('exit', killOnExit);
      await stopChild(child);
    },
  };
}

/**
 * Preloaded into the child (a data: URL keeps the harness one file): when the parent's end of stdin
 * closes, send ourselves SIGTERM, so Azurite shuts down the way it does on `stop()` and saves an
 * on-disk workspace. stdin is unref'd: it must not keep Azurite alive once its servers have closed.
 */
const EXIT_WHEN_STDIN_CLOSES =
  'data:text/javascript,const stop=()=>process.kill(process.pid,"SIGTERM");' +
  'process.stdin.on("end",stop);process.stdin.on("error",stop);process.stdin.resume();process.stdin.unref();';

type Service = 'Blob' | 'Queue' | 'Table';
type Endpoints = Record<Service, string>;

async function azuriteBin(): Promise<string> {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('azurite/package.json');
  const manifest: unknown = JSON.parse(await readFile(manifestPath, 'utf8'));
  const bin =
    typeof manifest === 'object' && manifest !== null && 'bin' in manifest && typeof manifest.bin === 'object'
      ? (manifest.bin as Record<string, unknown>)['azurite']
      : undefined;
  if (typeof bin !== 'string') throw new AzuriteStartError(`no "azurite" bin in ${manifestPath}`, '');
  return resolve(dirname(manifestPath), bin);
}

function waitUntilListening(child: ChildProcess, timeoutMs: number): Promise<Endpoints> {
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const found: Partial<Endpoints> = {};
    const listening = /Azurite (Blob|Queue|Table) service is successfully listening at (\S+)/g;
    const timer = setTimeout(() => fail(`not listening after ${timeoutMs} ms`), timeoutMs);

    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
      for (const match of output.matchAll(listening)) found[match[1] as Service] = match[2] ?? '';
      if (found.Blob !== undefined && found.Queue !== undefined && found.Table !== undefined) {
        done();
        resolvePromise({ Blob: found.Blob, Queue: found.Queue, Table: found.Table });
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(`exited during start-up (code ${code ?? 'none'}, signal ${signal ?? 'none'})`);
    const onError = (error: Error): void => fail(`could not be spawned: ${error.message}`);

    function fail(reason: string): void {
      done();
      reject(new AzuriteStartError(reason, output.trim()));
    }
    function done(): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining: a full pipe would block Azurite's next console write.
      child.stdout?.resume();
      child.stderr?.resume();
    }

    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
