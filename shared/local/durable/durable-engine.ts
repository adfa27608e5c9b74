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
import { fromTypedData } from '../rpc-data.js';
import {
  ActionType,
  actionName,
  actionSignature,
  activityInputText,
  flattenActions,
  takesSequenceNumber,
  type ActionJson,
  type OrchestratorStateJson,
  type RetryOptionsJson,
} from './actions.js';
import { EventType, failureFields, historyEvent, type HistoryEvent } from './history.js';
import { isTerminal, type InstanceState, type OpenTask, type RuntimeStatus } from './instance-state.js';
import type { InstanceStore } from './instance-store.js';

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

export class InstanceExistsError extends Error {
  constructor(readonly instanceId: string) {
    super(`an orchestration instance "${instanceId}" already exists and is not finished`);
    this.name = 'InstanceExistsError';
  }
}

export class UnknownFunctionError extends Error {
  constructor(
    readonly functionName: string,
    readonly kind: string,
  ) {
    super(`no ${kind} function named "${functionName}" is registered`);
    this.name = 'UnknownFunctionError';
  }
}

const OUT_OF_PROC_LABEL = '$OutOfProcData$:';

interface Effects {
  activities: number[];
  timers: number[];
  cancelTimers: number[];
  children: number[];
  finished: boolean;
}

export class DurableEngine {
  readonly #options: DurableEngineOptions;
  readonly #cache = new Map<string, InstanceState>();
  readonly #locks = new Map<string, Promise<void>>();
  readonly #timers = new Map<string, AbortController>();
  #busy = 0;
  #idleWaiters: (() => void)[] = [];
  #stopped = false;
  #abandoned = false;

  constructor(options: DurableEngineOptions) {
    this.#options = options;
  }

  /** Picks up every unfinished instance in the store (after a restart). */
  async resume(): Promise<void> {
    for (const id of await this.#options.store.list()) {
      const state = await this.#get(id);
      if (state === undefined || isTerminal(state.status)) continue;
      for (const [key, task] of Object.entries(state.open)) {
        if (task.completed === true) continue;
        const taskId = Number(key);
        if (task.kind === 'activity')
          this.#track(this.#runActivity(state.instanceId, state.executionId, taskId, task));
        else if (task.kind === 'timer' || task.kind === 'retryTimer')
          this.#armTimer(state.instanceId, state.executionId, taskId, task.fireAt);
        else this.#track(this.#resumeChild(state, taskId, task));
      }
      if (state.pending.length > 0) this.#track(this.#pump(id));
    }
  }

