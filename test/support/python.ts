/**
 * Drives the reference Delta engines (delta-spark and delta-rs) through scripts/python/delta_tool.py,
 * using the venv that `bash scripts/setup-python.sh` creates. A missing venv is an error, never a skip:
 * the interop tests are the proof that real engines read and write what this library does.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { StructType } from '../../shared/delta/protocol/schema.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DELTA_TOOL = join(REPO_ROOT, 'scripts', 'python', 'delta_tool.py');

/** A batch that starts Spark pays ~5-15 s of JVM start and warm-up on this 2-core machine. */
export const DEFAULT_TIMEOUT_MS = 600_000;

export type Engine = 'spark' | 'deltars';

/**
 * A row in the scan JSON format. Longs beyond 2^53 may be given as bigint (sent as a string, which
 * delta_tool accepts for integer columns), decimals as strings, timestamps as ISO strings.
 */
export type SpecRow = Record<string, unknown>;

export type WriteStep =
  | { op: 'append'; rows: SpecRow[] }
  | { op: 'delete'; where: string }
  | { op: 'checkpoint' }
  | { op: 'optimize' };

export interface WriteSpec {
  schema: StructType;
  partitionBy?: string[];
  /** Table properties set at creation (Spark on first append: delta.* keys only). */
  properties?: Record<string, string>;
  /** onFirstAppend (default): version 0 holds the first append; explicit: version 0 is CREATE TABLE. */
  create?: 'onFirstAppend' | 'explicit';
  steps: WriteStep[];
}

export type DeltaToolCommand =
  | { cmd: 'scan'; engine: Engine; table: string; version?: number }
  | { cmd: 'write'; engine: Engine; table: string; spec: WriteSpec | string };

/** `rows` are the exact scan JSON lines (strings, so longs beyond 2^53 stay exact); `version` is set by writes. */
export type DeltaToolResult = { ok: true; rows: string[]; version?: number } | { ok: false; error: string };

export interface RunOptions {
  timeoutMs?: number;
  /** Written to the tool's stdin (batch reads its commands from `-`). */
  input?: string;
}

export function pythonBin(): string {
  const bin = join(REPO_ROOT, '.venv', 'bin', 'python');
  if (!existsSync(bin)) {
    throw new Error(
      `Python venv with the reference Delta engines not found at ${bin}. ` +
        'Create it with `bash scripts/setup-python.sh` (or `npm run setup:python`); it needs Java 17+ and PyPI/Maven Central access.',
    );
  }
  return bin;
}

/** Runs delta_tool.py with `args` (and `input` on stdin); resolves to its stdout, rejects with its stderr. */
export function runDeltaTool(args: string[], options: RunOptions = {}): Promise<string> {
  const python = pythonBin();
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      python,
      [DELTA_TOOL, ...args],
      {
        cwd: REPO_ROOT,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBuffer: 1 << 30,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`delta_tool ${args.join(' ')} failed (${error.message.split('\n')[0]}):\n${stderr}`),
          );
          return;
        }
        resolvePromise(stdout);
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** Scan lines of one table, without the trailing empty line. */
export async function scanWith(engine: Engine, table: string, version?: number): Promise<string[]> {
  const args = [
    'scan',
    '--engine',
    engine,
    table,
    ...(version === undefined ? [] : ['--version', String(version)]),
  ];
  const out = await runDeltaTool(args);
  return out.split('\n').filter((line) => line.length > 0);
}

/** Runs all commands in one delta_tool process (at most one Spark JVM); one result per command, in order. */
export async function deltaToolBatch(
  commands: DeltaToolCommand[],
  options: RunOptions = {},
): Promise<DeltaToolResult[]> {
  const out = await runDeltaTool(['batch', '-'], { ...options, input: serializeCommands(commands) });
  const results = out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => parseResult(line));
  if (results.length !== commands.length) {
    throw new Error(
      `delta_tool batch returned ${results.length} results for ${commands.length} commands:\n${out}`,
    );
  }
  return results;
}

/** The rows of a successful result; throws with the engine's error otherwise. */
export function rowsOf(result: DeltaToolResult | undefined): string[] {
  if (result === undefined) throw new Error('no delta_tool result');
  if (!result.ok) throw new Error(`delta_tool command failed: ${result.error}`);
  return result.rows;
}

function serializeCommands(commands: DeltaToolCommand[]): string {
  return JSON.stringify(commands, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

function parseResult(line: string): DeltaToolResult {
  const parsed = JSON.parse(line) as unknown;
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { ok?: unknown }).ok !== 'boolean') {
    throw new Error(`unexpected delta_tool output line: ${line}`);
  }
  return parsed as DeltaToolResult;
}
