/**
 * The embedded local Functions runtime: loads the app's real registrations through the worker
 * stand-in and drives them — HTTP triggers on a node HTTP server, timer triggers on NCRONTAB
 * schedules, Event Hub triggers from an in-process partitioned hub with checkpoints in Blob storage,
 * and durable orchestrations by replay with state in Table storage — with Azurite (started here, or
 * given) as the storage account, and local.settings.json `Values` as the default app settings.
 *
 * Stop is graceful: HTTP closes, timers stop, in-flight Event Hub batches finish and checkpoint,
 * durable work in progress finishes (armed timers are re-armed by the next start). `abandon`
 * simulates a crash: nothing more is checkpointed or saved, so the next start redelivers.
 */
import { dirname, resolve } from 'node:path';
import type { AppSettings } from './app-settings.js';
import { VirtualClock, type Clock } from './clock.js';
import { durableHttpHandler } from './durable/durable-http-api.js';
import { functionListing, indexFunctions, type FunctionDescription } from './function-index.js';
import { startHttpHost, type HttpHost } from './http-host.js';
import { Invoker } from './invoker.js';
import type { RuntimeContext } from './runtime-context.js';
import { durableApi, startRuntimeDurable, type DurableApi } from './runtime-durable.js';
import { startRuntimeEventHubs, type EventHubApi } from './runtime-event-hubs.js';
import { runtimeClock, runtimeKeys, type LocalRuntimeOptions, type RuntimeKeys } from './runtime-options.js';
import { releaseRuntime, stopRuntime } from './runtime-shutdown.js';
import { resolveRuntimeSettings } from './runtime-settings.js';
import { blobStore, openRuntimeStorage, type BlobContainer } from './runtime-storage.js';
import { createRuntimeTimers, type TimersApi } from './runtime-timers.js';
import { loadApp, runAppHooks, setLogSink, type LogSink } from './worker-stand-in.js';

export type { DurableApi } from './runtime-durable.js';
export type { EventHubApi } from './runtime-event-hubs.js';
export type { LocalRuntimeOptions, RuntimeKeys } from './runtime-options.js';
export type { TimersApi } from './runtime-timers.js';

export interface LocalRuntime {
  baseUrl: string;
  port: number;
  keys: RuntimeKeys;
  /** What `func start` would index: every function with its trigger and bindings. */
  functions: FunctionDescription[];
  settings: AppSettings;
  /** The storage connection string (AzureWebJobsStorage) or undefined when in memory. */
  storageConnectionString: string | undefined;
  clock: Clock;
  virtualClock: VirtualClock | undefined;
  eventHub: EventHubApi;
  durable: DurableApi;
  timers: TimersApi;
  stop(options?: { abandon?: boolean }): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const entry = resolve(options.entry);
  const appDir = resolve(options.appDir ?? dirname(entry));
  const restoreSink = options.log === undefined ? undefined : setLogSink(options.log);
  const log = (message: string): void =>
    (options.log ?? defaultLog)({ level: 'information', category: 'system', message });
  const cleanups: (() => Promise<void>)[] = [];
  try {
    // Storage first: its endpoints are app settings.
    const connectionString = await openRuntimeStorage(options.azurite, cleanups);
    const { settings, host, taskHub } = await resolveRuntimeSettings(appDir, connectionString, options);
    const clock: Clock = runtimeClock(options.virtualClock);
    const virtualClock = clock instanceof VirtualClock ? clock : undefined;
    const keys: RuntimeKeys = runtimeKeys(options.keys);

    const app = await loadApp(entry);
    const index = indexFunctions(app.registrations);
    const functions = [...index.values()];
    const appHookData: Record<string, unknown> = {};
    const invoker = new Invoker(appHookData);
    const blobs = (container: string): BlobContainer => blobStore(connectionString, container);
    const context: RuntimeContext = { functions, settings, clock, invoker, blobs, log };

    // Durable: engine + client binding + HTTP API.
    let baseUrl = '';
    const { engine, clientData } = await startRuntimeDurable({
      functions: index,
      invoker,
      clock,
      log,
      connectionString,
      taskHub,
      systemKey: keys.systemKey,
      blobs,
      baseUrl: () => baseUrl,
    });

    const http: HttpHost = await startHttpHost({
      functions,
      invoker,
      keys,
      port: options.port ?? 7071,
      routePrefix: host.routePrefix,
      extraHandlers: [durableHttpHandler(engine, keys, clientData)],
      ...(Number(settings.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT) > 0
        ? { maxRequestBodyBytes: Number(settings.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT) }
        : {}),
      onError: (fn, error) =>
        log(`[${fn}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    });
    baseUrl = http.baseUrl;
    cleanups.push(() => http.close());

    await runAppHooks('appStart', appHookData);

    // Event hubs: one local hub per hub name the triggers use.
    const eventHubs = await startRuntimeEventHubs({
      ...context,
      host,
      eventHubPartitions: options.eventHubPartitions,
    });

    // Timers.
    const timers = await createRuntimeTimers({ ...context, hostId: options.hostId });

    await engine.resume();
    if (options.timers !== false) timers.host.start();

    let stopped = false;
    return {
      baseUrl,
      port: http.port,
      keys,
      functions: functionListing(index),
      settings,
      storageConnectionString: connectionString,
      clock,
      virtualClock,
      durable: durableApi(engine, clientData, virtualClock),
      eventHub: eventHubs.api,
      timers: timers.api,
      stop: async (stopOptions = {}) => {
        if (stopped) return;
        stopped = true;
        const parts = {
          http,
          engine,
          listeners: eventHubs.listeners,
          timerHost: timers.host,
          invoker,
          appHookData,
          cleanups,
          restoreSink,
        };
        await stopRuntime(parts, stopOptions.abandon === true);
      },
    };
  } catch (error) {
    await releaseRuntime(cleanups, restoreSink);
    throw error;
  }
}

const defaultLog: LogSink = (record) => console.log(record.message);
