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
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { publishAppSettings } from '../config/config.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { MemoryStore } from '../delta/storage/memory-store.js';
import { AzureBlobStore } from '../storage/azure-blob-store.js';
import { readLocalSettings, resolveSettingReferences, type AppSettings } from './app-settings.js';
import { startAzurite, type Azurite } from './azurite.js';
import { realClock, VirtualClock, type Clock } from './clock.js';
import { DurableEngine, type ControlResult, type OrchestrationStatus } from './durable/durable-engine.js';
import { durableClientData, durableHttpHandler, type DurableClientData } from './durable/durable-http-api.js';
import { isTerminal } from './durable/instance-state.js';
import { MemoryInstanceStore, TableInstanceStore, type InstanceStore } from './durable/instance-store.js';
import { CHECKPOINT_CONTAINER, CheckpointStore } from './event-hub/checkpoint-store.js';
import { EventHubListener, type BatchOutcome } from './event-hub/event-hub-listener.js';
import {
  LocalEventHub,
  type EventInput,
  type PartitionInfo,
  type SendOptions,
  type StoredEvent,
} from './event-hub/local-event-hub.js';
import {
  functionListing,
  indexFunctions,
  type FunctionDescription,
  type IndexedFunction,
} from './function-index.js';
import { hostSettings, readHostJson, type HostSettings } from './host-json.js';
import { startHttpHost, type HttpHost } from './http-host.js';
import { Invoker } from './invoker.js';
import { TimerHost, type TimerFiring, type TimerInfo } from './timer-host.js';
import { loadApp, runAppHooks, setLogSink, type LogSink } from './worker-stand-in.js';

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
  timers: {
    list(): TimerInfo[];
    fire(name: string): Promise<TimerFiring>;
    onFired(listener: (firing: TimerFiring) => void): void;
  };
  stop(options?: { abandon?: boolean }): Promise<void>;
}

export interface EventHubApi {
  /** Event hub names known to the runtime (from the triggers). */
  hubs(): string[];
  send(
    events: readonly (EventInput | string)[],
    options?: SendOptions & { eventHubName?: string },
  ): Promise<StoredEvent[]>;
  partitions(eventHubName?: string): PartitionInfo[];
  onBatch(listener: (outcome: BatchOutcome) => void): void;
  /** Resolves when every listener has processed every event sent so far. */
  waitUntilDrained(options?: { timeoutMs?: number }): Promise<void>;
}

export interface DurableApi {
  startNew(name: string, options?: { instanceId?: string; input?: unknown }): Promise<string>;
  getStatus(
    instanceId: string,
    options?: { showHistory?: boolean },
  ): Promise<OrchestrationStatus | undefined>;
  listInstances(): Promise<OrchestrationStatus[]>;
  raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<ControlResult>;
  terminate(instanceId: string, reason: string): Promise<ControlResult>;
  purge(instanceId: string): Promise<number>;
  /** The `durableClient` binding data client functions receive. */
  clientData(): DurableClientData;
  whenIdle(): Promise<void>;
  /**
   * Waits until the instance is finished. With a virtual clock, time jumps to the next timer whenever
   * nothing else is running. `timeoutMs` is real time.
   */
  waitForCompletion(instanceId: string, options?: { timeoutMs?: number }): Promise<OrchestrationStatus>;
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
    let azurite: Azurite | undefined;
    let connectionString: string | undefined;
    if (options.azurite === false) connectionString = undefined;
    else if (options.azurite !== undefined && 'connectionString' in options.azurite)
      connectionString = options.azurite.connectionString;
    else {
      azurite = await startAzurite(
        options.azurite?.location === undefined ? {} : { location: options.azurite.location },
      );
      const owned = azurite;
      cleanups.push(() => owned.stop());
      connectionString = azurite.connectionString;
    }

    const local = await readLocalSettings(join(appDir, 'local.settings.json'));
    const storageDefaults: Record<string, string> = {};
    for (const [key, value] of Object.entries(local)) {
      if (connectionString !== undefined && /UseDevelopmentStorage=true/i.test(value))
        storageDefaults[key] = connectionString;
    }
    if (connectionString !== undefined) storageDefaults.AzureWebJobsStorage = connectionString;
    const explicit = { ...storageDefaults, ...(options.settings ?? {}) };
    const settings: AppSettings = Object.freeze({ ...local, ...explicit });
    publishAppSettings(settings, new Set(Object.keys(explicit)));

    const host: HostSettings = hostSettings(
      options.hostJson ?? (await readHostJson(join(appDir, 'host.json'))),
    );
    const taskHub = resolveSettingReferences(host.taskHub, settings, 'host.json durableTask.hubName');
    const clock: Clock =
      options.virtualClock instanceof VirtualClock
        ? options.virtualClock
        : options.virtualClock === true
          ? new VirtualClock()
          : realClock;
    const virtualClock = clock instanceof VirtualClock ? clock : undefined;
    const keys: RuntimeKeys = {
      functionKey: options.keys?.functionKey ?? randomKey(),
      masterKey: options.keys?.masterKey ?? randomKey(),
      systemKey: options.keys?.systemKey ?? randomKey(),
    };

