/**
 * One episode of an instance: exactly one pending event is delivered after an OrchestratorStarted,
 * the whole history is replayed through the orchestrator, and its actions are scheduled. The episode
 * only changes the state and records the effects to start; it ends with OrchestratorCompleted and,
 * when the orchestrator is done, failed or violated determinism, with the execution finished (or
 * restarted by continueAsNew) and every open timer queued for disarming.
 */
import { ActionType, flattenActions, type ActionJson } from './actions.js';
import { applyActions } from './apply-actions.js';
import { beforeDelivery } from './delivery-bookkeeping.js';
import { noEffects, type Effects } from './effects.js';
import { EventType, historyEvent, type HistoryEvent } from './history.js';
import type { InstanceState, RuntimeStatus } from './instance-state.js';
import type { OrchestratorOutcome } from './orchestrator-invocation.js';

/** Runs one episode of `state` (which must have a pending event) at `now`. */
export async function runEpisode(
  state: InstanceState,
  now: number,
  runOrchestrator: (state: InstanceState) => Promise<OrchestratorOutcome>,
): Promise<Effects> {
  const effects = noEffects();
  const event = state.pending.shift() as HistoryEvent;
  const extra: HistoryEvent[] = [];
  beforeDelivery(state, event, now, effects, extra);
  for (const past of state.history) past.IsPlayed = true;
  state.history.push(historyEvent(EventType.OrchestratorStarted, now), event, ...extra);
  state.status = 'Running';

  const outcome = await runOrchestrator(state);
  const violation =
    outcome.state === undefined ? undefined : applyActions(state, outcome.state, now, effects);
  state.customStatus = outcome.state?.customStatus ?? null;
  state.lastUpdatedTime = new Date(now).toISOString();
  if (violation !== undefined || outcome.error !== undefined) {
    const message = violation ?? outcome.error ?? 'orchestrator failed';
    finish(state, 'Failed', message, now, effects);
    state.history.push(historyEvent(EventType.ExecutionFailed, now, { Reason: message }));
  } else if (outcome.state?.isDone === true) {
    const continued = flattenActions(outcome.state).find((a) => a.actionType === ActionType.ContinueAsNew);
    if (continued !== undefined) continueAsNew(state, continued, now, effects);
    else {
      finish(state, 'Completed', outcome.state.output ?? null, now, effects);
      state.history.push(
        historyEvent(EventType.ExecutionCompleted, now, { Result: JSON.stringify(state.output) }),
      );
    }
  }
  state.history.push(historyEvent(EventType.OrchestratorCompleted, now));
  return effects;
}

function continueAsNew(state: InstanceState, action: ActionJson, now: number, effects: Effects): void {
  const input =
    typeof action.input === 'string' ? (JSON.parse(action.input) as unknown) : (action.input ?? null);
  state.history.push(historyEvent(EventType.ContinueAsNew, now, { Result: JSON.stringify(input) }));
  cancelOpen(state, effects);
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

function finish(
  state: InstanceState,
  status: RuntimeStatus,
  output: unknown,
  now: number,
  effects: Effects,
): void {
  state.status = status;
  state.output = output;
  state.lastUpdatedTime = new Date(now).toISOString();
  cancelOpen(state, effects);
  effects.finished = true;
}

function cancelOpen(state: InstanceState, effects: Effects): void {
  for (const [key, task] of Object.entries(state.open)) {
    if (task.kind === 'timer' || task.kind === 'retryTimer') effects.cancelTimers.push(Number(key));
  }
}
