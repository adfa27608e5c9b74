/**
 * Runs instances forward: an instance with pending events gets episodes, one at a time under its
 * lock, until nothing is pending; after each one the state is saved before the timers it cancelled
 * are disarmed and the work it asked for (activities, timers, sub-orchestrations, the parent's
 * notification) is started. Completions come back through `deliver`, which queues them only for a
 * still-open task of the same execution, so late, duplicate and stale completions are dropped.
 * Activities run at least once: after a crash, `resume()` re-runs the open ones.
 */
import type { Clock } from '../clock.js';
import type { Invoker } from '../invoker.js';
import { fromTypedData } from '../rpc-data.js';
import { asError } from './as-error.js';
import type { Effects } from './effects.js';
import { runEpisode } from './episode.js';
import { findActivity, findOrchestrator, type FunctionMap } from './function-lookup.js';
import { EventType, failureFields, historyEvent, type HistoryEvent } from './history.js';
import { isTerminal, type InstanceState, type OpenTask } from './instance-state.js';
import type { InstanceRepository } from './instance-repository.js';
import { invokeOrchestrator } from './orchestrator-invocation.js';
import type { TimerTable } from './timer-table.js';
import type { WorkTracker } from './work-tracker.js';

export interface WorkLoopPorts {
  functions: FunctionMap;
  invoker: Invoker;
  clock: Clock;
  instances: InstanceRepository;
  tracker: WorkTracker;
  timers: TimerTable;
}

export class WorkLoop {
  readonly #functions: FunctionMap;
  readonly #invoker: Invoker;
  readonly #clock: Clock;
  readonly #instances: InstanceRepository;
  readonly #tracker: WorkTracker;
  readonly #timers: TimerTable;
  #stopped = false;

  constructor(ports: WorkLoopPorts) {
    this.#functions = ports.functions;
    this.#invoker = ports.invoker;
    this.#clock = ports.clock;
    this.#instances = ports.instances;
    this.#tracker = ports.tracker;
    this.#timers = ports.timers;
  }

  /** Picks up every unfinished instance in the store (after a restart). */
  async resume(): Promise<void> {
    for (const id of await this.#instances.list()) {
      const state = await this.#instances.get(id);
      if (state === undefined || isTerminal(state.status)) continue;
      for (const [key, task] of Object.entries(state.open)) {
        if (task.completed === true) continue;
        const taskId = Number(key);
        if (task.kind === 'activity')
          this.#tracker.track(this.#runActivity(state.instanceId, state.executionId, taskId, task));
        else if (task.kind === 'timer' || task.kind === 'retryTimer')
          this.#armTimer(state.instanceId, state.executionId, taskId, task.fireAt);
        else this.#tracker.track(this.#resumeChild(state, taskId, task));
      }
      if (state.pending.length > 0) this.#tracker.track(this.pump(id));
    }
  }

