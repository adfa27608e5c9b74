/**
 * Turns the actions an episode returned into open tasks. Leaves already known must match their
 * recorded signature, else nothing is scheduled and a non-determinism message comes back. Each new
 * leaf that takes a sequence number gets the next one, in leaf order as the SDK numbers them, with
 * its open task, history event and effect; an action the local runtime does not support also ends
 * in a message. Timers the orchestrator cancelled are closed and queued for disarming.
 */
import {
  ActionType,
  actionName,
  actionSignature,
  activityInputText,
  flattenActions,
  takesSequenceNumber,
  type ActionJson,
  type OrchestratorStateJson,
} from './actions.js';
import type { Effects } from './effects.js';
import { EventType, historyEvent } from './history.js';
import type { InstanceState } from './instance-state.js';

/** Schedules the new leaves; returns a determinism violation message, if any. */
export function applyActions(
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