    const app = await loadApp(entry);
    const index = indexFunctions(app.registrations);
    const functions = [...index.values()];
    const appHookData: Record<string, unknown> = {};
    const invoker = new Invoker(appHookData);
    const blobs = (container: string): ObjectStore & { ensure(): Promise<void> } =>
      blobStore(connectionString, container);

    // Durable: engine + client binding + HTTP API.
    const largeMessages = blobs(`${taskHub.toLowerCase()}-largemessages`);
    await largeMessages.ensure();
    const instanceStore: InstanceStore =
      connectionString === undefined
        ? new MemoryInstanceStore()
        : new TableInstanceStore(connectionString, taskHub, largeMessages);
    const engine = new DurableEngine({ functions: index, invoker, store: instanceStore, clock, onLog: log });
    let baseUrl = '';
    const clientData = (): DurableClientData => durableClientData(baseUrl, taskHub, keys.systemKey);
    const clientInput = (): { string: string } => ({ string: JSON.stringify(clientData()) });
    invoker.provide('durableClient', clientInput);
    invoker.provide('orchestrationClient', clientInput);

    const http: HttpHost = await startHttpHost({
      functions,
      invoker,
      keys,
      port: options.port ?? 7071,
      routePrefix: host.routePrefix,
      extraHandlers: [durableHttpHandler(engine, keys, clientData)],
      onError: (fn, error) =>
        log(`[${fn}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    });
    baseUrl = http.baseUrl;
    cleanups.push(() => http.close());

    await runAppHooks('appStart', appHookData);

    // Event hubs: one local hub per hub name the triggers use.
    const eventHubFunctions = functions.filter((fn) => fn.triggerType === 'eventHubTrigger');
    const hubs = new Map<string, LocalEventHub>();
    const hubStore = blobs('local-eventhubs');
    const checkpointContainer = blobs(CHECKPOINT_CONTAINER);
    await Promise.all([hubStore.ensure(), checkpointContainer.ensure()]);
    const checkpoints = new CheckpointStore(checkpointContainer);
    const openHub = async (name: string, namespace: string): Promise<LocalEventHub> => {
      const existing = hubs.get(name.toLowerCase());
      if (existing !== undefined) return existing;
      const hub = await LocalEventHub.open({
        fullyQualifiedNamespace: namespace,
        name,
        partitionCount: options.eventHubPartitions ?? 4,
        store: hubStore,
        clock,
      });
      hubs.set(name.toLowerCase(), hub);
      return hub;
    };
    const batchListeners: ((outcome: BatchOutcome) => void)[] = [];
    const listeners: EventHubListener[] = [];
    for (const fn of eventHubFunctions) {
      const where = `event hub function "${fn.name}"`;
      const hubName = resolveSettingReferences(fn.eventHubName ?? '', settings, where);
      const namespace = namespaceOf(fn, settings);
      const hub = await openHub(hubName, namespace);
      listeners.push(
        new EventHubListener({
          fn,
          hub,
          consumerGroup: resolveSettingReferences(fn.consumerGroup ?? '$Default', settings, where),
          checkpoints,
          invoker,
          clock,
          maxEventBatchSize: host.maxEventBatchSize,
          batchCheckpointFrequency: host.batchCheckpointFrequency,
          initialOffset: host.initialOffset,
          onBatch: (outcome) => {
            if (!outcome.succeeded)
              log(
                `[${outcome.functionName}] batch ${outcome.partitionId}:${outcome.firstSequenceNumber}-${outcome.lastSequenceNumber} failed: ${outcome.error ?? ''}`,
              );
            for (const listener of batchListeners) listener(outcome);
          },
        }),
      );
    }
    for (const listener of listeners) await listener.start();

    // Timers.
    const timerHost = new TimerHost({
      functions,
      invoker,
      settings,
      clock,
      store: await ensured(blobs('azure-webjobs-hosts')),
      hostId: options.hostId ?? 'local-runtime',
      onFired: (firing) => {
        if (!firing.succeeded) log(`[${firing.functionName}] timer run failed: ${firing.error ?? ''}`);
        for (const listener of timerListeners) listener(firing);
      },
    });
    const timerListeners: ((firing: TimerFiring) => void)[] = [];

    await engine.resume();
    if (options.timers !== false) timerHost.start();

    let stopped = false;
    const hubFor = (name: string | undefined): LocalEventHub => {
      if (name === undefined) {
        const only = [...hubs.values()];
        if (only.length !== 1 || only[0] === undefined)
          throw new Error(
            `name the event hub: the runtime has ${only.length} (${[...hubs.keys()].join(', ')})`,
          );
        return only[0];
      }
      const hub = hubs.get(name.toLowerCase());
      if (hub === undefined)
        throw new Error(`no event hub "${name}" (known: ${[...hubs.keys()].join(', ') || 'none'})`);
      return hub;
    };

    const durable: DurableApi = {
      startNew: (name, o) => engine.startNew(name, o),
      getStatus: (id, o) => engine.getStatus(id, o),
      listInstances: () => engine.listInstances(),
      raiseEvent: (id, name, data) => engine.raiseEvent(id, name, data),
      terminate: (id, reason) => engine.terminate(id, reason),
      purge: (id) => engine.purge(id),
      clientData,
      whenIdle: () => engine.whenIdle(),
      waitForCompletion: async (id, o = {}) => {
        const deadline = Date.now() + (o.timeoutMs ?? 30_000);
        for (;;) {
          await engine.whenIdle();
          const status = await engine.getStatus(id);
          if (status !== undefined && isTerminal(status.runtimeStatus)) return status;
          if (Date.now() > deadline)
            throw new Error(
              `orchestration ${id} did not finish in time (status ${status?.runtimeStatus ?? 'unknown'})`,
            );
          const next = virtualClock?.nextWakeUp();
          if (virtualClock !== undefined && next !== undefined) await virtualClock.advanceTo(next);
          else await new Promise((r) => setTimeout(r, 10));
        }
      },
    };

    return {
      baseUrl,
      port: http.port,
      keys,
      functions: functionListing(index),
      settings,
      storageConnectionString: connectionString,
      clock,
      virtualClock,
      durable,
      eventHub: {
        hubs: () => [...hubs.values()].map((h) => h.name),
        send: (events, o = {}) => hubFor(o.eventHubName).send(events, o),
        partitions: (name) => hubFor(name).partitions(),
        onBatch: (listener) => batchListeners.push(listener),
        waitUntilDrained: async (o = {}) => {
          const deadline = Date.now() + (o.timeoutMs ?? 30_000);
          const drained = (): boolean =>
            listeners.every((l) => {
              const fn = eventHubFunctions.find((f) => f.name === l.functionName) as IndexedFunction;
              const hub = hubFor(resolveSettingReferences(fn.eventHubName ?? '', settings, fn.name));
              return hub.partitions().every((p) => l.processedUpTo(p.partitionId) > p.lastSequenceNumber);
            });
          while (!drained()) {
            if (Date.now() > deadline) throw new Error('event hub listeners did not drain in time');
            await new Promise((r) => setTimeout(r, 10));
          }
        },
      },
      timers: {
        list: () => timerHost.list(),
        fire: (name) => timerHost.fire(name),
        onFired: (listener) => timerListeners.push(listener),
      },
      stop: async (stopOptions = {}) => {
        if (stopped) return;
        stopped = true;
        const abandon = stopOptions.abandon === true;
        await http.close();
        if (abandon) {
          engine.abandon();
          await Promise.all(listeners.map((l) => l.stop({ abandon: true })));
          void timerHost.stop();
        } else {
          await timerHost.stop();
          await Promise.all(listeners.map((l) => l.stop()));
          await engine.stop();
          await invoker.whenIdle();
          await runAppHooks('appTerminate', appHookData);
        }
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
        restoreSink?.();
      },
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    restoreSink?.();
    throw error;
  }
}

const defaultLog: LogSink = (record) => console.log(record.message);

function randomKey(): string {
  return randomBytes(24).toString('base64url');
}

/** The namespace from the connection setting's `Endpoint=sb://<host>/`, else a local placeholder. */
function namespaceOf(fn: IndexedFunction, settings: AppSettings): string {
  const connection =
    fn.connection === undefined
      ? undefined
      : (settings[fn.connection] ?? settings[`${fn.connection}__fullyQualifiedNamespace`]);
  const endpoint = connection === undefined ? undefined : /Endpoint=sb:\/\/([^/;]+)/i.exec(connection)?.[1];
  if (endpoint !== undefined) return endpoint;
  if (connection !== undefined && !connection.includes('=')) return connection;
  return 'localhost.servicebus.local';
}

function blobStore(
  connectionString: string | undefined,
  container: string,
): ObjectStore & { ensure(): Promise<void> } {
  if (connectionString === undefined)
    return Object.assign(new MemoryStore(container), { ensure: () => Promise.resolve() });
  const store = AzureBlobStore.fromConnectionString(connectionString, container);
  return Object.assign(store, { ensure: () => store.ensureContainer() });
}

async function ensured<T extends { ensure(): Promise<void> }>(store: T): Promise<T> {
  await store.ensure();
  return store;
}