  async pump(instanceId: string): Promise<void> {
    await this.#instances.withLock(instanceId, async () => {
      const state = await this.#instances.get(instanceId);
      while (state !== undefined && !this.#stopped && !isTerminal(state.status) && state.pending.length > 0) {
        const effects = await runEpisode(state, this.#clock.now(), (s) =>
          invokeOrchestrator(this.#invoker, this.#functions, s),
        );
        await this.#instances.save(state);
        // Cancelled timers go before the next episode could see them fire; new work starts only now
        // that the state naming it is saved.
        for (const id of effects.cancelTimers) this.#timers.disarm(state.instanceId, id);
        this.#dispatch(state, effects);
      }
    });
  }

  /** Stops arming and firing timers and running episodes; work in progress goes on. */
  stop(): void {
    this.#stopped = true;
    this.#timers.disarmAll();
  }

  #dispatch(state: InstanceState, effects: Effects): void {
    const { instanceId, executionId } = state;
    for (const id of effects.activities) {
      const task = state.open[String(id)];
      if (task?.kind === 'activity')
        this.#tracker.track(this.#runActivity(instanceId, executionId, id, task));
    }
    for (const id of effects.timers) {
      const task = state.open[String(id)];
      if (task?.kind === 'timer' || task?.kind === 'retryTimer')
        this.#armTimer(instanceId, executionId, id, task.fireAt);
    }
    for (const id of effects.children) {
      const task = state.open[String(id)];
      if (task?.kind === 'subOrchestration') this.#tracker.track(this.#startChild(state, id, task));
    }
    if (effects.finished && state.parent !== undefined) this.#tracker.track(this.#notifyParent(state));
  }

  async #runActivity(
    instanceId: string,
    executionId: number,
    id: number,
    task: Extract<OpenTask, { kind: 'activity' }>,
  ): Promise<void> {
    let event: HistoryEvent;
    try {
      const fn = findActivity(this.#functions, task.name);
      const response = await this.#invoker.invoke(fn, { trigger: { string: task.input } });
      const result = fromTypedData(response.returnValue);
      event = historyEvent(EventType.TaskCompleted, this.#clock.now(), {
        TaskScheduledId: id,
        Result: JSON.stringify(result ?? null),
      });
    } catch (error) {
      event = historyEvent(EventType.TaskFailed, this.#clock.now(), {
        TaskScheduledId: id,
        ...failureFields(asError(error)),
      });
    }
    await this.#deliver(instanceId, executionId, id, event);
  }

  #armTimer(instanceId: string, executionId: number, id: number, fireAt: string): void {
    if (this.#stopped) return;
    this.#timers.arm(instanceId, executionId, id, fireAt, () =>
      this.#tracker.track(
        this.#deliver(
          instanceId,
          executionId,
          id,
          historyEvent(EventType.TimerFired, this.#clock.now(), { TimerId: id, FireAt: fireAt }),
        ),
      ),
    );
  }

  async #startChild(
    parent: InstanceState,
    id: number,
    task: Extract<OpenTask, { kind: 'subOrchestration' }>,
  ): Promise<void> {
    let failure: Error | undefined;
    try {
      const fn = findOrchestrator(this.#functions, task.name);
      await this.#instances.create(task.instanceId, fn.name, task.input, (child) => {
        child.parent = {
          instanceId: parent.instanceId,
          taskScheduledId: id,
          executionId: parent.executionId,
        };
      });
    } catch (error) {
      failure = asError(error);
    }
    if (failure !== undefined) {
      const event = historyEvent(EventType.SubOrchestrationInstanceFailed, this.#clock.now(), {
        TaskScheduledId: id,
        ...failureFields(failure),
      });
      await this.#deliver(parent.instanceId, parent.executionId, id, event);
      return;
    }
    await this.pump(task.instanceId);
  }

  async #resumeChild(
    parent: InstanceState,
    id: number,
    task: Extract<OpenTask, { kind: 'subOrchestration' }>,
  ): Promise<void> {
    const child = await this.#instances.get(task.instanceId);
    if (child === undefined) return this.#startChild(parent, id, task);
    if (isTerminal(child.status)) await this.#notifyParent(child);
  }

  async #notifyParent(child: InstanceState): Promise<void> {
    const parent = child.parent;
    if (parent === undefined) return;
    const now = this.#clock.now();
    const event =
      child.status === 'Completed'
        ? historyEvent(EventType.SubOrchestrationInstanceCompleted, now, {
            TaskScheduledId: parent.taskScheduledId,
            Result: JSON.stringify(child.output ?? null),
          })
        : historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
            TaskScheduledId: parent.taskScheduledId,
            ...failureFields({
              name: 'OrchestrationFailure',
              message: `Sub-orchestration "${child.name}" (${child.instanceId}) ${child.status.toLowerCase()}: ${String(child.output)}`,
            }),
          });
    await this.#deliver(parent.instanceId, parent.executionId, parent.taskScheduledId, event);
  }

  /** Queues a completion for an open task of the given execution (stale ones are dropped). */
  async #deliver(
    instanceId: string,
    executionId: number | undefined,
    id: number,
    event: HistoryEvent,
  ): Promise<void> {
    const queued = await this.#instances.withLock(instanceId, async () => {
      const state = await this.#instances.get(instanceId);
      if (state === undefined || isTerminal(state.status)) return false;
      if (executionId !== undefined && state.executionId !== executionId) return false;
      const task = state.open[String(id)];
      if (task === undefined || task.completed === true) return false;
      task.completed = true;
      state.pending.push(event);
      await this.#instances.save(state);
      return true;
    });
    if (queued) await this.pump(instanceId);
  }
}