  async startNew(name: string, options: { instanceId?: string; input?: unknown } = {}): Promise<string> {
    const fn = this.#orchestrator(name);
    const instanceId = options.instanceId ?? randomUUID().replaceAll('-', '');
    await this.#withLock(instanceId, async () => {
      const existing = await this.#get(instanceId);
      if (existing !== undefined && !isTerminal(existing.status)) throw new InstanceExistsError(instanceId);
      const state = this.#newState(instanceId, fn.name, options.input);
      await this.#save(state);
    });
    this.#track(this.#pump(instanceId));
    return instanceId;
  }

  async getStatus(
    instanceId: string,
    options: { showHistory?: boolean } = {},
  ): Promise<OrchestrationStatus | undefined> {
    const state = await this.#get(instanceId);
    return state === undefined ? undefined : statusOf(state, options.showHistory === true);
  }

  async listInstances(): Promise<OrchestrationStatus[]> {
    const result: OrchestrationStatus[] = [];
    for (const id of await this.#options.store.list()) {
      const state = await this.#get(id);
      if (state !== undefined) result.push(statusOf(state, false));
    }
    return result;
  }

  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<ControlResult> {
    const event = historyEvent(EventType.EventRaised, this.#options.clock.now(), {
      Name: eventName,
      Input: data === undefined ? null : JSON.stringify(data),
    });
    const result = await this.#withLock(instanceId, async (): Promise<ControlResult> => {
      const state = await this.#get(instanceId);
      if (state === undefined) return 'notFound';
      if (isTerminal(state.status)) return 'gone';
      state.pending.push(event);
      await this.#save(state);
      return 'accepted';
    });
    if (result === 'accepted') this.#track(this.#pump(instanceId));
    return result;
  }

  async terminate(instanceId: string, reason: string): Promise<ControlResult> {
    return this.#withLock(instanceId, async (): Promise<ControlResult> => {
      const state = await this.#get(instanceId);
      if (state === undefined) return 'notFound';
      if (isTerminal(state.status)) return 'gone';
      const now = this.#options.clock.now();
      state.history.push(historyEvent(EventType.ExecutionTerminated, now, { Input: JSON.stringify(reason) }));
      state.status = 'Terminated';
      state.output = reason;
      state.pending = [];
      this.#cancelAllTimers(state);
      state.open = {};
      state.lastUpdatedTime = new Date(now).toISOString();
      await this.#save(state);
      return 'accepted';
    });
  }

  /** Deletes a finished instance's state; returns how many instances were deleted. */
  async purge(instanceId: string): Promise<number> {
    return this.#withLock(instanceId, async () => {
      const state = await this.#get(instanceId);
      if (state === undefined || !isTerminal(state.status)) return 0;
      await this.#options.store.delete(instanceId);
      this.#cache.delete(instanceId);
      return 1;
    });
  }

  /** Resolves when no episode, activity or delivery is in progress (armed timers do not count). */
  whenIdle(): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops arming and firing timers and starting work; waits for work in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const controller of this.#timers.values()) controller.abort();
    this.#timers.clear();
    await this.whenIdle();
  }

  /** A simulated crash: from now on nothing is saved or started, whatever is still running. */
  abandon(): void {
    this.#abandoned = true;
    this.#stopped = true;
    for (const controller of this.#timers.values()) controller.abort();
    this.#timers.clear();
  }

  // ---- episodes ----

  async #pump(instanceId: string): Promise<void> {
    await this.#withLock(instanceId, async () => {
      const state = await this.#get(instanceId);
      while (state !== undefined && !this.#stopped && !isTerminal(state.status) && state.pending.length > 0) {
        const effects = await this.#episode(state);
        await this.#save(state);
        // Cancelled timers go before the next episode could see them fire; new work starts only now
        // that the state naming it is saved.
        for (const id of effects.cancelTimers) this.#disarm(state.instanceId, id);
        this.#dispatch(state, effects);
      }
    });
  }

  async #episode(state: InstanceState): Promise<Effects> {
    const effects: Effects = { activities: [], timers: [], cancelTimers: [], children: [], finished: false };
    const now = this.#options.clock.now();
    const event = state.pending.shift() as HistoryEvent;
    const extra: HistoryEvent[] = [];
    this.#beforeDelivery(state, event, now, effects, extra);
    for (const past of state.history) past.IsPlayed = true;
    state.history.push(historyEvent(EventType.OrchestratorStarted, now), event, ...extra);
    state.status = 'Running';

    const outcome = await this.#runOrchestrator(state);
    const violation =
      outcome.state === undefined ? undefined : this.#applyActions(state, outcome.state, now, effects);
    state.customStatus = outcome.state?.customStatus ?? null;
    state.lastUpdatedTime = new Date(now).toISOString();
    if (violation !== undefined || outcome.error !== undefined) {
      const message = violation ?? outcome.error ?? 'orchestrator failed';
      this.#finish(state, 'Failed', message, now, effects);
      state.history.push(historyEvent(EventType.ExecutionFailed, now, { Reason: message }));
    } else if (outcome.state?.isDone === true) {
      const continued = flattenActions(outcome.state).find((a) => a.actionType === ActionType.ContinueAsNew);
      if (continued !== undefined) this.#continueAsNew(state, continued, now, effects);
      else {
        this.#finish(state, 'Completed', outcome.state.output ?? null, now, effects);
        state.history.push(
          historyEvent(EventType.ExecutionCompleted, now, { Result: JSON.stringify(state.output) }),
        );
      }
    }
    state.history.push(historyEvent(EventType.OrchestratorCompleted, now));
    return effects;
  }

  /** Bookkeeping the SDK does implicitly when it reads `event`: retry timers and re-runs take ids. */
  #beforeDelivery(
    state: InstanceState,
    event: HistoryEvent,
    now: number,
    effects: Effects,
    extra: HistoryEvent[],
  ): void {
    const completes = event.TaskScheduledId ?? event.TimerId;
    if (completes === undefined) return;
    const task = state.open[String(completes)];
    delete state.open[String(completes)];
    if (task === undefined) return;
    const failed =
      event.EventType === EventType.TaskFailed ||
      event.EventType === EventType.SubOrchestrationInstanceFailed;
    if (
      failed &&
      (task.kind === 'activity' || task.kind === 'subOrchestration') &&
      task.retry !== undefined
    ) {
      const failures = task.retry.failures + 1;
      const timerId = state.nextId++;
      const fireAt = new Date(now + retryDelayMs(task.retry.options, failures)).toISOString();
      const retry = { options: task.retry.options, failures };
      state.open[String(timerId)] = {
        kind: 'retryTimer',
        fireAt,
        retryOf:
          task.kind === 'activity'
            ? { kind: 'activity', name: task.name, input: task.input, retry }
            : { kind: 'subOrchestration', name: task.name, input: task.input, retry },
      };
      extra.push(historyEvent(EventType.TimerCreated, now, { FireAt: fireAt }, timerId));
      effects.timers.push(timerId);
    } else if (
      task.kind === 'retryTimer' &&
      task.retryOf.retry.failures < task.retryOf.retry.options.maxNumberOfAttempts
    ) {
      const rerunId = state.nextId++;
      const target = task.retryOf;
      if (target.kind === 'activity') {
        state.open[String(rerunId)] = {
          kind: 'activity',
          name: target.name,
          input: target.input,
          retry: target.retry,
        };
        extra.push(
          historyEvent(EventType.TaskScheduled, now, { Name: target.name, Input: target.input }, rerunId),
        );
        effects.activities.push(rerunId);
      } else {
        const childId = `${state.instanceId}:${rerunId}`;
        state.open[String(rerunId)] = {
          kind: 'subOrchestration',
          name: target.name,
          instanceId: childId,
          input: target.input,
          retry: target.retry,
        };
        extra.push(
          historyEvent(
            EventType.SubOrchestrationInstanceCreated,
            now,
            { Name: target.name, InstanceId: childId, Input: JSON.stringify(target.input ?? null) },
            rerunId,
          ),
        );
        effects.children.push(rerunId);
      }
    }
  }

  async #runOrchestrator(state: InstanceState): Promise<{ state?: OrchestratorStateJson; error?: string }> {
    const fn = this.#orchestrator(state.name);
    const binding = {
      history: state.history,
      input: state.input,
      instanceId: state.instanceId,
      isReplaying: false,
      parentInstanceId: state.parent?.instanceId ?? null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      // Long enough that the SDK never splits a timer into a LongTimerTask chain.
      longRunningTimerIntervalDuration: '3.00:00:00',
      maximumShortTimerDuration: '36500.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    try {
      const response = await this.#options.invoker.invoke(fn, {
        trigger: { string: JSON.stringify(binding) },
      });
      const returned = fromTypedData(response.returnValue) as OrchestratorStateJson | undefined;
      if (returned === undefined || !Array.isArray(returned.actions))
        return { error: `orchestrator "${state.name}" returned no orchestration state` };
      return { state: returned };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = message.indexOf(OUT_OF_PROC_LABEL);
      if (at < 0) return { error: message };
      const failed = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as OrchestratorStateJson;
      return { state: failed, error: failed.error ?? message.slice(0, at).trim() };
    }
  }

  /** Schedules the new leaves; returns a determinism violation message, if any. */
  #applyActions(
    state: InstanceState,
    result: OrchestratorStateJson,
    now: number,
    effects: Effects,
  ): string | undefined {
    const leaves = flattenActions(result);
    const leafIds = state.leafIds;
    for (let i = 0; i < Math.min(leaves.length, state.knownActions.length); i++) {
      const expected = state.knownActions[i];
      const actual = actionSignature(leaves[i] as ActionJson);
      if (expected !== actual) {
        return `Non-deterministic workflow detected: action #${i} was ${expected} in the history but the orchestrator now produced ${actual}`;
      }
    }
    for (let i = state.knownActions.length; i < leaves.length; i++) {
      const action = leaves[i] as ActionJson;
      state.knownActions.push(actionSignature(action));
      if (!takesSequenceNumber(action)) {
        leafIds.push(-1);
        continue;
      }
      const id = state.nextId++;
      leafIds.push(id);
      switch (action.actionType) {
        case ActionType.CallActivity:
        case ActionType.CallActivityWithRetry: {
          const name = action.functionName ?? '';
          const input = activityInputText(action);
          state.open[String(id)] = {
            kind: 'activity',
            name,
            input,
            ...(action.retryOptions ? { retry: { options: action.retryOptions, failures: 0 } } : {}),
          };
          state.history.push(historyEvent(EventType.TaskScheduled, now, { Name: name, Input: input }, id));
          effects.activities.push(id);
          break;
        }
        case ActionType.CreateTimer: {
          const fireAt = new Date(action.fireAt ?? now).toISOString();
          if (action.isCanceled === true) break;
          state.open[String(id)] = { kind: 'timer', fireAt };
          state.history.push(historyEvent(EventType.TimerCreated, now, { FireAt: fireAt }, id));
          effects.timers.push(id);
          break;
        }
        case ActionType.CallSubOrchestrator:
        case ActionType.CallSubOrchestratorWithRetry: {
          const name = action.functionName ?? '';
          const childId = action.instanceId ?? `${state.instanceId}:${id}`;
          state.open[String(id)] = {
            kind: 'subOrchestration',
            name,
            instanceId: childId,
            input: action.input,
            ...(action.retryOptions ? { retry: { options: action.retryOptions, failures: 0 } } : {}),
          };
          state.history.push(
            historyEvent(
              EventType.SubOrchestrationInstanceCreated,
              now,
              { Name: name, InstanceId: childId, Input: JSON.stringify(action.input ?? null) },
              id,
            ),
          );
          effects.children.push(id);
          break;
        }
        default:
          return `${actionName(action.actionType)} is not supported by the local durable runtime`;
      }
    }
    // Timers the orchestrator gave up on (a Task.any won by something else).
    leaves.forEach((action, i) => {
      const id = leafIds[i];
      if (
        action.actionType !== ActionType.CreateTimer ||
        action.isCanceled !== true ||
        id === undefined ||
        id < 0
      )
        return;
      const open = state.open[String(id)];
      if (open?.kind === 'timer' && open.completed !== true) {
        delete state.open[String(id)];
        effects.cancelTimers.push(id);
      }
    });
    return undefined;
  }

  #continueAsNew(state: InstanceState, action: ActionJson, now: number, effects: Effects): void {
    const input =
      typeof action.input === 'string' ? (JSON.parse(action.input) as unknown) : (action.input ?? null);
    state.history.push(historyEvent(EventType.ContinueAsNew, now, { Result: JSON.stringify(input) }));
    this.#cancelOpen(state, effects);
    state.executionId++;
    state.input = input;
    state.history = [];
    state.knownActions = [];
    state.leafIds = [];
    state.nextId = 0;
    state.open = {};
    // External events not yet delivered carry over to the new execution, like later arrivals.
    const carried = state.pending.filter((e) => e.EventType === EventType.EventRaised);
    state.pending = [
      historyEvent(EventType.ExecutionStarted, now, { Name: state.name, Input: JSON.stringify(input) }),
      ...carried,
    ];
    state.status = 'Running';
  }

  #finish(state: InstanceState, status: RuntimeStatus, output: unknown, now: number, effects: Effects): void {
    state.status = status;
    state.output = output;
    state.lastUpdatedTime = new Date(now).toISOString();
    this.#cancelOpen(state, effects);
    effects.finished = true;
  }

  #cancelOpen(state: InstanceState, effects: Effects): void {
    for (const [key, task] of Object.entries(state.open)) {
      if (task.kind === 'timer' || task.kind === 'retryTimer') effects.cancelTimers.push(Number(key));
    }
  }

  // ---- side effects ----

  #dispatch(state: InstanceState, effects: Effects): void {
    const { instanceId, executionId } = state;
    for (const id of effects.activities) {
      const task = state.open[String(id)];
      if (task?.kind === 'activity') this.#track(this.#runActivity(instanceId, executionId, id, task));
    }
    for (const id of effects.timers) {
      const task = state.open[String(id)];
      if (task?.kind === 'timer' || task?.kind === 'retryTimer')
        this.#armTimer(instanceId, executionId, id, task.fireAt);
    }
    for (const id of effects.children) {
      const task = state.open[String(id)];
      if (task?.kind === 'subOrchestration') this.#track(this.#startChild(state, id, task));
    }
    if (effects.finished && state.parent !== undefined) this.#track(this.#notifyParent(state));
  }

  async #runActivity(
    instanceId: string,
    executionId: number,
    id: number,
    task: Extract<OpenTask, { kind: 'activity' }>,
  ): Promise<void> {
    let event: HistoryEvent;
    try {
      const fn = this.#function(task.name, 'activityTrigger', 'activity');
      const response = await this.#options.invoker.invoke(fn, { trigger: { string: task.input } });
      const result = fromTypedData(response.returnValue);
      event = historyEvent(EventType.TaskCompleted, this.#options.clock.now(), {
        TaskScheduledId: id,
        Result: JSON.stringify(result ?? null),
      });
    } catch (error) {
      event = historyEvent(EventType.TaskFailed, this.#options.clock.now(), {
        TaskScheduledId: id,
        ...failureFields(asError(error)),
      });
    }
    await this.#deliver(instanceId, executionId, id, event);
  }

  #armTimer(instanceId: string, executionId: number, id: number, fireAt: string): void {
    if (this.#stopped) return;
    const key = `${instanceId}#${executionId}#${id}`;
    const controller = new AbortController();
    this.#timers.get(key)?.abort();
    this.#timers.set(key, controller);
    void this.#options.clock.sleepUntil(Date.parse(fireAt), controller.signal).then(() => {
      if (controller.signal.aborted) return;
      this.#timers.delete(key);
      this.#track(
        this.#deliver(
          instanceId,
          executionId,
          id,
          historyEvent(EventType.TimerFired, this.#options.clock.now(), { TimerId: id, FireAt: fireAt }),
        ),
      );
    });
  }

  #disarm(instanceId: string, id: number): void {
    for (const [key, controller] of this.#timers) {
      if (key.startsWith(`${instanceId}#`) && key.endsWith(`#${id}`)) {
        controller.abort();
        this.#timers.delete(key);
      }
    }
  }

  #cancelAllTimers(state: InstanceState): void {
    for (const key of Object.keys(state.open)) this.#disarm(state.instanceId, Number(key));
  }

  async #startChild(
    parent: InstanceState,
    id: number,
    task: Extract<OpenTask, { kind: 'subOrchestration' }>,
  ): Promise<void> {
    let failure: Error | undefined;
    try {
      const fn = this.#orchestrator(task.name);
      await this.#withLock(task.instanceId, async () => {
        const existing = await this.#get(task.instanceId);
        if (existing !== undefined && !isTerminal(existing.status))
          throw new InstanceExistsError(task.instanceId);
        const child = this.#newState(task.instanceId, fn.name, task.input);
        child.parent = {
          instanceId: parent.instanceId,
          taskScheduledId: id,
          executionId: parent.executionId,
        };
        await this.#save(child);
      });
    } catch (error) {
      failure = asError(error);
    }
    if (failure !== undefined) {
      const event = historyEvent(EventType.SubOrchestrationInstanceFailed, this.#options.clock.now(), {
        TaskScheduledId: id,
        ...failureFields(failure),
      });
      await this.#deliver(parent.instanceId, parent.executionId, id, event);
      return;
    }
    await this.#pump(task.instanceId);
  }

  async #resumeChild(
    parent: InstanceState,
    id: number,
    task: Extract<OpenTask, { kind: 'subOrchestration' }>,
  ): Promise<void> {
    const child = await this.#get(task.instanceId);
    if (child === undefined) return this.#startChild(parent, id, task);
    if (isTerminal(child.status)) await this.#notifyParent(child);
  }

  async #notifyParent(child: InstanceState): Promise<void> {
    const parent = child.parent;
    if (parent === undefined) return;
    const now = this.#options.clock.now();
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
    const queued = await this.#withLock(instanceId, async () => {
      const state = await this.#get(instanceId);
      if (state === undefined || isTerminal(state.status)) return false;
      if (executionId !== undefined && state.executionId !== executionId) return false;
      const task = state.open[String(id)];
      if (task === undefined || task.completed === true) return false;
      task.completed = true;
      state.pending.push(event);
      await this.#save(state);
      return true;
    });
    if (queued) await this.#pump(instanceId);
  }

  // ---- helpers ----

  #newState(instanceId: string, name: string, input: unknown): InstanceState {
    const now = this.#options.clock.now();
    const iso = new Date(now).toISOString();
    return {
      instanceId,
      name,
      executionId: 0,
      status: 'Pending',
      input: input ?? null,
      output: null,
      customStatus: null,
      createdTime: iso,
      lastUpdatedTime: iso,
      history: [],
      pending: [
        historyEvent(EventType.ExecutionStarted, now, {
          Name: name,
          Input: JSON.stringify(input ?? null),
          Version: '',
        }),
      ],
      nextId: 0,
      knownActions: [],
      leafIds: [],
      open: {},
    };
  }

  #orchestrator(name: string): IndexedFunction {
    return this.#function(name, 'orchestrationTrigger', 'orchestrator');
  }

  #function(name: string, triggerType: string, kind: string): IndexedFunction {
    const fn = this.#options.functions.get(name.toLowerCase());
    if (fn === undefined || fn.triggerType !== triggerType) throw new UnknownFunctionError(name, kind);
    return fn;
  }

  async #get(instanceId: string): Promise<InstanceState | undefined> {
    const cached = this.#cache.get(instanceId);
    if (cached !== undefined) return cached;
    const loaded = await this.#options.store.load(instanceId);
    if (loaded !== undefined) this.#cache.set(instanceId, loaded);
    return loaded;
  }

  async #save(state: InstanceState): Promise<void> {
    if (this.#abandoned) throw new Error('the durable runtime was abandoned (simulated crash)');
    this.#cache.set(state.instanceId, state);
    await this.#options.store.save(state);
  }

  async #withLock<T>(instanceId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(instanceId) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => current);
    this.#locks.set(instanceId, chained);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.#locks.get(instanceId) === chained) this.#locks.delete(instanceId);
    }
  }

  #track(work: Promise<void>): void {
    if (this.#abandoned) {
      work.catch(() => undefined);
      return;
    }
    this.#busy++;
    work
      .catch((error: unknown) => {
        if (!this.#abandoned)
          this.#options.onLog?.(`durable runtime error: ${asError(error).stack ?? String(error)}`);
      })
      .finally(() => {
        this.#busy--;
        if (this.#busy === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
      });
  }
}

/** DTFx: firstRetryInterval × backoffCoefficient^(attempt−1), capped at maxRetryInterval. */
export function retryDelayMs(options: RetryOptionsJson, failures: number): number {
  const delay =
    options.firstRetryIntervalInMilliseconds * (options.backoffCoefficient ?? 1) ** (failures - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 ? Math.min(delay, cap) : delay;
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

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
