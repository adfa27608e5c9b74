/**
 * Durable orchestrations in the runtime: one engine replaying from an instance store (Table storage,
 * large messages in blobs; memory when there is no storage account), and the `durableClient` /
 * `orchestrationClient` input bindings pointing at the runtime's own HTTP API. The engine is created
 * here but resumed by the runtime only once every trigger source is wired. `waitForCompletion` never
 * sleeps in real time while a virtual clock can jump to the next timer instead.
 */
import type { Clock, VirtualClock } from './clock.js';
import { DurableEngine, type ControlResult, type OrchestrationStatus } from './durable/durable-engine.js';
import { durableClientData, type DurableClientData } from './durable/durable-http-api.js';
import { isTerminal } from './durable/instance-state.js';
import { MemoryInstanceStore, TableInstanceStore, type InstanceStore } from './durable/instance-store.js';
import type { IndexedFunction } from './function-index.js';
import type { Invoker } from './invoker.js';
import type { BlobContainer } from './runtime-storage.js';

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

export interface RuntimeDurableOptions {
  functions: ReadonlyMap<string, IndexedFunction>;
  invoker: Invoker;
  clock: Clock;
  log: (message: string) => void;
  connectionString: string | undefined;
  taskHub: string;
  systemKey: string;
  blobs: (container: string) => BlobContainer;
  /** The HTTP host's base URL; read each time client data is built, as it is known only after start. */
  baseUrl: () => string;
}

export interface RuntimeDurable {
  engine: DurableEngine;
  clientData: () => DurableClientData;
}

export async function startRuntimeDurable(options: RuntimeDurableOptions): Promise<RuntimeDurable> {
  const { invoker, clock, connectionString, taskHub } = options;
  const largeMessages = options.blobs(`${taskHub.toLowerCase()}-largemessages`);
  await largeMessages.ensure();
  const instanceStore: InstanceStore =
    connectionString === undefined
      ? new MemoryInstanceStore()
      : new TableInstanceStore(connectionString, taskHub, largeMessages);
  const engine = new DurableEngine({
    functions: options.functions,
    invoker,
    store: instanceStore,
    clock,
    onLog: options.log,
  });
  const clientData = (): DurableClientData =>
    durableClientData(options.baseUrl(), taskHub, options.systemKey);
  const clientInput = (): { string: string } => ({ string: JSON.stringify(clientData()) });
  invoker.provide('durableClient', clientInput);
  invoker.provide('orchestrationClient', clientInput);
  return { engine, clientData };
}

export function durableApi(
  engine: DurableEngine,
  clientData: () => DurableClientData,
  virtualClock: VirtualClock | undefined,
): DurableApi {
  return {
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
}
