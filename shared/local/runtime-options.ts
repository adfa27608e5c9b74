/**
 * What a caller chooses when starting the local runtime, and the defaults for what it leaves out.
 * A key not given is random per start (never a fixed, guessable one); the clock is the real one
 * unless a virtual clock is asked for, and the same clock then drives every timer source.
 */
import { randomBytes } from 'node:crypto';
import { realClock, VirtualClock, type Clock } from './clock.js';
import type { LogSink } from './worker-stand-in.js';

export interface LocalRuntimeOptions {
  /** The app's entry module (package.json `main`, e.g. dist/index.js; a .ts file under vitest). */
  entry: string;
  /** Folder holding host.json and local.settings.json; default: the entry's folder. */
  appDir?: string;
  /** App settings; they override local.settings.json `Values` and the environment. */
  settings?: Record<string, string>;
  /** HTTP port; default 7071, 0 = any free port. */
  port?: number;
  /** A virtual clock (or `true` for a new one) drives timers, retries and durable timers. */
  virtualClock?: VirtualClock | boolean;
  /**
   * Storage: default starts Azurite in memory (stopped with the runtime); `{ location }` persists it;
   * `{ connectionString }` uses a running one (left running); `false` keeps everything in memory.
   */
  azurite?: { location?: string } | { connectionString: string } | false;
  /** Overrides host.json. */
  hostJson?: unknown;
  /** Partitions of every local event hub; default 4. */
  eventHubPartitions?: number;
  keys?: Partial<RuntimeKeys>;
  /** `timers: false` keeps timer triggers from running on their schedule (they can still be fired). */
  timers?: boolean;
  /** Host id for timer schedule status; default "local-runtime". */
  hostId?: string;
  log?: LogSink;
}

export interface RuntimeKeys {
  functionKey: string;
  masterKey: string;
  /** The durable extension's system key (webhooks). */
  systemKey: string;
}

export function runtimeClock(option: LocalRuntimeOptions['virtualClock']): Clock {
  return option instanceof VirtualClock ? option : option === true ? new VirtualClock() : realClock;
}

export function runtimeKeys(option: LocalRuntimeOptions['keys']): RuntimeKeys {
  return {
    functionKey: option?.functionKey ?? randomKey(),
    masterKey: option?.masterKey ?? randomKey(),
    systemKey: option?.systemKey ?? randomKey(),
  };
}

/** Hex: safe in URLs and as a CLI argument (a base64url key may start with '-', read as an option). */
function randomKey(): string {
  return randomBytes(24).toString('hex');
}
