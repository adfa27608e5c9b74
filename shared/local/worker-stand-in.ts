/**
 * A stand-in for the Functions Node worker's built-in `@azure/functions-core` module.
 *
 * Invariants:
 * - Installed before the app's first `app.*` / `df.app.*` call: `@azure/functions` resolves the core
 *   module lazily on its first registration and caches the answer, so a stand-in installed later is
 *   never seen (the library would stay in "test mode" and drop registrations).
 * - Every registration reaches us as `registerFunction(metadata, callback)`, exactly what the worker
 *   indexes; `durable-functions` registers through the same call.
 * - Handlers are invoked only through the programming model the library sets (`getArguments` →
 *   hooks → `invokeFunction` → `getResponse`), so the handler sees the library's own conversions.
 *
 * The library loads the core with a CommonJS `require`, also when an ESM app imports it, so the hook
 * sits in the CommonJS loader (`Module._load`). One process has one `@azure/functions` instance, so the
 * stand-in is process-wide; apps loaded through `loadApp` keep their own list of registrations.
 * Importing this module installs the stand-in, so importing the runtime before any app module is
 * enough (tests must not import an app module before it).
 */
import { randomUUID } from 'node:crypto';
import Module from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  CoreInvocationContext,
  Disposable,
  FunctionCallback,
  FunctionMetadata,
  ProgrammingModel,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogLevel,
} from './functions-core-types.js';

export const CORE_MODULE_NAME = '@azure/functions-core';

export interface Registration {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

export interface LoadedApp {
  /** Absolute path of the entry module. */
  entry: string;
  registrations: Registration[];
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation';

export interface LogRecord {
  level: RpcLogLevel;
  category: string;
  message: string;
  functionName?: string;
  invocationId?: string;
}

export type LogSink = (record: LogRecord) => void;

export interface InvocationOutcome {
  response: RpcInvocationResponse;
  durationMs: number;
}

/** Installs the stand-in (idempotent). Call before anything calls `app.*`. */
export function installWorkerStandIn(): void {
  if (state.installed) return;
  const loader = Module as unknown as ModuleLoader;
  const original = loader._load;
  loader._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
    if (request === CORE_MODULE_NAME) return core;
    return original.call(this, request, parent, isMain);
  };
  state.installed = true;
}

/**
 * Imports the app's entry module (serialised, so registrations are attributed to the right app) and
 * returns what it registered. A second load of the same entry returns the first load's registrations,
 * since ES modules evaluate once per process.
 */
export async function loadApp(entry: string): Promise<LoadedApp> {
  installWorkerStandIn();
  const absolute = resolve(entry);
  const previous = state.loading;
  let release!: () => void;
  state.loading = new Promise<void>((r) => (release = r));
  await previous;
  try {
    const cached = state.apps.get(absolute);
    if (cached !== undefined) return cached;
    const start = state.registrations.length;
    await import(pathToFileURL(absolute).href);
    const registrations = state.registrations.slice(start);
    const app: LoadedApp = { entry: absolute, registrations };
    state.apps.set(absolute, app);
    return app;
  } finally {
    release();
  }
}

/** Routes library and user logs; returns a function that restores the previous sink. */
export function setLogSink(sink: LogSink): () => void {
  const previous = state.sink;
  state.sink = sink;
  return () => {
    state.sink = previous;
  };
}

export async function runAppHooks(
  name: 'appStart' | 'appTerminate',
  appHookData: Record<string, unknown>,
): Promise<void> {
  for (const hook of state.hooks.get(name) ?? []) {
    await hook({ hookData: {}, appHookData, functionAppDirectory: process.cwd() });
  }
}

/**
 * One invocation as the worker performs it. Throws what the handler threw (after post-invocation
 * hooks ran), like the worker reports a failed invocation to the host.
 */
export async function invokeRegistration(
  registration: Registration,
  request: RpcInvocationRequest,
  appHookData: Record<string, unknown> = {},
): Promise<InvocationOutcome> {
  const model = state.programmingModel;
  if (model === undefined) throw new Error('no programming model was set by @azure/functions');
  const started = performance.now();
  const invocationId = request.invocationId ?? randomUUID();
  const functionName = registration.metadata.name;
  const coreContext: CoreInvocationContext = {
    invocationId,
    request: { ...request, invocationId },
    metadata: { name: functionName, bindings: registration.metadata.bindings },
    log: (level, category, message) => state.sink({ level, category, message, functionName, invocationId }),
  };
  const invocation = model.getInvocationModel(coreContext);
  const args = await invocation.getArguments();
  const hookContext: Record<string, unknown> = {
    hookData: {},
    appHookData,
    invocationContext: args.context,
    inputs: args.inputs,
    functionCallback: registration.callback,
  };
  coreContext.state = 'preInvocationHooks';
  for (const hook of state.hooks.get('preInvocation') ?? []) await hook(hookContext);
  coreContext.state = 'invocation';
  let result: unknown;
  let error: unknown;
  let failed = false;
  try {
    result = await invocation.invokeFunction(
      hookContext.invocationContext,
      hookContext.inputs as unknown[],
      hookContext.functionCallback as FunctionCallback,
    );
  } catch (thrown) {
    failed = true;
    error = thrown;
  }
  coreContext.state = 'postInvocationHooks';
  const post: Record<string, unknown> = { ...hookContext, result, error };
  for (const hook of state.hooks.get('postInvocation') ?? []) await hook(post);
  coreContext.state = undefined;
  // Rethrows what the handler threw (or a post-invocation hook replaced it with), unchanged.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (failed && post.error !== undefined) throw post.error;
  const response = await invocation.getResponse(hookContext.invocationContext, post.result);
  return { response, durationMs: performance.now() - started };
}

interface ModuleLoader {
  _load: (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;
}

type HookCallback = (context: Record<string, unknown>) => unknown;

const defaultSink: LogSink = (record) => {
  if (
    record.category === 'system' &&
    (record.level === 'debug' || record.level === 'trace' || record.level === 'information')
  )
    return;
  const line = `[${record.functionName ?? 'host'}] ${record.message}`;
  if (record.level === 'error' || record.level === 'critical') console.error(line);
  else if (record.level === 'warning') console.warn(line);
  else console.log(line);
};

const state = {
  installed: false,
  registrations: [] as Registration[],
  programmingModel: undefined as ProgrammingModel | undefined,
  hooks: new Map<string, HookCallback[]>(),
  apps: new Map<string, LoadedApp>(),
  loading: Promise.resolve(),
  sink: defaultSink,
};

function disposable(remove: () => void): Disposable {
  return { dispose: remove };
}

/** The module object the library receives from `require('@azure/functions-core')`. */
const core = {
  version: '4.0.0-local-stand-in',
  hostVersion: '4.0.0-local',
  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    const registration: Registration = { metadata, callback };
    state.registrations.push(registration);
    return disposable(() => {
      const index = state.registrations.indexOf(registration);
      if (index >= 0) state.registrations.splice(index, 1);
    });
  },
  setProgrammingModel(model: ProgrammingModel): void {
    state.programmingModel = model;
  },
  getProgrammingModel(): ProgrammingModel | undefined {
    return state.programmingModel;
  },
  registerHook(name: string, callback: HookCallback): Disposable {
    const list = state.hooks.get(name) ?? [];
    list.push(callback);
    state.hooks.set(name, list);
    return disposable(() => {
      const index = list.indexOf(callback);
      if (index >= 0) list.splice(index, 1);
    });
  },
  log(level: RpcLogLevel, category: string, message: string): void {
    state.sink({ level, category, message });
  },
};

installWorkerStandIn();
