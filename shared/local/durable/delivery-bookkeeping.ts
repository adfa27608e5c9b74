/**
 * The bookkeeping the SDK does implicitly when an episode delivers a completion, mirrored so our
 * sequence numbers stay in step with its own: a failed activity or sub-orchestration with a retry
 * policy takes an id for its retry timer, and a retry timer that fires with attempts left takes an id
 * for the re-run. The delivered task leaves the open set either way.
 */
import type { RetryOptionsJson } from './actions.js';
import type { Effects } from './effects.js';
import { EventType, historyEvent, type HistoryEvent } from './history.js';
import type { InstanceState } from './instance-state.js';

/** Bookkeeping the SDK does implicitly when it reads `event`: retry timers and re-runs take ids. */
export function beforeDelivery(
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
    event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed;
  if (failed && (task.kind === 'activity' || task.kind === 'subOrchestration') && task.retry !== undefined) {
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

/** DTFx: firstRetryInterval × backoffCoefficient^(attempt−1), capped at maxRetryInterval. */
export function retryDelayMs(options: RetryOptionsJson, failures: number): number {
  const delay =
    options.firstRetryIntervalInMilliseconds * (options.backoffCoefficient ?? 1) ** (failures - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 ? Math.min(delay, cap) : delay;
}
