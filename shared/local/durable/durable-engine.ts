/**
 * A replay runtime for durable-functions orchestrations, standing in for the Durable extension.
 *
 * Invariants:
 * - One episode delivers exactly one new event (ExecutionStarted, a completion, a timer, an external
 *   event) after an OrchestratorStarted, then replays the whole history through the real orchestrator
 *   handler. That keeps our sequence-number bookkeeping in step with the SDK's, including the ids its
 *   retry logic takes silently (a retry timer on each failure, a re-run when the timer fires).
 * - Action leaves already seen must come back identical on replay (kind and target); a different one
 *   fails the instance with a non-determinism error instead of being ignored.
 * - Instance state is saved after every change and before any side effect it caused is started, so
 *   after a crash `resume()` re-runs open activities (at least once, as DTFx), re-arms timers and
 *   re-delivers sub-orchestration results: a restarted runtime continues where the last one stopped.
 * - Changes to one instance are serialised; instances run concurrently, activities in parallel.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { IndexedFunction } from '../function-index.js';
import type { Invoker } from '../invoker.js';
import { findOrchestrator } from './function-lookup.js';
import { EventType, historyEvent } from './history.js';
import { isTerminal, type InstanceState, type RuntimeStatus } from './instance-state.js';
import { InstanceRepository } from './instance-repository.js';
import type { InstanceStore } from './instance-store.js';
import { TimerTable } from './timer-table.js';
import { WorkLoop } from './work-loop.js';
import { WorkTracker } from './work-tracker.js';

export { retryDelayMs } from './delivery-bookkeeping.js';
export { UnknownFunctionError } from './function-lookup.js';
export { InstanceExistsError } from './instance-repository.js';

export interface DurableEngineOptions {
  functions: ReadonlyMap<string, IndexedFunction>;
  invoker: Invoker;
  store: InstanceStore;
  clock: Clock;
  onLog?: (message: string) => void;
}

export interface OrchestrationStatus {
  name: string;
  instanceId: string;
  createdTime: string;
  lastUpdatedTime: string;
  input: unknown;
  output: unknown;
  runtimeStatus: RuntimeStatus;
  customStatus: unknown;
  history?: unknown[];
}

export type ControlResult = 'accepted' | 'notFound' | 'gone';

export class DurableEngine {
  readonly #options: DurableEngineOptions;
  readonly #instances: InstanceRepository;
  readonly #tracker: WorkTracker;
  readonly #timers: TimerTable;
  readonly #loop: WorkLoop;

  constructor(options: DurableEngineOptions) {
    this.#options = options;
    this.#instances = new InstanceRepository(options.store, options.clock);
    this.#tracker = new WorkTracker(options.onLog);
    this.#timers = new TimerTable(options.clock);
    this.#loop = new WorkLoop({
      functions: options.functions,
      invoker: options.invoker,
      clock: options.clock,
      instances: this.#instances,
      tracker: this.#tracker,
      timers: this.#timers,
    });
  }

  /** Picks up every unfinished instance in the store (after a restart). */
  resume(): Promise<void> {
    return this.#loop.resume();
  }

  async startNew(name: string, options: { instanceId?: string; input?: unknown } = {}): Promise<string> {
    const fn = findOrchestrator(this.#options.functions, name);
    const instanceId = options.instanceId ?? randomUUID().replaceAll('-', '');
    await this.#instances.create(instanceId, fn.name, options.input);
    this.#tracker.track(this.#loop.pump(instanceId));
    return instanceId;
  }

  async getStatus(
    instanceId: string,
    options: { showHistory?: boolean } = {},
  ): Promise<OrchestrationStatus | undefined> {
    const state = await this.#instances.get(instanceId);
    return state === undefined ? undefined : statusOf(state, options.showHistory === true);
  }

  async listInstances(): Promise<OrchestrationStatus[]> {
    const result: OrchestrationStatus[] = [];
    for (const id of await this.#instances.list()) {
      const state = await this.#instances.get(id);
      if (state !== undefined) result.push(statusOf(state, false));
    }
    return result;
  }

  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<ControlResult> {
    const event = historyEvent(EventType.EventRaised, this.#options.clock.now(), {
      Name: eventName,
      Input: data === undefined ? null : JSON.stringify(data),
    });
    const result = await this.#instances.withLock(instanceId, async (): Promise<ControlResult> => {
      const state = await this.#instances.get(instanceId);
      if (state === undefined) return 'notFound';
      if (isTerminal(state.status)) return 'gone';
      state.pending.push(event);
      await this.#instances.save(state);
      return 'accepted';
    });
    if (result === 'accepted') this.#tracker.track(this.#loop.pump(instanceId));
    return result;
  }

  async terminate(instanceId: string, reason: string): Promise<ControlResult> {
    return this.#instances.withLock(instanceId, async (): Promise<ControlResult> => {
      const state = await this.#instances.get(instanceId);
      if (state === undefined) return 'notFound';
      if (isTerminal(state.status)) return 'gone';
      const now = this.#options.clock.now();
      state.history.push(historyEvent(EventType.ExecutionTerminated, now, { Input: JSON.stringify(reason) }));
      state.status = 'Terminated';
      state.output = reason;
      state.pending = [];
      this.#timers.disarmOpen(state);
      state.open = {};
      state.lastUpdatedTime = new Date(now).toISOString();
      await this.#instances.save(state);
      return 'accepted';
    });
  }

  /** Deletes a finished instance's state; returns how many instances were deleted. */
  async purge(instanceId: string): Promise<number> {
    return this.#instances.withLock(instanceId, async () => {
      const state = await this.#instances.get(instanceId);
      if (state === undefined || !isTerminal(state.status)) return 0;
      await this.#instances.delete(instanceId);
      return 1;
    });
  }

  /** Resolves when no episode, activity or delivery is in progress (armed timers do not count). */
  whenIdle(): Promise<void> {
    return this.#tracker.whenIdle();
  }

  /** Stops arming and firing timers and starting work; waits for work in progress. */
  async stop(): Promise<void> {
    this.#loop.stop();
    await this.whenIdle();
  }

  /** A simulated crash: from now on nothing is saved or started, whatever is still running. */
  abandon(): void {
    this.#instances.abandon();
    this.#tracker.abandon();
    this.#loop.stop();
  }
}

function statusOf(state: InstanceState, showHistory: boolean): OrchestrationStatus {
  return {
    name: state.name,
    instanceId: state.instanceId,
    createdTime: state.createdTime,
    lastUpdatedTime: state.lastUpdatedTime,
    input: state.input ?? null,
    output: isTerminal(state.status) ? (state.output ?? null) : null,
    runtimeStatus: state.status,
    customStatus: state.customStatus ?? null,
    ...(showHistory ? { history: state.history } : {}),
  };
}
